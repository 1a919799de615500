defmodule Netsplit.Agent.HordeWatch do
  @moduledoc false
  # The last child of a Horde workload's supervisor (rest_for_one): started after the workload's
  # Horde.Registry and Horde.DynamicSupervisor, and again after either restarts. It hands their
  # current pids to the tracker, which monitors them and publishes `horde_down` with the reason
  # when one of them goes down (e.g. Horde.DynamicSupervisor taken down by its
  # ProcessesSupervisor exceeding its restart intensity, which also ends every local worker).
  use GenServer

  @impl true
  def init(cfg) do
    Netsplit.Agent.HordeTracker.watch(cfg.index, %{
      "registry" => Process.whereis(cfg.registry),
      "supervisor" => Process.whereis(cfg.supervisor)
    })

    {:ok, cfg}
  end
end
