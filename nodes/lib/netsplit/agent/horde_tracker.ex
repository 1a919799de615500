defmodule Netsplit.Agent.HordeTracker do
  @moduledoc false
  # Knows every Horde worker process living on THIS node, however it was started (by Horde's
  # supervisor, restarted after a conflict, left running unregistered by a trapped exit), and
  # why each one ended.
  #
  # Each worker, from its init, has the tracker monitor it and insert `{pid, workload, key,
  # started_us}` into an ETS table the tracker owns. The census reads the table and keeps the pids
  # that are alive at that moment: a local check, never a call through Horde, so it cannot block
  # behind a partition and does not depend on what Horde's own bookkeeping believes. Every
  # worker also tags its process dictionary (`:netsplit_horde`), so a restarted tracker rebuilds
  # the table from `Process.list/0`. On exit the tracker publishes `horde_worker_exit` with the
  # reason (e.g. `{:name_conflict, {key, value}, registry, winner}` for a conflict loser).
  use GenServer
  alias Netsplit.Agent.{Events, Pids}

  @table :netsplit_horde_workers

  def start_link(_), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)

  @doc "Called by a worker from its own init."
  @spec track(non_neg_integer(), String.t()) :: :ok
  def track(workload, key) do
    Process.put(:netsplit_horde, {workload, key})
    GenServer.call(__MODULE__, {:track, self(), workload, key}, 10_000)
  end

  @doc "Called by a worker that traps exits and ignored an exit signal (it keeps running)."
  @spec ignored_exit(non_neg_integer(), String.t(), pid(), term()) :: :ok
  def ignored_exit(workload, key, from, reason) do
    Events.publish(
      %{"event" => "horde_exit_ignored", "workload" => workload, "key" => key, "pid" => Pids.canonical(self()), "from" => Pids.canonical_or_nil(from)}
      |> Map.merge(describe(reason))
    )
  end

  @doc "Called when a worker's start found its name taken."
  @spec already_started(non_neg_integer(), String.t(), pid(), String.t()) :: :ok
  def already_started(workload, key, holder, outcome) do
    Events.publish(%{"event" => "horde_already_started", "workload" => workload, "key" => key, "holder" => Pids.canonical_or_nil(holder), "outcome" => outcome})
  end

  @doc "Live workers on this node, by workload: %{index => [{key, pid, started_us}]}."
  @spec live_workers() :: %{non_neg_integer() => [{String.t(), pid(), integer()}]}
  def live_workers do
    @table
    |> :ets.tab2list()
    |> Enum.filter(fn {pid, _, _, _} -> Process.alive?(pid) end)
    |> Enum.sort_by(fn {_pid, w, key, started} -> {w, key, started} end)
    |> Enum.group_by(fn {_pid, w, _, _} -> w end, fn {pid, _w, key, started} -> {key, pid, started} end)
  end

  @doc "Monitors a workload's Horde processes (from `Netsplit.Agent.HordeWatch`); a restart is published."
  @spec watch(non_neg_integer(), %{String.t() => pid() | nil}) :: :ok
  def watch(workload, pids), do: GenServer.cast(__MODULE__, {:watch, workload, pids})

  @doc "Remembers a workload's configuration (idempotent; the first one wins)."
  def configure(cfg), do: GenServer.call(__MODULE__, {:configure, cfg})

  def config(index), do: GenServer.call(__MODULE__, {:config, index})

  def configs, do: GenServer.call(__MODULE__, :configs)

  @impl true
  def init(nil) do
    :ets.new(@table, [:named_table, :protected, :set, read_concurrency: true])
    # a restarted tracker: find the workers that are still alive by their tag
    for pid <- Process.list(), {w, key} <- tag(pid) do
      :ets.insert(@table, {pid, w, key, Netsplit.Agent.now_us()})
      Process.monitor(pid)
    end

    {:ok, %{configs: %{}, watched: %{}, starts: %{}}}
  end

  defp tag(pid) do
    case Process.info(pid, :dictionary) do
      {:dictionary, dict} ->
        case List.keyfind(dict, :netsplit_horde, 0) do
          {_, {w, key}} -> [{w, key}]
          _ -> []
        end

      _ ->
        []
    end
  end

  @impl true
  def handle_call({:track, pid, workload, key}, _from, state) do
    Process.monitor(pid)
    :ets.insert(@table, {pid, workload, key, Netsplit.Agent.now_us()})
    {:reply, :ok, state}
  end

  def handle_call({:configure, cfg}, _from, state) do
    {:reply, :ok, %{state | configs: Map.put_new(state.configs, cfg.index, cfg)}}
  end

  def handle_call({:config, index}, _from, state), do: {:reply, Map.get(state.configs, index), state}

  def handle_call(:configs, _from, state) do
    {:reply, state.configs |> Map.values() |> Enum.sort_by(& &1.index), state}
  end

  @impl true
  def handle_cast({:watch, workload, pids}, state) do
    starts = Map.update(state.starts, workload, 1, &(&1 + 1))

    if starts[workload] > 1 do
      Events.publish(%{"event" => "horde_restarted", "workload" => workload, "starts" => starts[workload]})
    end

    watched =
      for {what, pid} <- pids, is_pid(pid), into: state.watched do
        {Process.monitor(pid), {workload, what, pid}}
      end

    {:noreply, %{state | watched: watched, starts: starts}}
  end

  @impl true
  def handle_info({:DOWN, ref, :process, pid, reason}, state) when is_map_key(state.watched, ref) do
    {{workload, what, ^pid}, watched} = Map.pop(state.watched, ref)

    Events.publish(
      %{"event" => "horde_down", "workload" => workload, "what" => what, "pid" => Pids.canonical(pid)}
      |> Map.merge(describe(reason))
    )

    {:noreply, %{state | watched: watched}}
  end

  def handle_info({:DOWN, _ref, :process, pid, reason}, state) do
    case :ets.lookup(@table, pid) do
      [{^pid, w, key, started}] ->
        :ets.delete(@table, pid)

        Events.publish(
          %{
            "event" => "horde_worker_exit",
            "workload" => w,
            "key" => key,
            "pid" => Pids.canonical(pid),
            "lived_ms" => div(Netsplit.Agent.now_us() - started, 1000)
          }
          |> Map.merge(describe(reason))
        )

      [] ->
        :ok
    end

    {:noreply, state}
  end

  @doc "An exit reason as text plus its kind, and the winner of a name conflict."
  def describe({:name_conflict, {_key, _value}, _registry, winner} = reason) when is_pid(winner) do
    %{"reason" => inspect(reason, limit: 12), "kind" => "name_conflict", "winner" => Pids.canonical(winner)}
  end

  def describe(reason) do
    kind =
      case reason do
        a when is_atom(a) -> Atom.to_string(a)
        {:shutdown, _} -> "shutdown"
        {a, _} when is_atom(a) -> Atom.to_string(a)
        t when is_tuple(t) and is_atom(elem(t, 0)) -> Atom.to_string(elem(t, 0))
        _ -> "other"
      end

    %{"reason" => reason |> inspect(limit: 12, printable_limit: 200) |> String.slice(0, 600), "kind" => kind}
  end
end
