defmodule Netsplit.Agent.Horde do
  @moduledoc false
  # The Horde workload: per scenario `horde` entry (its index), a Horde.Registry
  # (keys: :unique, members: :auto) and a Horde.DynamicSupervisor (members: :auto) on every
  # node, and keyed workers (`Netsplit.Agent.HordeWorker`) registered by name through the
  # registry. Horde is NOT a compile-time dependency: it comes from code paths the harness gives
  # the node (`-pa`), and every call into it is resolved at run time. Without it, `available?/0`
  # is false and the ops answer with an error that says so; nothing here replaces Horde.
  #
  # The census (`census/0`) is what the harness decides `horde.unique` / `horde.no_loss` from:
  # this node's LOCAL live worker processes (from the tracker, see `Netsplit.Agent.HordeTracker`)
  # plus, for every key, what this node's registry holds (`Horde.Registry.select/2`, the raw
  # entry) and what `Horde.Registry.lookup/2` answers (what an application sees).
  use Supervisor

  @compile {:no_warn_undefined,
            [Horde.Registry, Horde.DynamicSupervisor, Horde.Cluster, Horde.UniformDistribution, Horde.UniformQuorumDistribution]}

  alias Netsplit.Agent.{HordeTracker, HordeWorker, Pids}

  @max_workloads 16
  @max_keys 100_000
  # a lookup of a key held on a node behind a blackhole blocks in erpc until nodedown: bound it
  @lookup_timeout_ms 500
  @members_timeout_ms 300

  def start_link(_), do: Supervisor.start_link(__MODULE__, nil, name: __MODULE__)

  @impl true
  def init(nil) do
    children = [
      HordeTracker,
      {DynamicSupervisor, name: Netsplit.Agent.HordeInstances, strategy: :one_for_one, max_restarts: 100, max_seconds: 5}
    ]

    Supervisor.init(children, strategy: :one_for_one)
  end

  @doc "True when Horde's modules can be loaded on this node."
  @spec available?() :: boolean()
  def available? do
    # :code rather than Elixir's Code: asked by every hello, before the cluster is ready
    :code.ensure_loaded(Horde.Registry) == {:module, Horde.Registry} and
      :code.ensure_loaded(Horde.DynamicSupervisor) == {:module, Horde.DynamicSupervisor}
  end

  @doc "Starts the :horde application and what it needs; an error names what is missing."
  @spec check() :: {:ok, map()} | {:error, String.t()}
  def check do
    cond do
      not available?() ->
        {:error, "Horde.Registry is not loadable on #{node()}: no Horde in the code path"}

      true ->
        case Application.ensure_all_started(:horde) do
          {:ok, _} -> {:ok, %{"node" => node(), "horde" => version(:horde), "delta_crdt" => version(:delta_crdt)}}
          {:error, {app, reason}} -> {:error, "cannot start the #{app} application on #{node()}: #{inspect(reason)}"}
        end
    end
  end

  defp version(app) do
    case Application.spec(app, :vsn) do
      nil -> nil
      vsn -> List.to_string(vsn)
    end
  end

  @doc """
  Starts workload `index` on this node (idempotent): its registry and supervisor. Options (the
  scenario's, as sent by the harness): keys, sync_interval_ms (nil: Horde's default),
  distribution ("uniform" | "uniform_quorum"), restart ("ignore_already_started" | "naive"),
  trap_exit.
  """
  @spec start(map()) :: {:ok, map()} | {:error, String.t()}
  def start(args) do
    with {:ok, cfg} <- config(args),
         {:ok, _} <- check(),
         :ok <- HordeTracker.configure(cfg) do
      case DynamicSupervisor.start_child(Netsplit.Agent.HordeInstances, instance_spec(cfg)) do
        {:ok, _} -> {:ok, %{"started" => true, "registry" => cfg.registry, "supervisor" => cfg.supervisor}}
        {:error, {:already_started, _}} -> {:ok, %{"started" => false, "registry" => cfg.registry, "supervisor" => cfg.supervisor}}
        {:error, reason} -> {:error, "cannot start Horde workload #{cfg.index} on #{node()}: #{inspect(reason)}"}
      end
    end
  end

  defp config(args) do
    index = Map.get(args, "index", 0)
    keys = Map.get(args, "keys")
    sync = Map.get(args, "sync_interval_ms")
    distribution = Map.get(args, "distribution", "uniform")
    restart = Map.get(args, "restart", "ignore_already_started")
    trap = Map.get(args, "trap_exit", false)

    cond do
      not (is_integer(index) and index in 0..(@max_workloads - 1)) -> {:error, "index must be 0..#{@max_workloads - 1}"}
      not (is_integer(keys) and keys in 1..@max_keys) -> {:error, "keys must be 1..#{@max_keys}"}
      not (is_nil(sync) or (is_integer(sync) and sync > 0)) -> {:error, "sync_interval_ms must be nil or a positive integer"}
      distribution not in ["uniform", "uniform_quorum"] -> {:error, "distribution must be uniform or uniform_quorum"}
      restart not in ["ignore_already_started", "naive"] -> {:error, "restart must be ignore_already_started or naive"}
      not is_boolean(trap) -> {:error, "trap_exit must be a boolean"}
      true ->
        {:ok,
         %{
           index: index,
           keys: keys,
           sync_interval_ms: sync,
           distribution: distribution,
           restart: restart,
           trap_exit: trap,
           # bounded: at most @max_workloads of each
           registry: String.to_atom("netsplit_horde_registry_#{index}"),
           supervisor: String.to_atom("netsplit_horde_supervisor_#{index}"),
           instance: String.to_atom("netsplit_horde_instance_#{index}")
         }}
    end
  end

  defp instance_spec(cfg) do
    crdt = if cfg.sync_interval_ms, do: [delta_crdt_options: [sync_interval: cfg.sync_interval_ms]], else: []

    strategy =
      case cfg.distribution do
        "uniform" -> Horde.UniformDistribution
        "uniform_quorum" -> Horde.UniformQuorumDistribution
      end

    registry = {Horde.Registry, [name: cfg.registry, keys: :unique, members: :auto] ++ crdt}

    supervisor =
      {Horde.DynamicSupervisor,
       [name: cfg.supervisor, strategy: :one_for_one, members: :auto, distribution_strategy: strategy] ++ crdt}

    # the watch is last: rest_for_one restarts it whenever the registry or the supervisor restarts,
    # and it tells the tracker the new pids to monitor (so every crash is reported with its reason)
    watch = %{id: :watch, start: {GenServer, :start_link, [Netsplit.Agent.HordeWatch, cfg]}}

    %{
      id: {:horde_workload, cfg.index},
      # named, so that a second horde_start for the same workload finds it (already started)
      start:
        {Supervisor, :start_link,
         [[registry, supervisor, watch], [strategy: :rest_for_one, max_restarts: 100, max_seconds: 5, name: cfg.instance]]},
      type: :supervisor,
      restart: :permanent
    }
  end

  @doc "The key names of workload `index`: k1..kN for the first, w<i+1>.k1.. for the others."
  @spec key(non_neg_integer(), pos_integer()) :: String.t()
  def key(0, j), do: "k#{j}"
  def key(index, j), do: "w#{index + 1}.k#{j}"

  @doc """
  Starts every key of workload `index` through the cluster's Horde.DynamicSupervisor (the
  distribution strategy picks each key's node). Returns how the starts ended.
  """
  @spec spawn_keys(map()) :: {:ok, map()} | {:error, String.t()}
  def spawn_keys(args) do
    index = Map.get(args, "index", 0)

    case HordeTracker.config(index) do
      nil ->
        {:error, "Horde workload #{inspect(index)} is not started on #{node()}"}

      cfg ->
        outcomes =
          Task.Supervisor.async_stream_nolink(
            Netsplit.Agent.Tasks,
            1..cfg.keys,
            fn j ->
              k = key(cfg.index, j)
              Horde.DynamicSupervisor.start_child(cfg.supervisor, HordeWorker.child_spec(worker_spec(cfg, k)))
            end,
            max_concurrency: 16,
            timeout: 30_000,
            on_timeout: :kill_task
          )
          |> Enum.map(fn
            {:ok, {:ok, _pid}} -> "ok"
            {:ok, :ignore} -> "ignore"
            {:ok, {:error, reason}} -> inspect(reason, limit: 8)
            {:ok, other} -> inspect(other, limit: 8)
            {:exit, reason} -> "exit #{inspect(reason, limit: 8)}"
          end)

        {:ok, Enum.frequencies(outcomes)}
    end
  end

  defp worker_spec(cfg, key) do
    %{workload: cfg.index, key: key, registry: cfg.registry, restart: cfg.restart, trap_exit: cfg.trap_exit}
  end

  @doc """
  This node's census of every started workload:

      %{"node" => ..., "t_us" => ..., "workloads" => [
        %{"index" => 0, "keys" => 10, "running" => true,
          "registry" => pid | nil, "supervisor" => pid | nil,
          "members" => %{"registry" => [node], "supervisor" => [node]} ,
          "workers" => [[key, pid, started_us], ...],   # live worker processes ON THIS NODE
          "entries" => %{key => pid},                  # the registry's raw entries (select/2)
          "lookups" => %{key => pid},                  # Horde.Registry.lookup/2 (alive-checked)
          "blocked" => [key]}]}                        # lookups that did not answer in time
  """
  @spec census() :: {:ok, map()}
  def census do
    # the registry first, the live workers last: a worker started while the lookups ran is then
    # in the census (a lookup that finds it must not make it look "registered but dead")
    registries = for cfg <- HordeTracker.configs(), do: registry_census(cfg)
    workers = HordeTracker.live_workers()

    workloads =
      for {cfg, census} <- registries do
        live = for {key, pid, started} <- Map.get(workers, cfg.index, []), do: [key, Pids.canonical(pid), started]
        Map.put(census, "workers", live)
      end

    {:ok, %{"node" => node(), "t_us" => Netsplit.Agent.now_us(), "workloads" => workloads}}
  end

  defp registry_census(cfg), do: {cfg, census_of(cfg)}

  defp census_of(cfg) do
    reg = Process.whereis(cfg.registry)
    sup = Process.whereis(cfg.supervisor)

    base = %{
      "index" => cfg.index,
      "keys" => cfg.keys,
      "registry" => Pids.canonical_or_nil(reg),
      "supervisor" => Pids.canonical_or_nil(sup)
    }

    if reg == nil do
      Map.merge(base, %{"running" => false, "entries" => %{}, "lookups" => %{}, "blocked" => [], "members" => %{}})
    else
      try do
        entries =
          for {k, pid} <- Horde.Registry.select(cfg.registry, [{{:"$1", :"$2", :_}, [], [{{:"$1", :"$2"}}]}]),
              into: %{},
              do: {k, Pids.canonical(pid)}

        {lookups, blocked} = lookups(cfg)

        Map.merge(base, %{
          "running" => true,
          "entries" => entries,
          "lookups" => lookups,
          "blocked" => blocked,
          "members" => %{"registry" => members(cfg.registry), "supervisor" => members(cfg.supervisor)}
        })
      catch
        kind, reason ->
          Map.merge(base, %{
            "running" => false,
            "error" => Exception.format_banner(kind, reason, []),
            "entries" => %{},
            "lookups" => %{},
            "blocked" => [],
            "members" => %{}
          })
      end
    end
  end

  defp lookups(cfg) do
    keys = for j <- 1..cfg.keys, do: key(cfg.index, j)

    results =
      Task.Supervisor.async_stream_nolink(Netsplit.Agent.Tasks, keys, fn k -> Horde.Registry.lookup(cfg.registry, k) end,
        max_concurrency: min(length(keys), 1024),
        timeout: @lookup_timeout_ms,
        on_timeout: :kill_task,
        ordered: true
      )

    Enum.zip(keys, results)
    |> Enum.reduce({%{}, []}, fn
      {k, {:ok, [{pid, _value}]}}, {found, blocked} -> {Map.put(found, k, Pids.canonical(pid)), blocked}
      {_k, {:ok, []}}, acc -> acc
      {k, _timeout_or_crash}, {found, blocked} -> {found, [k | blocked]}
    end)
    |> then(fn {found, blocked} -> {found, Enum.reverse(blocked)} end)
  end

  defp members(name) do
    task = Task.Supervisor.async_nolink(Netsplit.Agent.Tasks, fn -> Horde.Cluster.members(name) end)

    case Task.yield(task, @members_timeout_ms) || Task.shutdown(task, :brutal_kill) do
      {:ok, members} when is_list(members) ->
        members |> Enum.map(fn {_name, n} -> n end) |> Enum.sort()

      _ ->
        nil
    end
  catch
    _, _ -> nil
  end
end
