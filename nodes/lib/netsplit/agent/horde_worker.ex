defmodule Netsplit.Agent.HordeWorker do
  @moduledoc false
  # A keyed worker under Horde.DynamicSupervisor, registered by name in Horde.Registry
  # (`{:via, Horde.Registry, {registry, key}}`). It does nothing but exist, so everything the
  # checkers see comes from Horde.
  #
  # restart "ignore_already_started" is what Horde's guide recommends: a start that finds the
  # name taken returns `:ignore` (the supervisor then forgets the child). "naive" returns the
  # `{:error, {:already_started, pid}}` as is, and the supervisor keeps retrying.
  # trap_exit: true makes the worker survive exit signals from other processes, among them the
  # `{:name_conflict, ...}` exit the registry sends a conflict loser: it keeps running,
  # unregistered.
  use GenServer, restart: :permanent, shutdown: 1_000
  alias Netsplit.Agent.HordeTracker

  def child_spec(spec) do
    %{id: spec.key, start: {__MODULE__, :start_link, [spec]}, restart: :permanent, shutdown: 1_000}
  end

  def start_link(spec) do
    name = {:via, Horde.Registry, {spec.registry, spec.key}}

    case GenServer.start_link(__MODULE__, spec, name: name) do
      {:error, {:already_started, holder}} = error ->
        if spec.restart == "ignore_already_started" do
          HordeTracker.already_started(spec.workload, spec.key, holder, "ignore")
          :ignore
        else
          HordeTracker.already_started(spec.workload, spec.key, holder, "error")
          error
        end

      other ->
        other
    end
  end

  @impl true
  def init(spec) do
    if spec.trap_exit, do: Process.flag(:trap_exit, true)
    :ok = HordeTracker.track(spec.workload, spec.key)
    {:ok, spec}
  end

  @impl true
  def handle_info({:EXIT, from, reason}, spec) do
    # only with trap_exit (an exit from the parent supervisor is handled by gen_server itself)
    HordeTracker.ignored_exit(spec.workload, spec.key, from, reason)
    {:noreply, spec}
  end

  def handle_info(_other, spec), do: {:noreply, spec}
end
