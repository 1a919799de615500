defmodule Jobs.Observer do
  @moduledoc """
  Remembers the coordinators this node has seen, for `Jobs.Check.single_coordinator/0`.

  It follows the `:pg` group `:coordinators` (`:pg.monitor_scope/1`). A coordinator that leaves
  the group while its node is still connected has stopped, and is forgotten. One that leaves
  because its node went out of reach (`:pg` removes a disconnected node's members) has NOT been
  seen to stop: a cut node cannot be told apart from a dead one, so it is kept as "unreachable,
  last seen alive", until its node is reachable again (then `:pg` says again whether it runs).
  """
  use GenServer

  @doc false
  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @doc "Coordinators last seen alive on nodes this node cannot reach now, with the ms since contact was lost."
  @spec unreachable(timeout()) :: [{pid(), non_neg_integer()}]
  def unreachable(timeout \\ 2_000), do: GenServer.call(__MODULE__, :unreachable, timeout)

  @impl true
  def init([]) do
    {ref, _groups} = :pg.monitor_scope(:jobs)
    {:ok, %{ref: ref, lost: %{}}}
  end

  @impl true
  def handle_info({ref, :join, :coordinators, pids}, %{ref: ref} = state),
    do: {:noreply, %{state | lost: Map.drop(state.lost, pids)}}

  def handle_info({ref, :leave, :coordinators, pids}, %{ref: ref} = state) do
    connected = [node() | Node.list()]
    now = System.monotonic_time(:millisecond)
    {stopped, cut} = Enum.split_with(pids, &(node(&1) in connected))
    lost = Enum.reduce(cut, state.lost, &Map.put_new(&2, &1, now))
    {:noreply, %{state | lost: Map.drop(lost, stopped)}}
  end

  def handle_info(_other, state), do: {:noreply, state}

  @impl true
  def handle_call(:unreachable, _from, state) do
    connected = [node() | Node.list()]
    now = System.monotonic_time(:millisecond)
    # Reachable again: :pg is the truth for it now.
    lost = Map.reject(state.lost, fn {pid, _} -> node(pid) in connected end)
    {:reply, Enum.map(lost, fn {pid, at} -> {pid, now - at} end), %{state | lost: lost}}
  end
end
