defmodule Jobs.Check do
  @moduledoc """
  Invariants a chaos test asks every node: `:ok`, or `{:error, sentence}`. Both answer from
  this node's own knowledge, at once (no calls to other nodes).
  """

  @doc """
  At most one coordinator exists, as far as this node can know.

  Counted: the members of the `:pg` group `:coordinators` (scope `:jobs`) on the nodes this
  node reaches, plus the coordinators it last saw alive on nodes it has since lost contact with
  (`Jobs.Observer`: a cut node cannot be told apart from a dead one, so they are presumed
  alive). So during a partition each side answers for what it knows: the side that started a
  coordinator of its own, while the one it saw before the cut is out of reach, reports two.
  The other side may report one: ask `on: all`. A coordinator that was on a node which died and
  never came back is still counted, until that node is reachable again.
  """
  @spec single_coordinator() :: :ok | {:error, String.t()}
  def single_coordinator do
    live = :pg.get_members(:jobs, :coordinators)
    unreachable = for {pid, ms} <- Jobs.Observer.unreachable(), pid not in live, do: {pid, ms}

    described =
      Enum.map(live, &"#{inspect(&1)} on #{node(&1)}") ++
        Enum.map(unreachable, fn {pid, ms} ->
          "#{inspect(pid)} on #{node(pid)} (unreachable for #{Float.round(ms / 1000, 1)} s, last seen alive)"
        end)

    case described do
      [] -> :ok
      [_] -> :ok
      many -> {:error, "#{length(many)} coordinators: #{Enum.join(many, ", ")}"}
    end
  end

  @doc """
  Every job this node was told was accepted has completed, except those accepted in the last
  `lost_after_ms` (default 5 s: they may still be in flight).
  """
  @spec no_lost_jobs() :: :ok | {:error, String.t()}
  def no_lost_jobs do
    case Jobs.Journal.lost_jobs() do
      {[], _accepted} ->
        :ok

      {lost, accepted} ->
        shown = Enum.take(lost, 10)
        more = if length(lost) > 10, do: " (+#{length(lost) - 10} more)", else: ""
        {:error, "#{length(lost)} of #{accepted} accepted jobs never completed: ids #{Enum.join(shown, ", ")}#{more}"}
    end
  end
end
