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

  @impl true
  def init([]) do
    :ok = :pg.join(:jobs, :workers, self())
    {:ok, %{ran: 0, work_ms: Jobs.Config.ms(:work_ms)}}
  end

  @impl true
  def handle_info({:run, id, text, coordinator}, state) do
    work_ms = state.work_ms

    {:ok, _} =
      Task.Supervisor.start_child(Jobs.TaskSup, fn ->
        Process.sleep(work_ms)
        send(coordinator, {:result, id, Jobs.Text.count_words(text)})
      end)

    {:noreply, %{state | ran: state.ran + 1}}
  end

  def handle_info(_other, state), do: {:noreply, state}

  @impl true
  def handle_call(:ran, _from, state), do: {:reply, state.ran, state}
end
