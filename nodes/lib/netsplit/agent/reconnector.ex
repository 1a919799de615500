defmodule Netsplit.Agent.Reconnector do
  @moduledoc false
  # A libcluster-like loop: every interval, dial each known peer that is not connected. Each dial
  # runs in its own process (a dial into a blackholed link blocks for net_setuptime) and a peer
  # with a dial in flight is skipped.
  # OTP calls only (see Netsplit.Agent.Events): it starts, and dials, before the ready line
  use GenServer

  def start_link(opts), do: :gen_server.start_link({:local, __MODULE__}, __MODULE__, opts, [])

  @doc "Sets the interval in ms; `nil` turns the loop off."
  def set_interval(interval_ms), do: :gen_server.call(__MODULE__, {:set_interval, interval_ms})

  @doc "Dials every known peer that is not connected, once, now."
  def dial_all, do: :gen_server.call(__MODULE__, :dial_all)

  @impl true
  def init(opts) do
    state = %{interval_ms: :proplists.get_value(:interval_ms, opts), pending: %{}, timer: nil}
    {:ok, schedule(state)}
  end

  @impl true
  def handle_call({:set_interval, ms}, _from, state) do
    if state.timer, do: :erlang.cancel_timer(state.timer)
    {:reply, :ok, schedule(%{state | interval_ms: ms, timer: nil})}
  end

  def handle_call(:dial_all, _from, state), do: {:reply, :ok, dial(state)}

  @impl true
  def handle_info(:tick, state) do
    {:noreply, state |> dial() |> schedule()}
  end

  def handle_info({:DOWN, ref, :process, _pid, _}, state) do
    pending = :maps.filter(fn _peer, r -> r != ref end, state.pending)
    {:noreply, %{state | pending: pending}}
  end

  defp dial(state) do
    connected = :erlang.nodes()

    pending =
      :lists.foldl(
        fn peer, acc ->
          if :lists.member(peer, connected) or :maps.is_key(peer, acc) do
            acc
          else
            {_pid, ref} = spawn_monitor(fn -> :net_kernel.connect_node(peer) end)
            :maps.put(peer, ref, acc)
          end
        end,
        state.pending,
        Netsplit.Agent.peers()
      )

    %{state | pending: pending}
  end

  defp schedule(%{interval_ms: nil} = state), do: %{state | timer: nil}
  defp schedule(state), do: %{state | timer: :erlang.send_after(state.interval_ms, self(), :tick)}
end
