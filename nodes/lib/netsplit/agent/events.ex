defmodule Netsplit.Agent.Events do
  @moduledoc false
  # Watches nodeup/nodedown (with reasons) and fans every event out to the subscribed control
  # connections, stamped with this node's clock.
  use GenServer

  def start_link(_opts), do: GenServer.start_link(__MODULE__, nil, name: __MODULE__)

  @doc "Subscribes the calling process: it receives `{:netsplit_event, map}` messages."
  def subscribe, do: GenServer.call(__MODULE__, {:subscribe, self()})

  @doc "Publishes an event (a map with string keys) to every subscriber."
  def publish(event) when is_map(event), do: GenServer.cast(__MODULE__, {:publish, event})

  @impl true
  def init(nil) do
    :ok = :net_kernel.monitor_nodes(true, [{:node_type, :visible}, :nodedown_reason])
    {:ok, %{subscribers: %{}}}
  end

  @impl true
  def handle_call({:subscribe, pid}, _from, state) do
    ref = Process.monitor(pid)
    {:reply, :ok, put_in(state.subscribers[pid], ref)}
  end

  @impl true
  def handle_cast({:publish, event}, state) do
    {:noreply, fan_out(event, state)}
  end

  @impl true
  def handle_info({:nodeup, node, _info}, state) do
    {:noreply, fan_out(%{"event" => "nodeup", "node" => node}, state)}
  end

  def handle_info({:nodedown, node, info}, state) do
    reason = info |> Keyword.get(:nodedown_reason, :unknown) |> format_reason()
    {:noreply, fan_out(%{"event" => "nodedown", "node" => node, "reason" => reason}, state)}
  end

  def handle_info({:DOWN, _ref, :process, pid, _}, state) do
    {:noreply, %{state | subscribers: Map.delete(state.subscribers, pid)}}
  end

  defp fan_out(event, state) do
    event = Map.put_new(event, "t_us", Netsplit.Agent.now_us())
    for pid <- Map.keys(state.subscribers), do: send(pid, {:netsplit_event, event})
    state
  end

  defp format_reason(reason) when is_atom(reason), do: Atom.to_string(reason)
  defp format_reason(reason), do: inspect(reason)
end
