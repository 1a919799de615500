defmodule Jobs.Elector do
  @moduledoc """
  Decides, on every node, whether this node should start (or stop) the coordinator. It looks
  every 250 ms and at every `nodeup`/`nodedown` (`:net_kernel.monitor_nodes/1`).

    * naive: "if `:global.whereis_name/1` says there is no coordinator, register one here". At
      boot and after a nodedown, a node cut off from the coordinator starts its own: a
      partitioned minority keeps accepting jobs. At the heal `:global` finds two pids for one
      name and its default resolver kills one (the one on the node whose name sorts last),
      together with every job it held.
    * fixed: a coordinator runs only where the expected cluster's majority is visible, on the
      lowest-named node of that majority, and only after the majority has been seen, without a
      coordinator, for `takeover_after_ms` (so the old one's side has noticed the split too).
      A coordinator whose node loses the majority steps down at once. A minority never has
      one: its submissions get `{:error, :no_quorum}`.
  """
  use GenServer
  require Logger

  alias Jobs.{Config, Coordinator}

  @tick 250

  @doc false
  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @impl true
  def init([]) do
    :ok = :net_kernel.monitor_nodes(true)
    send(self(), :tick)
    {:ok, %{variant: Config.variant(), local: nil, vacant_since: nil}}
  end

  @impl true
  def handle_info(:tick, state) do
    Process.send_after(self(), :tick, @tick)
    {:noreply, step(state)}
  end

  def handle_info({nodeup_or_down, _node}, state) when nodeup_or_down in [:nodeup, :nodedown],
    do: {:noreply, step(state)}

  def handle_info({:DOWN, _ref, :process, pid, reason}, %{local: pid} = state) do
    if reason not in [:normal, :shutdown],
      do: Logger.warning("jobs: coordinator on #{node()} exited: #{inspect(reason)}")

    {:noreply, %{state | local: nil}}
  end

  def handle_info(_other, state), do: {:noreply, state}

  defp step(%{variant: :naive} = state) do
    if Coordinator.whereis() == :undefined, do: start(state), else: state
  end

  defp step(%{variant: :fixed} = state) do
    visible = Config.visible_nodes()
    expected = Config.expected_nodes()

    cond do
      state.local != nil and not Config.majority?(visible, expected) ->
        Logger.warning("jobs: #{node()} sees #{length(visible)} of #{length(expected)} nodes, coordinator steps down")
        _ = DynamicSupervisor.terminate_child(Jobs.CoordinatorSup, state.local)
        %{state | local: nil, vacant_since: nil}

      Config.preferred_host(visible, expected) == node() and Coordinator.whereis() == :undefined ->
        now = System.monotonic_time(:millisecond)
        since = state.vacant_since || now
        state = %{state | vacant_since: since}
        if now - since >= Config.ms(:takeover_after_ms), do: start(state), else: state

      true ->
        %{state | vacant_since: nil}
    end
  end

  defp start(state) do
    case DynamicSupervisor.start_child(Jobs.CoordinatorSup, {Coordinator, state.variant}) do
      {:ok, pid} ->
        Process.monitor(pid)
        %{state | local: pid, vacant_since: nil}

      {:error, {:already_started, _}} ->
        %{state | vacant_since: nil}

      {:error, reason} ->
        Logger.warning("jobs: could not start the coordinator: #{inspect(reason)}")
        state
    end
  end
end
