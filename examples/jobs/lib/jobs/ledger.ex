defmodule Jobs.Ledger do
  @moduledoc """
  The coordinator's bookkeeping, as pure functions: which jobs are in flight, and which were
  recently completed. Job ids are the deduplication key: a job submitted again (the fixed
  variant's journal re-submits until it hears "done") is never run twice at once, and one that
  already completed is answered from the completed cache instead of being run again.
  """

  defstruct in_flight: %{}, done: %{}, done_order: :queue.new(), done_limit: 20_000

  @type id :: String.t()
  @type job :: %{required(:text) => String.t(), required(:from) => node(), optional(atom()) => term()}
  @type t :: %__MODULE__{
          in_flight: %{id() => job()},
          done: %{id() => term()},
          done_order: :queue.queue(id()),
          done_limit: pos_integer()
        }

  @doc "An empty ledger remembering at most `done_limit` completed ids."
  @spec new(pos_integer()) :: t()
  def new(done_limit \\ 20_000), do: %__MODULE__{done_limit: done_limit}

  @doc "What a submission of `id` is: new, already in flight, or done (with its result)."
  @spec admit(t(), id()) :: :new | :in_flight | {:done, term()}
  def admit(%__MODULE__{in_flight: f, done: d}, id) do
    cond do
      Map.has_key?(f, id) -> :in_flight
      Map.has_key?(d, id) -> {:done, Map.fetch!(d, id)}
      true -> :new
    end
  end

  @doc "Puts (or updates) an in-flight job."
  @spec put(t(), id(), job()) :: t()
  def put(%__MODULE__{} = l, id, job), do: %{l | in_flight: Map.put(l.in_flight, id, job)}

  @doc "The in-flight job `id`, or nil."
  @spec get(t(), id()) :: job() | nil
  def get(%__MODULE__{in_flight: f}, id), do: Map.get(f, id)

  @doc "Marks `id` done with `result`; returns the job it was (nil if it was not in flight)."
  @spec complete(t(), id(), term()) :: {job() | nil, t()}
  def complete(%__MODULE__{} = l, id, result) do
    {job, in_flight} = Map.pop(l.in_flight, id)
    {job, remember(%{l | in_flight: in_flight}, id, result)}
  end

  @doc "Forgets an in-flight job without completing it (what the naive variant does on a timeout)."
  @spec drop(t(), id()) :: {job() | nil, t()}
  def drop(%__MODULE__{} = l, id) do
    {job, in_flight} = Map.pop(l.in_flight, id)
    {job, %{l | in_flight: in_flight}}
  end

  @doc "The in-flight jobs for which `fun.(job)` is true, as `{id, job}`."
  @spec select(t(), (job() -> boolean())) :: [{id(), job()}]
  def select(%__MODULE__{in_flight: f}, fun), do: Enum.filter(f, fn {_id, job} -> fun.(job) end)

  @doc "How many jobs are in flight."
  @spec in_flight(t()) :: non_neg_integer()
  def in_flight(%__MODULE__{in_flight: f}), do: map_size(f)

  defp remember(%__MODULE__{done: d} = l, id, result) when is_map_key(d, id), do: %{l | done: Map.put(d, id, result)}

  defp remember(l, id, result) do
    l = %{l | done: Map.put(l.done, id, result), done_order: :queue.in(id, l.done_order)}

    if map_size(l.done) > l.done_limit do
      {{:value, oldest}, q} = :queue.out(l.done_order)
      %{l | done: Map.delete(l.done, oldest), done_order: q}
    else
      l
    end
  end
end
