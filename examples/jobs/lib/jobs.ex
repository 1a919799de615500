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
  @spec submit(String.t()) :: {:ok, String.t()} | {:error, term()}
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
