defmodule Netsplit.Agent.Application do
  @moduledoc false
  # The agent's supervision tree, on OTP's own `:supervisor`. Every module loaded before the ready
  # line costs every node CPU time (JIT-compiled at load: Elixir's Supervisor pulls in Enum,
  # Keyword and Access, Task.Supervisor pulls in DynamicSupervisor), so the tree that starts at
  # boot uses plain OTP calls, and what a scenario may never use starts on demand
  # (`ensure_child/1`): the task supervisors (Horde's batches, the global probes) and the Horde
  # workload's subtree. `bench/agent-boot.ts` and docs/BENCHMARKS.md show what the boot costs.
  use Application

  @sup Netsplit.Agent.Supervisor

  @impl true
  def start(_type, _args) do
    secret = System.get_env("NETSPLIT_SECRET")

    if secret in [nil, ""] do
      {:error, {:missing_env, "NETSPLIT_SECRET"}}
    else
      children = [
        worker(Netsplit.Agent.Events, nil),
        # warnings, errors and a few info reports, as `log` events (bounded, never blocking)
        worker(Netsplit.Agent.LogForwarder, []),
        worker(Netsplit.Agent.Workloads, nil),
        worker(Netsplit.Agent.Reconnector, [interval_ms: reconnect_interval()]),
        worker(Netsplit.Agent.Control, [secret: secret, ip: control_ip(), port: control_port()])
      ]

      :supervisor.start_link({:local, @sup}, __MODULE__, {:top, children})
    end
  end

  @doc false
  # :supervisor callback (the top supervisor)
  def init({:top, children}), do: {:ok, {%{strategy: :one_for_one, intensity: 3, period: 5}, children}}

  @doc """
  Starts an on-demand child of the agent's supervisor unless it runs: `:tasks` (a
  Task.Supervisor named Netsplit.Agent.Tasks), `:probes` (Netsplit.Agent.Probes) or `:horde`
  (Netsplit.Agent.Horde, the Horde workload's subtree).
  """
  @spec ensure_child(:tasks | :probes | :horde) :: :ok | {:error, String.t()}
  def ensure_child(which) do
    spec = child(which)

    case :supervisor.start_child(@sup, spec) do
      {:ok, _} -> :ok
      {:error, {:already_started, _}} -> :ok
      {:error, :already_present} -> restart_child(spec.id)
      {:error, reason} -> {:error, "cannot start the agent's #{which} on #{node()}: #{inspect(reason)}"}
    end
  end

  defp restart_child(id) do
    case :supervisor.restart_child(@sup, id) do
      {:ok, _} -> :ok
      {:error, :running} -> :ok
      {:error, reason} -> {:error, "cannot restart the agent's #{inspect(id)} on #{node()}: #{inspect(reason)}"}
    end
  end

  defp child(:tasks), do: task_supervisor(Netsplit.Agent.Tasks)
  defp child(:probes), do: task_supervisor(Netsplit.Agent.Probes)
  defp child(:horde), do: %{id: Netsplit.Agent.Horde, start: {Netsplit.Agent.Horde, :start_link, [nil]}, type: :supervisor}

  defp task_supervisor(name), do: %{id: name, start: {Task.Supervisor, :start_link, [[name: name]]}, type: :supervisor}

  defp worker(module, arg), do: %{id: module, start: {module, :start_link, [arg]}}

  defp reconnect_interval do
    case System.get_env("NETSPLIT_RECONNECT_MS", "500") do
      "off" -> nil
      ms -> :erlang.binary_to_integer(ms)
    end
  end

  defp control_ip do
    {:ok, ip} = :inet.parse_address(:erlang.binary_to_list(System.get_env("NETSPLIT_CONTROL_IP", "127.0.0.1")))
    ip
  end

  defp control_port, do: :erlang.binary_to_integer(System.get_env("NETSPLIT_CONTROL_PORT", "0"))
end
