defmodule Netsplit.Agent.Workloads do
  @moduledoc false
  # The workloads the checkers observe: `:pg` members in scopes, processes holding `:global`
  # names, and timed `:global` probes. Holders are monitored, so a holder killed by global's
  # name-conflict resolution is reported (event `holder_exit`) with its reason.
  use GenServer
  alias Netsplit.Agent.{Events, Pids}

  @max_scopes 64

  # started before the ready line: OTP's :gen_server (see Netsplit.Agent.Events)
  def start_link(_), do: :gen_server.start_link({:local, __MODULE__}, __MODULE__, nil, [])

  @doc "Starts `count` member processes on this node and joins them to `group` in `scope`."
  def pg_start(scope, group, count), do: GenServer.call(__MODULE__, {:pg_start, scope, group, count})

  @doc "Registers a fresh holder process under a global name; bounded by `timeout_ms`."
  def global_register(name, timeout_ms) do
    holder = GenServer.call(__MODULE__, {:spawn_holder, name})
    Netsplit.Agent.Timed.run(fn -> :global.register_name(name, holder) end, timeout_ms, fn result ->
      if result != :yes, do: send(holder, :stop)
    end)
    |> Map.put("pid", Pids.canonical(holder))
  end

  @doc "Holders on this node that are alive, by name."
  def holders, do: GenServer.call(__MODULE__, :holders)

  @impl true
  def init(nil), do: {:ok, %{scopes: %{}, holders: %{}, members: []}}

  @impl true
  def handle_call({:pg_start, scope_name, group, count}, _from, state) do
    with {:ok, scope, state} <- ensure_scope(scope_name, state) do
      pids = for _ <- 1..count//1, do: spawn(&idle/0)
      :ok = :pg.join(scope, group, pids)
      {:reply, {:ok, Enum.map(pids, &Pids.canonical/1)}, %{state | members: pids ++ state.members}}
    else
      {:error, _} = err -> {:reply, err, state}
    end
  end

  def handle_call({:spawn_holder, name}, _from, state) do
    pid = spawn(&idle/0)
    ref = Process.monitor(pid)
    {:reply, pid, put_in(state.holders[ref], {name, pid})}
  end

  def handle_call(:holders, _from, state) do
    {:reply, for({_ref, {name, pid}} <- state.holders, do: %{"name" => name, "pid" => Pids.canonical(pid)}), state}
  end

  @impl true
  def handle_info({:DOWN, ref, :process, pid, reason}, state) do
    case Map.pop(state.holders, ref) do
      {{name, ^pid}, holders} ->
        Events.publish(%{"event" => "holder_exit", "name" => name, "pid" => Pids.canonical(pid), "reason" => inspect(reason)})
        {:noreply, %{state | holders: holders}}

      {nil, _} ->
        {:noreply, state}
    end
  end

  defp ensure_scope(name, state) do
    case state.scopes do
      %{^name => scope} ->
        {:ok, scope, state}

      scopes when map_size(scopes) >= @max_scopes ->
        {:error, "at most #{@max_scopes} pg scopes"}

      _ ->
        if Regex.match?(~r/^[a-z][a-zA-Z0-9_]{0,63}$/, name) do
          scope = String.to_atom(name)

          case :pg.start(scope) do
            {:ok, _} -> {:ok, scope, put_in(state.scopes[name], scope)}
            {:error, {:already_started, _}} -> {:ok, scope, put_in(state.scopes[name], scope)}
            {:error, reason} -> {:error, "cannot start pg scope #{name}: #{inspect(reason)}"}
          end
        else
          {:error, "bad pg scope name #{inspect(name)}"}
        end
    end
  end

  @doc "A do-nothing process (pg member, global name holder) that stops on :stop."
  def idle do
    receive do
      :stop -> :ok
    end
  end

  @doc "The pg scope atom for a scope name, if this node started it."
  def scope(name) do
    case :sys.get_state(__MODULE__).scopes do
      %{^name => scope} -> {:ok, scope}
      _ -> {:error, "pg scope #{inspect(name)} is not running on #{node()}"}
    end
  end
end
