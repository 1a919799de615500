defmodule Jobs.Worker do
  @moduledoc """
  This node's worker: a member of the `:pg` group `:workers` (scope `:jobs`). The coordinator
  sends it `{:run, id, text, coordinator}`; it runs the job under the node's `Task.Supervisor`
  (`Jobs.TaskSup`), which answers the coordinator with `{:result, id, words}`.
  """
  use GenServer

  @doc false
  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @doc "How many jobs this node's worker has started."
  @spec ran() :: non_neg_integer()
  def ran, do: GenServer.call(__MODULE__, :ran, 1_000)

  @doc """
  The effects this node knows of: text => the set of runs that finished it, each run named
  `{node, n}` by the worker that ran it. A worker tells every node it is connected to when it
  finishes a job, so a run's record outlives its node (a killed worker's runs stay known);
  `Jobs.runs/0` unions the sets of every node.
  """
  @spec effects() :: %{String.t() => MapSet.t()}
  def effects, do: GenServer.call(__MODULE__, :effects, 1_000)

  @impl true
  def init([]) do
    :ok = :pg.join(:jobs, :workers, self())
    {:ok, %{ran: 0, effects: %{}, work_ms: Jobs.Config.ms(:work_ms)}}
  end

  @impl true
  def handle_info({:run, id, text, coordinator}, state) do
    work_ms = state.work_ms

    {:ok, _} =
      Task.Supervisor.start_child(Jobs.TaskSup, fn ->
        Process.sleep(work_ms)
        run = {node(), System.unique_integer([:positive, :monotonic])}
        for n <- [node() | Node.list()], do: send({__MODULE__, n}, {:effect, text, run})
        send(coordinator, {:result, id, Jobs.Text.count_words(text)})
      end)

    {:noreply, %{state | ran: state.ran + 1}}
  end

  def handle_info({:effect, text, run}, state),
    do: {:noreply, %{state | effects: Map.update(state.effects, text, MapSet.new([run]), &MapSet.put(&1, run))}}

  def handle_info(_other, state), do: {:noreply, state}

  @impl true
  def handle_call(:ran, _from, state), do: {:reply, state.ran, state}
  def handle_call(:effects, _from, state), do: {:reply, state.effects, state}
end
