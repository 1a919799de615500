defmodule Netsplit.Agent.Ops do
  @moduledoc false
  # Every control op. `run/2` never raises: a failing op becomes `{:error, text}`. Arguments
  # come from the network and are checked before use: a bad one is an error reply naming it,
  # never a crash in a long-lived process (a timer value Erlang refuses would crash the
  # reconnector, and crashes repeated faster than its supervisor allows would take the whole
  # agent down).
  alias Netsplit.Agent.Pids

  # the largest timeout `Process.send_after/3` and `receive ... after` accept (~49.7 days)
  @max_timer_ms 4_294_967_295

  # hello, view and connect_all run before the cluster is ready: OTP calls there (see
  # Netsplit.Agent.Conn)
  @spec hello() :: map()
  def hello do
    %{
      "node" => node(),
      "otp_release" => :erlang.list_to_binary(:erlang.system_info(:otp_release)),
      "elixir" => System.version(),
      "pid" => :erlang.list_to_binary(:os.getpid()),
      "t_us" => Netsplit.Agent.now_us(),
      "horde" => Netsplit.Agent.Horde.available?(),
      "flags" => %{
        "net_ticktime" => :net_kernel.get_net_ticktime(),
        "prevent_overlapping_partitions" =>
          :application.get_env(:kernel, :prevent_overlapping_partitions, true),
        "net_setuptime" => :application.get_env(:kernel, :net_setuptime, 7),
        "connect_all" => :application.get_env(:kernel, :connect_all, true)
      }
    }
  end

  @spec run(String.t(), map()) :: {:ok, term()} | {:error, term()}
  def run(op, args) do
    do_run(op, args)
  catch
    kind, reason -> {:error, "#{op} failed: #{Exception.format_banner(kind, reason, [])}"}
  end

  defp do_run("view", _args) do
    {:ok, %{"node" => node(), "nodes" => :lists.sort(:erlang.nodes()), "t_us" => Netsplit.Agent.now_us()}}
  end

  defp do_run("connect", args) do
    with {:ok, peer} <- peer_arg(args), do: {:ok, :net_kernel.connect_node(peer)}
  end

  defp do_run("disconnect", args) do
    with {:ok, peer} <- peer_arg(args), do: {:ok, Node.disconnect(peer)}
  end

  defp do_run("connect_all", _args) do
    :ok = Netsplit.Agent.Reconnector.dial_all()
    {:ok, "ok"}
  end

  defp do_run("set_reconnect", args) do
    case Map.get(args, "interval_ms") do
      nil -> {:ok, Netsplit.Agent.Reconnector.set_interval(nil) |> ok_text()}
      ms when is_integer(ms) and ms in 10..@max_timer_ms -> {:ok, Netsplit.Agent.Reconnector.set_interval(ms) |> ok_text()}
      other -> {:error, "interval_ms must be nil or an integer 10..#{@max_timer_ms}, got #{brief(other)}"}
    end
  end

  defp do_run("node_info", _args) do
    info =
      for peer <- Enum.sort(Node.list()) do
        case :net_kernel.node_info(peer, :address) do
          {:ok, {:net_address, {ip, port}, _host, _proto, _family}} ->
            %{"node" => peer, "address" => [List.to_string(:inet.ntoa(ip)), port]}

          other ->
            %{"node" => peer, "address" => nil, "error" => inspect(other)}
        end
      end

    {:ok, info}
  end

  defp do_run("rpc_rtt", args) do
    count = Map.get(args, "count", 5)

    with {:ok, peer} <- peer_arg(args),
         true <- is_integer(count) and count in 1..1000 || {:error, "count must be 1..1000"} do
      samples =
        for _ <- 1..count do
          t0 = System.monotonic_time(:microsecond)
          ^peer = :erpc.call(peer, :erlang, :node, [], 30_000)
          System.monotonic_time(:microsecond) - t0
        end

      {:ok, samples}
    end
  end

  defp do_run("pg_start", %{"scope" => scope, "group" => group, "count" => count})
       when is_binary(scope) and is_binary(group) and is_integer(count) and count in 0..1000 do
    Netsplit.Agent.Workloads.pg_start(scope, group, count)
  end

  defp do_run("pg_start", _), do: {:error, "pg_start needs scope, group (strings) and count (0..1000)"}

  defp do_run("pg_view", %{"groups" => groups}) when is_list(groups) do
    views =
      for %{"scope" => scope, "group" => group} <- groups do
        case Netsplit.Agent.Workloads.scope(scope) do
          {:ok, s} ->
            %{
              "scope" => scope,
              "group" => group,
              "members" => s |> :pg.get_members(group) |> Enum.map(&Pids.canonical/1) |> Enum.sort(),
              "local" => s |> :pg.get_local_members(group) |> Enum.map(&Pids.canonical/1) |> Enum.sort()
            }

          {:error, text} ->
            %{"scope" => scope, "group" => group, "error" => text}
        end
      end

    {:ok, views}
  end

  defp do_run("pg_view", _), do: {:error, "pg_view needs groups: a list of {scope, group}"}

  defp do_run("global_register", %{"name" => name} = args) when is_binary(name) do
    with {:ok, timeout} <- ms_arg(args, "timeout_ms", 30_000) do
      {:ok, Netsplit.Agent.Workloads.global_register(name, timeout)}
    end
  end

  defp do_run("global_register", _), do: {:error, "global_register needs name (a string)"}

  defp do_run("global_view", %{"names" => names}) when is_list(names) do
    {:ok,
     %{
       "names" => for(n <- names, is_binary(n), into: %{}, do: {n, Pids.canonical_or_nil(:global.whereis_name(n))}),
       "holders" => Netsplit.Agent.Workloads.holders(),
       "registered" => length(:global.registered_names())
     }}
  end

  defp do_run("global_view", _), do: {:error, "global_view needs names (a list of strings)"}

  defp do_run("global_probe_start", %{"op" => op} = args) do
    name = Map.get(args, "name")

    with {:ok, every} <- ms_arg(args, "every_ms", 200),
         {:ok, timeout} <- ms_arg(args, "timeout_ms", 30_000),
         true <- is_nil(name) or is_binary(name) or {:error, "name must be nil or a string, got #{brief(name)}"},
         {:ok, _pid} <- Netsplit.Agent.GlobalProbe.start(op, every, timeout, name) do
      {:ok, "ok"}
    end
  end

  defp do_run("global_probe_start", _), do: {:error, "global_probe_start needs op"}

  defp do_run("global_sync", _), do: {:ok, :global.sync() |> ok_text()}

  defp do_run("global_probes_stop", _), do: {:ok, Netsplit.Agent.GlobalProbe.stop_all()}

  defp do_run("horde_check", _args), do: Netsplit.Agent.Horde.check()

  defp do_run("horde_start", args) do
    # Horde's own checks stop at "positive"; a timer value Erlang refuses would crash-loop it
    case Map.get(args, "sync_interval_ms") do
      ms when is_integer(ms) and ms > @max_timer_ms -> {:error, "sync_interval_ms must be at most #{@max_timer_ms}"}
      _ -> with_horde(fn -> Netsplit.Agent.Horde.start(args) end)
    end
  end

  defp do_run("horde_spawn", args), do: with_horde(fn -> Netsplit.Agent.Horde.spawn_keys(args) end)
  defp do_run("horde_census", _args), do: with_horde(fn -> Netsplit.Agent.Horde.census() end)

  # the application under test (Netsplit.Agent.UserApp): each runs in this request's own process
  defp do_run("call", args), do: Netsplit.Agent.UserApp.call(args)
  defp do_run("app_start", args), do: Netsplit.Agent.UserApp.app_start(args)
  defp do_run("pg_app_view", args), do: Netsplit.Agent.UserApp.pg_app_view(args)
  defp do_run("global_names", _args), do: Netsplit.Agent.UserApp.global_names()

  defp do_run("echo", args), do: {:ok, Map.get(args, "value")}

  defp do_run("stop", _args) do
    spawn(fn ->
      Process.sleep(20)
      :init.stop()
    end)

    {:ok, "ok"}
  end

  defp do_run(op, _args), do: {:error, "unknown op #{brief(op)}"}

  # the Horde workload's subtree, and the task supervisor its batches run on, start on demand
  # (Netsplit.Agent.Application.ensure_child/1)
  defp with_horde(fun) do
    with :ok <- Netsplit.Agent.Application.ensure_child(:tasks),
         :ok <- Netsplit.Agent.Application.ensure_child(:horde),
         do: fun.()
  end

  defp ok_text(:ok), do: "ok"

  # An optional duration argument: an integer 1..@max_timer_ms, or `default` when absent or nil.
  # (Netsplit.Agent.UserApp's ops take theirs the same way.)
  @doc false
  @spec ms_arg(map(), String.t(), pos_integer()) :: {:ok, pos_integer()} | {:error, String.t()}
  def ms_arg(args, key, default) do
    case Map.get(args, key) do
      nil -> {:ok, default}
      ms when is_integer(ms) and ms in 1..@max_timer_ms -> {:ok, ms}
      other -> {:error, "#{key} must be an integer 1..#{@max_timer_ms}, got #{brief(other)}"}
    end
  end

  defp brief(term), do: inspect(term, limit: 5, printable_limit: 64)

  @doc "Turns a node name from the harness into a known node atom, never creating atoms."
  @spec peer_arg(map()) :: {:ok, node()} | {:error, String.t()}
  def peer_arg(%{"node" => name}) when is_binary(name), do: known_node(name)
  def peer_arg(_), do: {:error, "missing node argument"}

  @spec known_node(String.t()) :: {:ok, node()} | {:error, String.t()}
  def known_node(name) do
    case Enum.find([node() | Netsplit.Agent.peers()], &(Atom.to_string(&1) == name)) do
      nil -> {:error, "unknown node #{inspect(name)}"}
      peer -> {:ok, peer}
    end
  end
end
