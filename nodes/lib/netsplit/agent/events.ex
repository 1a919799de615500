defmodule Netsplit.Agent.Events do
  @moduledoc false
  # Watches nodeup/nodedown (with reasons) and fans every event out to the subscribed control
  # connections, stamped with this node's clock.
  # OTP calls (:gen_server, :maps, :proplists) rather than Elixir's GenServer, Map and Keyword
  # modules: this server starts before the ready line, where every module loaded costs each node
  # CPU time (Netsplit.Agent.Application)
  use GenServer

  def start_link(_opts), do: :gen_server.start_link({:local, __MODULE__}, __MODULE__, nil, [])

  @doc "Subscribes the calling process: it receives `{:netsplit_event, map}` messages."
  def subscribe, do: :gen_server.call(__MODULE__, {:subscribe, self()})

  @doc "Publishes an event (a map with string keys) to every subscriber."
  def publish(event) when is_map(event), do: :gen_server.cast(__MODULE__, {:publish, event})

  @impl true
  def init(nil) do
    :ok = :net_kernel.monitor_nodes(true, [{:node_type, :visible}, :nodedown_reason])
    {:ok, %{subscribers: %{}}}
  end

  @impl true
  def handle_call({:subscribe, pid}, _from, state) do
    ref = :erlang.monitor(:process, pid)
    {:reply, :ok, %{state | subscribers: :maps.put(pid, ref, state.subscribers)}}
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
    reason = :nodedown_reason |> :proplists.get_value(info, :unknown) |> format_reason()
    {:noreply, fan_out(%{"event" => "nodedown", "node" => node, "reason" => reason}, state)}
  end

  def handle_info({:DOWN, _ref, :process, pid, _}, state) do
    {:noreply, %{state | subscribers: :maps.remove(pid, state.subscribers)}}
  end

  defp fan_out(event, state) do
    event = if :maps.is_key("t_us", event), do: event, else: :maps.put("t_us", Netsplit.Agent.now_us(), event)
    :lists.foreach(&send(&1, {:netsplit_event, event}), :maps.keys(state.subscribers))
    state
  end

  defp format_reason(reason) when is_atom(reason), do: :erlang.atom_to_binary(reason, :utf8)
  defp format_reason(reason), do: inspect(reason)
end
