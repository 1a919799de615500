defmodule Jobs.JournalTest do
  use ExUnit.Case, async: true
  alias Jobs.Journal

  test "accepted then done: nothing pending, nothing lost" do
    j = Journal.new() |> Journal.accepted("a", "t", 0) |> Journal.accepted("b", "t", 0) |> Journal.done("a")
    assert j.accepted == 2 and j.completed == 1
    assert Journal.lost(j, 10_000, 5_000) == ["b"]
    j = Journal.done(j, "b") |> Journal.done("b")
    assert j.completed == 2
    assert Journal.lost(j, 10_000, 5_000) == []
  end

  test "jobs younger than the grace are in flight, not lost" do
    j = Journal.new() |> Journal.accepted("old", "t", 0) |> Journal.accepted("young", "t", 8_000)
    assert Journal.lost(j, 10_000, 5_000) == ["old"]
  end

  test "a completion that arrives before the acceptance is recorded counts as done" do
    j = Journal.new() |> Journal.done("a")
    assert j.unconfirmed == 1
    j = Journal.accepted(j, "a", "t", 0)
    assert j.accepted == 1 and j.completed == 1 and j.unconfirmed == 0
    assert Journal.lost(j, 10_000, 0) == []
  end

  test "done jobs keep their text (Jobs.completed/0), whichever of acceptance and completion came first" do
    j = Journal.new() |> Journal.accepted("a", "17", 0) |> Journal.accepted("b", "18", 0) |> Journal.done("a")
    assert j.done_texts == %{"a" => "17"}
    j = j |> Journal.done("c") |> Journal.accepted("c", "19", 1) |> Journal.done("a")
    assert j.done_texts == %{"a" => "17", "c" => "19"}
  end

  test "accepting the same id twice records it once" do
    j = Journal.new() |> Journal.accepted("a", "t", 0) |> Journal.accepted("a", "t", 5)
    assert j.accepted == 1
  end

  test "due: pending jobs not tried for after_ms, each re-tried at most once per period" do
    j =
      Journal.new()
      |> Journal.accepted("a", "ta", 0)
      |> Journal.accepted("b", "tb", 1_500)
      |> Journal.accepted("c", "tc", 0)
      |> Journal.done("c")

    {due, j} = Journal.due(j, 2_000, 2_000)
    assert due == [{"a", "ta"}]
    assert {[], j} = Journal.due(j, 3_000, 2_000)
    {due, j} = Journal.due(j, 4_000, 2_000)
    assert due == [{"a", "ta"}, {"b", "tb"}]
    assert j.resubmitted == 3
  end

  test "rejections are counted by reason" do
    j =
      Journal.new()
      |> Journal.rejected(:no_quorum)
      |> Journal.rejected(:no_quorum)
      |> Journal.rejected({:coordinator_down, :noproc})

    assert j.rejected == %{no_quorum: 2, coordinator_down: 1}
  end
end
