defmodule Netsplit.Agent.LogForwarderTest do
  # installs a node-wide :logger handler
  use ExUnit.Case, async: false
  require Logger
  alias Netsplit.Agent.LogForwarder

  setup do
    # the console handler would print the flood: keep the test output readable
    saved =
      for id <- :logger.get_handler_ids(), id != LogForwarder.handler_id() do
        {:ok, %{level: level}} = :logger.get_handler_config(id)
        :ok = :logger.set_handler_config(id, :level, :none)
        {id, level}
      end

    on_exit(fn -> for {id, level} <- saved, do: :logger.set_handler_config(id, :level, level) end)
    :ok
  end

  defp start(opts) do
    pid = start_supervised!({LogForwarder, [{:target, self()}, {:name, :log_forwarder_test} | opts]})
    {pid, :log_forwarder_test}
  end

  defp events(acc \\ []) do
    receive do
      {:netsplit_log, e} -> events([e | acc])
    after
      150 -> Enum.reverse(acc)
    end
  end

  test "forwards warnings and errors with the log event's own time; info only when notable" do
    start([])
    before = System.os_time(:microsecond)
    Logger.warning("a warning line")
    Logger.info("an ordinary info line")
    Logger.debug("a debug line")
    :logger.error(~c"an error from erlang: ~p", [:boom])
    # global's name conflict is an info line (global.erl, OTP 25)
    :logger.info(~c"global: Name conflict terminating ~tp~n", [{"solo", self()}])

    evs = events()
    texts = Enum.map(evs, & &1["text"])
    assert "a warning line" in texts
    assert "an error from erlang: boom" in texts
    assert Enum.any?(texts, &String.starts_with?(&1, "global: Name conflict terminating {<<\"solo\">>,<0."))
    refute "an ordinary info line" in texts
    refute "a debug line" in texts

    for e <- evs do
      assert e["event"] == "log"
      assert e["level"] in ["warning", "error", "info"]
      assert is_integer(e["t_us"]) and e["t_us"] >= before
    end

    err = Enum.find(evs, &(&1["text"] == "an error from erlang: boom"))
    assert err["level"] == "error"
    warn = Enum.find(evs, &(&1["text"] == "a warning line"))
    assert warn["mfa"] =~ "Elixir.Netsplit.Agent.LogForwarderTest:"
  end

  test "a crash report is one line, with its label" do
    start([])
    {:ok, pid} = Task.start(fn -> :proc_lib.spawn(fn -> exit({:my_reason, [1, 2, 3]}) end) end)
    _ = pid
    evs = events()
    crash = Enum.find(evs, &(&1["label"] == "proc_lib:crash"))
    assert crash, inspect(evs)
    assert crash["level"] == "error"
    assert crash["text"] =~ "my_reason"
    refute crash["text"] =~ "\n"
  end

  test "long messages are truncated" do
    start(max_chars: 100)
    Logger.error(String.duplicate("x", 10_000))
    [e] = events()
    assert String.length(e["text"]) <= 100
  end

  test "a flood neither blocks the logging process nor grows the events without bound; drops are counted and reported" do
    {_pid, name} = start(burst: 50, rate: 100, report_ms: 200)
    n = 50_000
    {us, :ok} = :timer.tc(fn -> for(i <- 1..n, do: :logger.error(~c"flood ~p", [i])) && :ok end)
    # the logging process never waits on the forwarder: 50k lines in well under 10 s here
    assert us < 10_000_000, "flood took #{div(us, 1000)} ms"

    Process.sleep(450)
    evs = events()
    logs = Enum.filter(evs, &(&1["event"] == "log"))
    dropped = Enum.filter(evs, &(&1["event"] == "log_dropped"))
    # the burst plus what the bucket refilled while flooding: far fewer than n
    assert length(logs) >= 50
    assert length(logs) < 50 + 100 * (div(us, 1_000_000) + 2)
    assert dropped != []
    stats = LogForwarder.stats(name)
    assert stats.dropped + stats.forwarded == n
    assert Enum.sum(Enum.map(dropped, & &1["count"])) == stats.dropped
    # the node's logger still works afterwards and the handler is still installed
    assert {:ok, _} = :logger.get_handler_config(LogForwarder.handler_id())
  end

  test "a handler failure never takes the handler out" do
    start([])
    # a report that the formatter cannot format as expected
    :logger.error(%{weird: make_ref()}, %{report_cb: fn _ -> raise "bad report_cb" end})
    Logger.error("still here")
    texts = Enum.map(events(), & &1["text"])
    assert "still here" in texts
    assert {:ok, _} = :logger.get_handler_config(LogForwarder.handler_id())
  end
end
