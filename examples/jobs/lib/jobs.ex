defmodule Jobs do
  @moduledoc """
  A distributed job processor (it counts the words of texts), built the way BEAM teams build
  them: a `:global` singleton coordinator, workers found through `:pg`, jobs run under each
  node's `Task.Supervisor`, and a node-local journal of accepted jobs.

  Two variants, chosen by the `:variant` setting (see `Jobs.Config`): `:naive` (the bug: a
  partitioned minority runs its own coordinator, and jobs are forgotten when a coordinator is
  killed or a worker is cut off) and `:fixed` (majority quorum, journal re-submission,
  re-dispatch). `Jobs.Check` holds the invariants a chaos test asks.
  """

  alias Jobs.{Config, Coordinator, Journal}

  @doc """
  Submits a job (count the words of `text`). `{:ok, id}` means the coordinator accepted it, and
  the job is recorded in this node's journal; fixed: `{:error, :no_quorum}` in a minority.
  """
  @spec submit(String.t() | integer()) :: {:ok, String.t()} | {:error, term()}
  def submit(text) when is_integer(text), do: submit(Integer.to_string(text))

  def submit(text) when is_binary(text) do
    id = next_id()

    result =
      if Config.variant() == :fixed and not Config.quorum?(),
        do: {:error, :no_quorum},
        else: Coordinator.submit(id, text, Config.ms(:submit_timeout_ms))

    case result do
      :ok ->
        :ok = Journal.record_accepted(id, text)
        {:ok, id}

      {:error, reason} = error ->
        Journal.record_rejected(reason)
        error
    end
  end

  @doc """
  The texts of every completed job the cluster's journals know, sorted, one entry per job (a
  text submitted twice is listed twice). Cluster-wide: asks the journal of this node and of
  every node it is connected to (`Node.list/0`), so read it when the cluster is whole (after the
  final heal). `{:error, {:unreachable, nodes}}` when a connected node's journal does not answer:
  a partial read would make completed jobs look lost. Journals live in memory: a killed node's
  completions are gone with it (bind clients to nodes you do not kill).
  """
  @spec completed() :: [String.t()] | {:error, term()}
  def completed, do: gather(Jobs.Journal, :completed_texts, [], &(&1 ++ &2), &Enum.sort/1)

  @doc """
  How many times a worker finished each text (the job's effect): a map text => times, for
  `history.exactly_once`. A worker that finishes a job tells every node it is connected to
  (`Jobs.Worker.effects/0`), and this unions what this node and every connected node know, so a
  run is counted once however many nodes heard of it, and is still counted after its worker's
  node was killed. Read it when the cluster is whole (after the final heal).
  """
  @spec runs() :: %{String.t() => pos_integer()} | {:error, term()}
  def runs do
    merge = &Map.merge(&1, &2, fn _, a, b -> MapSet.union(a, b) end)
    with %{} = effects <- gather(Jobs.Worker, :effects, %{}, merge, & &1),
         do: Map.new(effects, fn {text, runs} -> {text, MapSet.size(runs)} end)
  end

  defp gather(module, fun, empty, merge, finish) do
    nodes = [node() | Node.list()]
    replies = :erpc.multicall(nodes, module, fun, [], 3_000)

    case for({n, {class, _}} <- Enum.zip(nodes, replies), class != :ok, do: n) do
      [] -> replies |> Enum.map(fn {:ok, v} -> v end) |> Enum.reduce(empty, merge) |> finish.()
      bad -> {:error, {:unreachable, bad}}
    end
  end

  @doc "The coordinator is reachable from this node (fixed: and this node sees a majority)."
  @spec ready?() :: boolean()
  def ready? do
    Process.whereis(Jobs.Elector) != nil and is_pid(Coordinator.whereis()) and
      (Config.variant() == :naive or Config.quorum?())
  end

  @doc "Counters of this node (and of the coordinator, when it runs here), for people."
  @spec stats() :: map()
  def stats do
    coordinator = Coordinator.whereis()

    %{
      node: node(),
      variant: Config.variant(),
      coordinator: if(is_pid(coordinator), do: node(coordinator)),
      quorum: Config.quorum?(),
      expected_nodes: length(Config.expected_nodes()),
      visible_nodes: length(Config.visible_nodes()),
      workers: length(:pg.get_members(:jobs, :workers)),
      journal: Journal.stats(),
      coordinator_here: if(is_pid(coordinator) and node(coordinator) == node(), do: Coordinator.stats(coordinator))
    }
  end

  @doc false
  # Unique across nodes and restarts: "<node name>-<boot>-<n>", e.g. "n3-1kx2f-41".
  @spec next_id() :: String.t()
  def next_id do
    {short, boot} = :persistent_term.get({__MODULE__, :id_prefix})
    "#{short}-#{boot}-#{System.unique_integer([:positive, :monotonic])}"
  end
end
