defmodule Netsplit.Agent.Reconnector do
  @moduledoc false
  # A libcluster-like loop: every interval, dial each known peer that is not connected. Each dial
  # runs in its own process (a dial into a blackholed link blocks for net_setuptime) and a peer
  # with a dial in flight is skipped.
  use GenServer

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @doc "Sets the interval in ms; `nil` turns the loop off."
  def set_interval(interval_ms), do: GenServer.call(__MODULE__, {:set_interval, interval_ms})

  @doc "Dials every known peer that is not connected, once, now."
  def dial_all, do: GenServer.call(__MODULE__, :dial_all)

  @impl true
  def init(opts) do
    state = %{interval_ms: Keyword.get(opts, :interval_ms), pending: %{}, timer: nil}
    {:ok, schedule(state)}
  end

  @impl true
  def handle_call({:set_interval, ms}, _from, state) do
    if state.timer, do: Process.cancel_timer(state.timer)
    {:reply, :ok, schedule(%{state | interval_ms: ms, timer: nil})}
  end

  def handle_call(:dial_all, _from, state), do: {:reply, :ok, dial(state)}

  @impl true
  def handle_info(:tick, state) do
    {:noreply, state |> dial() |> schedule()}
  end

  def handle_info({:DOWN, ref, :process, _pid, _}, state) do
    pending = for {peer, r} <- state.pending, r != ref, into: %{}, do: {peer, r}
    {:noreply, %{state | pending: pending}}
  end

  defp dial(state) do
    connected = MapSet.new(Node.list())

    pending =
      Enum.reduce(Netsplit.Agent.peers(), state.pending, fn peer, acc ->
        if MapSet.member?(connected, peer) or Map.has_key?(acc, peer) do
          acc
        else
          {_pid, ref} = spawn_monitor(fn -> :net_kernel.connect_node(peer) end)
          Map.put(acc, peer, ref)
        end
      end)

    %{state | pending: pending}
  end

  defp schedule(%{interval_ms: nil} = state), do: %{state | timer: nil}
  defp schedule(state), do: %{state | timer: Process.send_after(self(), :tick, state.interval_ms)}
end
