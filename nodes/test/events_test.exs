defmodule Netsplit.Agent.EventsTest do
  # Events is a named process; node monitor messages are sent to it directly
  use ExUnit.Case, async: false
  alias Netsplit.Agent.Events

  setup do
    pid = start_supervised!(Events)
    :ok = Events.subscribe()
    %{events: pid}
  end

  test "nodeup and nodedown reach every subscriber, with the reason and a node timestamp", %{events: pid} do
    send(pid, {:nodeup, :"n2@127.0.0.1", [node_type: :visible]})
    send(pid, {:nodedown, :"n2@127.0.0.1", [node_type: :visible, nodedown_reason: :connection_closed]})
    send(pid, {:nodedown, :"n3@127.0.0.1", [node_type: :visible, nodedown_reason: {:badrpc, :nodedown}]})
    send(pid, {:nodedown, :"n4@127.0.0.1", [node_type: :visible]})

    assert_receive {:netsplit_event, %{"event" => "nodeup", "node" => :"n2@127.0.0.1", "t_us" => t}} when is_integer(t)
    assert_receive {:netsplit_event, %{"event" => "nodedown", "node" => :"n2@127.0.0.1", "reason" => "connection_closed"}}
    assert_receive {:netsplit_event, %{"event" => "nodedown", "node" => :"n3@127.0.0.1", "reason" => "{:badrpc, :nodedown}"}}
    assert_receive {:netsplit_event, %{"event" => "nodedown", "node" => :"n4@127.0.0.1", "reason" => "unknown"}}
    # the same process all along: a crash would have dropped every subscription
    assert Process.whereis(Events) == pid
  end

  test "publish keeps a given timestamp and stamps the others; a dead subscriber is forgotten", %{events: pid} do
    Events.publish(%{"event" => "x", "t_us" => 42})
    Events.publish(%{"event" => "y"})
    assert_receive {:netsplit_event, %{"event" => "x", "t_us" => 42}}
    assert_receive {:netsplit_event, %{"event" => "y", "t_us" => t}} when is_integer(t) and t > 42

    other = spawn(fn -> Events.subscribe() end)
    ref = Process.monitor(other)
    assert_receive {:DOWN, ^ref, :process, ^other, _}
    # the DOWN reaches Events after the subscription: its state then holds the test process only
    _ = :sys.get_state(pid)
    assert :sys.get_state(pid).subscribers |> Map.keys() == [self()]
  end
end
