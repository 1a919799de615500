defmodule Netsplit.Agent do
  @moduledoc """
  The netsplit node agent: runs inside every node of a cluster under test.

  It gives the harness a control channel that partitions cannot touch (a direct TCP connection,
  length-prefixed MessagePack frames, see `docs/PROTOCOL.md`), pushes nodeup/nodedown events
  with this node's timestamps, runs a libcluster-like reconnect loop, and hosts the workloads
  (`:pg`, `:global`) that the checkers observe.

  Configuration comes from the OS environment, set by the harness:

    * `NETSPLIT_SECRET` (required) - the per-run secret every control client must present.
    * `NETSPLIT_CONTROL_IP` - address the control server binds to (default `127.0.0.1`).
    * `NETSPLIT_CONTROL_PORT` - control port (default 0: any free port, printed when ready).
    * `NETSPLIT_RECONNECT_MS` - reconnect loop interval in ms, or `off` (default `500`).
    * `NETSPLIT_DIST_PORT`, `NETSPLIT_ROUTES` - read by `Netsplit.Epmd`.
    * `NETSPLIT_WATCH_STDIN` - when `1`, the node halts as soon as its stdin closes, so a
      harness killed with SIGKILL never leaves nodes behind.
    * `NETSPLIT_ROUTES_FROM` - `stdin` (with `NETSPLIT_WATCH_STDIN=1`): the routes come as the
      first stdin line, `routes <NETSPLIT_ROUTES text>`, and the ready line waits for them. The
      local runtime spawns the nodes while Toxiproxy is still starting and sends each node its
      routes once the proxies exist, so a node's boot and Toxiproxy's start overlap.
    * `NETSPLIT_FAULT_INJECT` - faults of the agent itself, for netsplit's own tests
      (`Netsplit.Agent.FaultInject`).
  """

  @doc """
  Boots the agent from `erl -eval`: starts the application, prints the ready line
  (`netsplit-agent ready control_port=<port>`) and halts with status 1 on failure.
  """
  @spec boot() :: :ok
  def boot do
    # first: routes sent on stdin are set as soon as they come, even while the apps start
    routes_from_stdin = maybe_watch_stdin()

    case Application.ensure_all_started(:netsplit_agent) do
      {:ok, _} ->
        # the ready line promises a node that can reach its peers
        if routes_from_stdin, do: await_routes()
        # dial every peer now rather than at the reconnect loop's first tick: the nodes that
        # boot last mesh with the others before the harness even asks (connect_all)
        Netsplit.Agent.Reconnector.dial_all()
        Netsplit.Agent.FaultInject.before_ready()
        IO.puts("netsplit-agent ready control_port=#{Netsplit.Agent.Control.port()}")
        Netsplit.Agent.FaultInject.arm()

      {:error, reason} ->
        IO.puts(:stderr, "netsplit-agent failed to start: #{inspect(reason)}")
        :erlang.halt(1)
    end

    :ok
  end

  # Starts the stdin watcher if asked to; true when the routes will come on stdin.
  defp maybe_watch_stdin do
    if System.get_env("NETSPLIT_WATCH_STDIN") == "1" do
      booting = if System.get_env("NETSPLIT_ROUTES_FROM") == "stdin", do: self()

      spawn(fn ->
        port = Port.open({:fd, 0, 1}, [:eof, :binary, {:line, 1_048_576}])
        watch_stdin(port, booting)
      end)

      booting != nil
    else
      false
    end
  end

  defp await_routes do
    receive do
      :netsplit_routes -> :ok
    end
  end

  # Halts when stdin closes. `booting`, until the routes came: the process waiting for them.
  defp watch_stdin(port, booting) do
    receive do
      {^port, :eof} ->
        :erlang.halt(0)

      {^port, {:data, {:eol, "routes " <> text}}} when is_pid(booting) ->
        Netsplit.Epmd.set_routes(text)
        send(booting, :netsplit_routes)
        watch_stdin(port, nil)

      {^port, {:data, _}} ->
        watch_stdin(port, booting)
    end
  end

  @doc "The peers this node knows about (every node it has a route to)."
  @spec peers() :: [node()]
  def peers do
    Netsplit.Epmd.routes() |> Map.keys() |> Enum.sort() |> Enum.map(&String.to_atom/1)
  end

  @doc "Current time on this node, in microseconds since the epoch."
  @spec now_us() :: integer()
  def now_us, do: System.os_time(:microsecond)
end
