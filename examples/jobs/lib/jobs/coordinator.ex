defmodule Jobs.Coordinator do
  @moduledoc """
  The cluster-wide singleton that accepts jobs and spreads them over the workers.

  Registered with `:global` under `Jobs.Coordinator` and a member of the `:pg` group
  `:coordinators` (scope `:jobs`), so `Jobs.Check.single_coordinator/0` can count the
  coordinators every node knows of. It sends each job to a worker of the `:pg` group
  `:workers` (picked at random), which runs it under its node's `Task.Supervisor`, and reports each
  completion to the submitting node's `Jobs.Journal`.

  When a worker does not answer within `dispatch_timeout_ms`, or its node goes down:

    * naive: the job is given up and forgotten (a warning is logged, nobody is told);
    * fixed: the job is dispatched again, to a worker on another node when there is one.

  Submissions are deduplicated by job id (`Jobs.Ledger`): a job already in flight is not run
  twice, one already done is answered again from the completed cache.
  """
  use GenServer, restart: :temporary
  require Logger

  alias Jobs.{Config, Ledger}

  @scope :jobs

  @doc false
  def start_link(variant), do: GenServer.start_link(__MODULE__, variant, name: {:global, __MODULE__})

  @doc "The coordinator's pid as `:global` resolves it on this node, or `:undefined`."
  @spec whereis() :: pid() | :undefined
  def whereis, do: :global.whereis_name(__MODULE__)

  @doc "Asks the coordinator to accept job `id`; `:ok` means accepted."
  @spec submit(String.t(), String.t(), timeout()) :: :ok | {:error, term()}
  def submit(id, text, timeout) do
    case whereis() do
      :undefined -> {:error, :no_coordinator}
      pid -> GenServer.call(pid, {:submit, id, text, node()}, timeout)
    end
  catch
    :exit, {:timeout, _} -> {:error, :timeout}
    :exit, {reason, _} -> {:error, {:coordinator_down, reason}}
  end

  @doc "Re-submits job `id` without waiting (the fixed journal's retries; deduplicated by id)."
  @spec resubmit(String.t(), String.t()) :: :ok
  def resubmit(id, text) do
    case whereis() do
      :undefined -> :ok
      pid -> GenServer.cast(pid, {:resubmit, id, text, node()})
    end
  end

  @doc "Counters of a running coordinator."
  @spec stats(pid(), timeout()) :: map() | {:error, term()}
  def stats(pid, timeout \\ 1_000) do
    GenServer.call(pid, :stats, timeout)
  catch
    :exit, reason -> {:error, reason}
  end

  @impl true
  def init(variant) do
    :ok = :pg.join(@scope, :coordinators, self())
    Logger.info("jobs: coordinator started on #{node()} (#{variant})")

    {:ok,
     %{
       variant: variant,
       ledger: Ledger.new(),
       monitors: %{},
       accepted: 0,
       completed: 0,
       duplicates: 0,
       given_up: 0,
       redispatched: 0,
       timeout: max(Config.ms(:dispatch_timeout_ms), 100)
     }}
  end

  @impl true
  def handle_call({:submit, id, text, from}, _from, state) do
    {reply, state} = accept(state, id, text, from)
    {:reply, reply, state}
  end

  def handle_call(:stats, _from, state) do
    stats =
      state
      |> Map.take([:variant, :accepted, :completed, :duplicates, :given_up, :redispatched])
      |> Map.merge(%{node: node(), in_flight: Ledger.in_flight(state.ledger)})

    {:reply, stats, state}
  end

  @impl true
  def handle_cast({:resubmit, id, text, from}, state) do
    {_reply, state} = accept(state, id, text, from)
    {:noreply, state}
  end

  @impl true
  def handle_info({:result, id, words}, state) do
    case Ledger.complete(state.ledger, id, words) do
      {nil, ledger} ->
        {:noreply, %{state | ledger: ledger}}

      {job, ledger} ->
        cancel(job)
        report(job.from, id, words)
        {:noreply, %{state | ledger: ledger, completed: state.completed + 1}}
    end
  end

  def handle_info({:dispatch_timeout, id, attempt}, state) do
    case Ledger.get(state.ledger, id) do
      %{attempt: ^attempt} = job ->
        {:noreply, failed(state, id, job, "no answer within #{state.timeout} ms")}

      _ ->
        {:noreply, state}
    end
  end

  def handle_info({:DOWN, _ref, :process, worker, reason}, state) do
    state = %{state | monitors: Map.delete(state.monitors, worker)}

    state.ledger
    |> Ledger.select(&(&1.worker == worker))
    |> Enum.reduce(state, fn {id, job}, acc -> failed(acc, id, job, "worker down (#{inspect(reason)})") end)
    |> then(&{:noreply, &1})
  end

  def handle_info(_other, state), do: {:noreply, state}

  ## The job's life

  defp accept(state, id, text, from) do
    case Ledger.admit(state.ledger, id) do
      :in_flight ->
        {:ok, %{state | duplicates: state.duplicates + 1}}

      {:done, words} ->
        report(from, id, words)
        {:ok, %{state | duplicates: state.duplicates + 1}}

      :new ->
        case dispatch(state, id, %{text: text, from: from, attempt: 0, worker: nil, timer: nil}, nil) do
          {:ok, state} -> {:ok, %{state | accepted: state.accepted + 1}}
          {:error, _} = error -> {error, state}
        end
    end
  end

  # Sends the job to a worker, preferring one that is not on `avoid` (the node that just failed).
  defp dispatch(state, id, job, avoid) do
    workers = :pg.get_members(@scope, :workers)
    candidates = Enum.reject(workers, &(node(&1) == avoid))
    candidates = if candidates == [], do: workers, else: candidates

    case candidates do
      [] ->
        {:error, :no_workers}

      _ ->
        # At random: round robin would align with the feeders' regular interleaving and send
        # every job of one node to the same worker.
        worker = Enum.random(candidates)
        attempt = job.attempt + 1
        send(worker, {:run, id, job.text, self()})
        timer = Process.send_after(self(), {:dispatch_timeout, id, attempt}, state.timeout)
        job = %{job | attempt: attempt, worker: worker, timer: timer}
        {:ok, %{monitor(state, worker) | ledger: Ledger.put(state.ledger, id, job)}}
    end
  end

  defp failed(%{variant: :naive} = state, id, job, why) do
    # The bug: the job is gone, and the node that was told "accepted" never hears of it again.
    {_, ledger} = Ledger.drop(state.ledger, id)
    Logger.warning("jobs: gave up job #{id} on #{node(job.worker)}: #{why}")
    %{state | ledger: ledger, given_up: state.given_up + 1}
  end

  defp failed(%{variant: :fixed} = state, id, job, _why) do
    cancel(job)

    case dispatch(state, id, job, node(job.worker)) do
      {:ok, state} ->
        %{state | redispatched: state.redispatched + 1}

      {:error, :no_workers} ->
        # Keep it and try again at the next timeout.
        timer = Process.send_after(self(), {:dispatch_timeout, id, job.attempt}, state.timeout)
        %{state | ledger: Ledger.put(state.ledger, id, %{job | timer: timer})}
    end
  end

  defp monitor(state, worker) do
    if Map.has_key?(state.monitors, worker),
      do: state,
      else: %{state | monitors: Map.put(state.monitors, worker, Process.monitor(worker))}
  end

  defp cancel(%{timer: ref}) when is_reference(ref), do: Process.cancel_timer(ref)
  defp cancel(_job), do: :ok

  defp report(from, id, words), do: GenServer.cast({Jobs.Journal, from}, {:done, id, words})
end
