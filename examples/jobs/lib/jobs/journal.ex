defmodule Jobs.Journal do
  @moduledoc """
  This node's record of the jobs it was told were accepted, and of their completions.

  `Jobs.submit/1` records a job here once the coordinator accepted it; the coordinator casts
  `{:done, id, words}` here when it completes. A job accepted but never done is a lost job
  (`Jobs.Check.no_lost_jobs/0`), once it is older than `lost_after_ms` (younger ones may still
  be in flight).

  In the fixed variant the journal re-submits every job not done after `resubmit_after_ms`, and
  again every `resubmit_after_ms`, until it is done: the coordinator deduplicates by id, so a
  re-submission is harmless, and a job dropped by a dying coordinator or by a cut link is run
  again.

  The bookkeeping is pure (`new/0`, `accepted/4`, `done/2`, `due/3`, `lost/3`) and the
  GenServer only drives it.
  """
  use GenServer

  defstruct pending: %{},
            done_ids: MapSet.new(),
            done_texts: %{},
            accepted: 0,
            completed: 0,
            unconfirmed: 0,
            rejected: %{},
            resubmitted: 0

  @type id :: String.t()
  @type entry :: %{text: String.t(), at: integer(), tried: integer()}
  @type t :: %__MODULE__{
          pending: %{id() => entry()},
          done_ids: MapSet.t(id()),
          done_texts: %{id() => String.t()},
          accepted: non_neg_integer(),
          completed: non_neg_integer(),
          unconfirmed: non_neg_integer(),
          rejected: %{term() => pos_integer()},
          resubmitted: non_neg_integer()
        }

  ## Pure bookkeeping

  @doc "An empty journal."
  @spec new() :: t()
  def new, do: %__MODULE__{}

  @doc "Records that job `id` was accepted at `now` (ms). A job whose completion arrived first counts as done."
  @spec accepted(t(), id(), String.t(), integer()) :: t()
  def accepted(%__MODULE__{} = j, id, text, now) do
    cond do
      Map.has_key?(j.pending, id) ->
        j

      MapSet.member?(j.done_ids, id) ->
        %{j | accepted: j.accepted + 1, completed: j.completed + 1, unconfirmed: j.unconfirmed - 1, done_texts: Map.put(j.done_texts, id, text)}

      true ->
        %{j | accepted: j.accepted + 1, pending: Map.put(j.pending, id, %{text: text, at: now, tried: now})}
    end
  end

  @doc "Records the completion of `id` (idempotent; a completion of an unknown id is remembered)."
  @spec done(t(), id()) :: t()
  def done(%__MODULE__{} = j, id) do
    cond do
      Map.has_key?(j.pending, id) ->
        %{j | pending: Map.delete(j.pending, id), done_ids: MapSet.put(j.done_ids, id), completed: j.completed + 1, done_texts: Map.put(j.done_texts, id, j.pending[id].text)}

      MapSet.member?(j.done_ids, id) ->
        j

      true ->
        # Done before `accepted/4` arrived, or accepted after the submitter's call timed out.
        %{j | done_ids: MapSet.put(j.done_ids, id), unconfirmed: j.unconfirmed + 1}
    end
  end

  @doc "Pending jobs last tried at least `after_ms` before `now`, as `{id, text}`, and the journal with them marked tried."
  @spec due(t(), integer(), non_neg_integer()) :: {[{id(), String.t()}], t()}
  def due(%__MODULE__{} = j, now, after_ms) do
    due = for {id, e} <- j.pending, now - e.tried >= after_ms, do: {id, e.text}

    pending = Enum.reduce(due, j.pending, fn {id, _}, p -> Map.update!(p, id, &%{&1 | tried: now}) end)
    {Enum.sort(due), %{j | pending: pending, resubmitted: j.resubmitted + length(due)}}
  end

  @doc "Ids of the jobs accepted at least `grace_ms` before `now` and still not done, oldest first."
  @spec lost(t(), integer(), non_neg_integer()) :: [id()]
  def lost(%__MODULE__{} = j, now, grace_ms) do
    for({id, e} <- j.pending, now - e.at >= grace_ms, do: {e.at, id}) |> Enum.sort() |> Enum.map(&elem(&1, 1))
  end

  @doc "Counts a submission the coordinator did not accept."
  @spec rejected(t(), term()) :: t()
  def rejected(%__MODULE__{} = j, reason), do: %{j | rejected: Map.update(j.rejected, reason_key(reason), 1, &(&1 + 1))}

  defp reason_key({reason, _}) when is_atom(reason), do: reason
  defp reason_key(reason), do: reason

  ## Server

  @doc false
  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @doc "Records an accepted job."
  @spec record_accepted(id(), String.t()) :: :ok
  def record_accepted(id, text), do: GenServer.call(__MODULE__, {:accepted, id, text})

  @doc "Counts a rejected submission."
  @spec record_rejected(term()) :: :ok
  def record_rejected(reason), do: GenServer.cast(__MODULE__, {:rejected, reason})

  @doc "Ids of lost jobs (not done `lost_after_ms` after acceptance) and the number of accepted jobs."
  @spec lost_jobs(timeout()) :: {[id()], non_neg_integer()}
  def lost_jobs(timeout \\ 2_000), do: GenServer.call(__MODULE__, :lost, timeout)

  @doc "The texts of this node's accepted jobs that completed (one entry per job, sorted)."
  @spec completed_texts(timeout()) :: [String.t()]
  def completed_texts(timeout \\ 2_000), do: GenServer.call(__MODULE__, :completed_texts, timeout)

  @doc "Counters, for people."
  @spec stats(timeout()) :: map()
  def stats(timeout \\ 2_000), do: GenServer.call(__MODULE__, :stats, timeout)

  @impl true
  def init([]) do
    variant = Jobs.Config.variant()
    every = Jobs.Config.ms(:resubmit_after_ms)
    state = %{journal: new(), variant: variant, every: every, grace: Jobs.Config.ms(:lost_after_ms)}
    if variant == :fixed and every > 0, do: schedule(state)
    {:ok, state}
  end

  @impl true
  def handle_call({:accepted, id, text}, _from, state),
    do: {:reply, :ok, %{state | journal: accepted(state.journal, id, text, now())}}

  def handle_call(:completed_texts, _from, state),
    do: {:reply, state.journal.done_texts |> Map.values() |> Enum.sort(), state}

  def handle_call(:lost, _from, state),
    do: {:reply, {lost(state.journal, now(), state.grace), state.journal.accepted}, state}

  def handle_call(:stats, _from, %{journal: j} = state) do
    stats = %{
      accepted: j.accepted,
      completed: j.completed,
      pending: map_size(j.pending),
      lost: length(lost(j, now(), state.grace)),
      rejected: j.rejected,
      resubmitted: j.resubmitted,
      done_unconfirmed: j.unconfirmed
    }

    {:reply, stats, state}
  end

  @impl true
  def handle_cast({:done, id, _words}, state), do: {:noreply, %{state | journal: done(state.journal, id)}}
  def handle_cast({:rejected, reason}, state), do: {:noreply, %{state | journal: rejected(state.journal, reason)}}

  @impl true
  def handle_info(:resubmit, state) do
    schedule(state)

    if Jobs.Coordinator.whereis() != :undefined and Jobs.Config.quorum?() do
      {due, journal} = due(state.journal, now(), state.every)
      Enum.each(due, fn {id, text} -> Jobs.Coordinator.resubmit(id, text) end)
      {:noreply, %{state | journal: journal}}
    else
      {:noreply, state}
    end
  end

  defp schedule(state), do: Process.send_after(self(), :resubmit, max(div(state.every, 4), 100))
  defp now, do: System.monotonic_time(:millisecond)
end
