defmodule Jobs.LedgerTest do
  use ExUnit.Case, async: true
  alias Jobs.Ledger

  test "a job id is admitted once while in flight, and answered from the cache once done" do
    l = Ledger.new()
    assert Ledger.admit(l, "a") == :new
    l = Ledger.put(l, "a", %{text: "x y", from: :n1@h})
    assert Ledger.admit(l, "a") == :in_flight
    assert Ledger.in_flight(l) == 1

    {job, l} = Ledger.complete(l, "a", 2)
    assert job.from == :n1@h
    assert Ledger.admit(l, "a") == {:done, 2}
    assert Ledger.in_flight(l) == 0

    # A second completion (a late answer from a worker) is not a job any more.
    assert {nil, _} = Ledger.complete(l, "a", 2)
  end

  test "drop forgets a job without completing it" do
    l = Ledger.new() |> Ledger.put("a", %{text: "", from: :n1@h})
    {job, l} = Ledger.drop(l, "a")
    assert job
    assert Ledger.admit(l, "a") == :new
  end

  test "the completed cache is bounded, oldest out first" do
    l =
      Enum.reduce(1..5, Ledger.new(3), fn i, l ->
        l |> Ledger.put("#{i}", %{text: "", from: :n@h}) |> Ledger.complete("#{i}", i) |> elem(1)
      end)

    assert Enum.map(1..5, &Ledger.admit(l, "#{&1}")) == [:new, :new, {:done, 3}, {:done, 4}, {:done, 5}]
  end

  test "select finds the jobs of one worker" do
    l =
      Ledger.new()
      |> Ledger.put("a", %{text: "", from: :n@h, worker: :w1})
      |> Ledger.put("b", %{text: "", from: :n@h, worker: :w2})

    assert [{"b", _}] = Ledger.select(l, &(&1.worker == :w2))
  end
end
