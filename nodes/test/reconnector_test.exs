defmodule Netsplit.Agent.ReconnectorTest do
  # the reconnector is a named process and reads the node-wide route table
  use ExUnit.Case, async: false
  alias Netsplit.Agent.{Ops, Reconnector}

  @key {Netsplit.Epmd, :routes}

  setup do
    saved = :persistent_term.get(@key, nil)
    # one peer that never answers: this VM is not distributed, so every dial fails at once
    Netsplit.Epmd.set_routes("ghost@127.0.0.1=127.0.0.1:1")
    on_exit(fn -> if saved, do: :persistent_term.put(@key, saved), else: :persistent_term.erase(@key) end)
  end

  # :tick messages the reconnector receives during `ms`
  defp ticks_during(pid, ms) do
    :erlang.trace(pid, true, [:receive])
    Process.sleep(ms)
    :erlang.trace(pid, false, [:receive])
    count_ticks(pid, 0)
  end

  defp count_ticks(pid, n) do
    receive do
      {:trace, ^pid, :receive, :tick} -> count_ticks(pid, n + 1)
      {:trace, ^pid, :receive, _} -> count_ticks(pid, n)
    after
      50 -> n
    end
  end

  test "off at start: no timer, no ticks" do
    pid = start_supervised!({Reconnector, interval_ms: nil})
    assert %{interval_ms: nil, timer: nil} = :sys.get_state(pid)
    assert ticks_during(pid, 150) == 0
  end

  test "set_interval turns the loop on, changes its pace, and off again" do
    pid = start_supervised!({Reconnector, interval_ms: nil})

    assert Reconnector.set_interval(20) == :ok
    %{interval_ms: 20, timer: timer} = :sys.get_state(pid)
    assert Process.read_timer(timer) <= 20
    assert ticks_during(pid, 300) in 3..16

    # a new interval replaces the old timer: no second loop runs alongside
    assert Reconnector.set_interval(200) == :ok
    %{timer: timer} = :sys.get_state(pid)
    assert Process.read_timer(timer) in 100..200
    assert ticks_during(pid, 300) in 1..2

    assert Reconnector.set_interval(nil) == :ok
    assert %{interval_ms: nil, timer: nil} = :sys.get_state(pid)
    assert ticks_during(pid, 250) == 0
  end

  test "each tick dials the peers that are not connected, and forgets a dial once it ended" do
    pid = start_supervised!({Reconnector, interval_ms: nil})
    :erlang.trace(pid, true, [:receive])
    assert Reconnector.dial_all() == :ok
    assert_receive {:trace, ^pid, :receive, {:DOWN, _, :process, _, :normal}}, 1_000
    :erlang.trace(pid, false, [:receive])
    assert %{pending: pending} = :sys.get_state(pid)
    assert pending == %{}
  end

  test "the set_reconnect op checks the interval before it reaches the loop" do
    pid = start_supervised!({Reconnector, interval_ms: nil})
    assert Ops.run("set_reconnect", %{"interval_ms" => 500}) == {:ok, "ok"}
    assert %{interval_ms: 500} = :sys.get_state(pid)
    assert Ops.run("set_reconnect", %{"interval_ms" => nil}) == {:ok, "ok"}
    assert %{interval_ms: nil} = :sys.get_state(pid)

    for bad <- [9, 0, -1, 2 ** 32, 2 ** 63, 1.5, "500"] do
      assert {:error, "interval_ms must be nil or an integer 10..4294967295, got " <> _} = Ops.run("set_reconnect", %{"interval_ms" => bad})
    end

    assert Ops.run("set_reconnect", %{"interval_ms" => 4_294_967_295}) == {:ok, "ok"}
    assert Process.whereis(Reconnector) == pid
    assert Process.alive?(pid)
  end
end
