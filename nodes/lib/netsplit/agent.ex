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
    * `NETSPLIT_FORMATION` - `app`: the agent never dials its peers at boot (the application
      under test forms the cluster; the harness also turns the reconnect loop off).
    * `NETSPLIT_FAULT_INJECT` - faults of the agent itself, for netsplit's own tests
      (`Netsplit.Agent.FaultInject`).

  A node that netsplit does not start itself (an application's release or command, booting the
  agent with `-s Elixir.Netsplit.Agent boot` from `ERL_AFLAGS`) also gets:

    * `NETSPLIT_FULL_NAME` - the name the node must be distributed under. The ready line waits
      until it is (the program may start distribution itself, after its boot: the wait runs in
      its own process so the program's own `-s`/`-eval` go on), at most `NETSPLIT_DIST_WAIT_MS`
      (default 60000); a node distributed under another name, or not at all, prints
      `netsplit-agent failed: <why>` and stops the agent. The ready line then carries the BEAM's
      OS pid (`os_pid=<pid>`), for a start script that does not `exec` its BEAM.
    * `NETSPLIT_WATCH_FD` - the stdin watch reads this file descriptor (a pipe the harness holds
      open, e.g. `3`) instead of stdin.
    * `NETSPLIT_COOKIE_FILE` - the run's cookie, set with `:erlang.set_cookie/1` (by
      `Netsplit.Epmd` while distribution starts, and here once distributed): a release's
      script puts its own `--cookie` on the command line, the run's cookie is on none.
  """

  @doc """
  Boots the agent from `erl -eval`: starts the application, prints the ready line
  (`netsplit-agent ready control_port=<port>`) and halts with status 1 on failure.
  """
  @spec boot() :: :ok
  def boot do
    # first: routes sent on stdin are set as soon as they come, even while the apps start
    routes_from_stdin = maybe_watch_stdin()
    # what starting the :elixir application would do for stdio, without the rest of it (the agent
    # does not start :elixir, see start_agent_app/0): IO.puts of any text, as on an Elixir node
    unicode_stdio()

    case start_agent_app() do
      {:ok, _} ->
        # the ready line promises a node that can reach its peers
        if routes_from_stdin, do: await_routes()

        case System.get_env("NETSPLIT_FULL_NAME") do
          nil ->
            report_ready("")

          expected ->
            # a node started by its own command: it may distribute itself only after this -s
            # returns, so wait for that elsewhere
            if Node.alive?(),
              do: finish_app_boot(expected),
              else: spawn(fn -> finish_app_boot(expected) end)
        end

      {:error, reason} ->
        IO.puts(:stderr, "netsplit-agent failed to start: #{inspect(reason)}")
        :erlang.halt(1)
    end

    :ok
  end

  # The agent's application without the :elixir application. Mix lists :elixir in every Elixir
  # project's .app, and starting it costs each node ~25 ms of CPU before ready (it preloads
  # Kernel, Macro.Env and String.Tokenizer, ~170 KB of code, and sets up the compiler's config),
  # while the agent's own code runs without it (Enum, GenServer, Supervisor are plain modules).
  # What needs it starts it: an application under test (its .app depends on :elixir), Horde,
  # and the agent's app_start before it reads a runtime config (Netsplit.Agent.UserApp).
  defp start_agent_app do
    # a release's boot script may have loaded the application already (never started it)
    _ = :application.unload(:netsplit_agent)
    app_file = :code.which(__MODULE__) |> :filename.dirname() |> :filename.join(~c"netsplit_agent.app")

    # read as :application would, without :file.consult (which loads epp, 90 KB of code)
    with {:ok, text} <- :file.read_file(app_file),
         {:ok, tokens, _} <- :erl_scan.string(:erlang.binary_to_list(text)),
         {:ok, {:application, app, props}} <- :erl_parse.parse_term(tokens),
         needs = :proplists.get_value(:applications, props, []) -- [:elixir],
         props = [{:applications, needs} | :proplists.delete(:applications, props)],
         :ok <- :application.load({:application, app, props}) do
      :application.ensure_all_started(:netsplit_agent)
    else
      other -> {:error, {:netsplit_agent_app, app_file, other}}
    end
  end

  defp unicode_stdio do
    if :file.native_name_encoding() == :utf8 do
      _ = :io.setopts(:standard_io, binary: true, encoding: :unicode)
      _ = :io.setopts(:standard_error, encoding: :unicode)
    end

    :ok
  end

  defp report_ready(extra) do
    # dial every peer now rather than at the reconnect loop's first tick: the nodes that
    # boot last mesh with the others before the harness even asks (connect_all)
    # (not with `cluster.formation: app`: then meshing is the application's job alone)
    if System.get_env("NETSPLIT_FORMATION") != "app", do: Netsplit.Agent.Reconnector.dial_all()
    Netsplit.Agent.FaultInject.before_ready()
    port = :erlang.integer_to_binary(Netsplit.Agent.Control.port())
    :io.put_chars(:standard_io, ["netsplit-agent ready control_port=", port, extra, ?\n])
    Netsplit.Agent.FaultInject.arm()
  end

  @dist_wait_ms 60_000

  # The ready line of a node started by its own command: once it is distributed as `expected`.
  defp finish_app_boot(expected) do
    wait_ms =
      case Integer.parse(System.get_env("NETSPLIT_DIST_WAIT_MS", "")) do
        {ms, ""} when ms > 0 -> ms
        _ -> @dist_wait_ms
      end

    await_distribution(System.monotonic_time(:millisecond) + wait_ms, expected, nil)

    cond do
      not Node.alive?() ->
        app_boot_failed(
          "the node did not start distribution within #{wait_ms} ms; netsplit expected it as " <>
            "#{expected} (give the program -name #{expected}, e.g. with the {full_name} placeholder)"
        )

      Atom.to_string(node()) != expected ->
        app_boot_failed(
          "the node is distributed as #{node()}, but netsplit expected #{expected} (its proxies " <>
            "and routes name it so): start it with the name #{expected} (the {full_name} placeholder)"
        )

      true ->
        case Netsplit.Epmd.apply_run_cookie() do
          :ok -> report_ready(" os_pid=#{System.pid()}")
          {:error, why} -> app_boot_failed(why)
        end
    end
  rescue
    e -> app_boot_failed("the agent's boot raised #{Exception.message(e)}")
  end

  # A program may distribute under a temporary name first (RabbitMQ's prelaunch runs as
  # `<name>_prelaunch_<pid>@localhost` for a moment, then restarts distribution under its real
  # name): another name is an error only once it has lasted @other_name_grace_ms.
  @other_name_grace_ms 10_000

  defp await_distribution(deadline, expected, other_since) do
    now = System.monotonic_time(:millisecond)

    cond do
      Node.alive?() and Atom.to_string(node()) == expected ->
        :ok

      now >= deadline ->
        :ok

      Node.alive?() and other_since != nil and now - other_since >= @other_name_grace_ms ->
        :ok

      true ->
        Process.sleep(20)
        await_distribution(deadline, expected, if(Node.alive?(), do: other_since || now))
    end
  end

  # Not a halt: the program may be a helper of the real server; the harness ends the node.
  defp app_boot_failed(why) do
    IO.puts(:stderr, "netsplit-agent failed: #{why}")
    Application.stop(:netsplit_agent)
  end

  # Starts the stdin watcher if asked to; true when the routes will come on stdin.
  defp maybe_watch_stdin do
    if System.get_env("NETSPLIT_WATCH_STDIN") == "1" do
      booting = if System.get_env("NETSPLIT_ROUTES_FROM") == "stdin", do: self()

      spawn(fn ->
        port = Port.open(watched_fd(), [:eof, :binary, {:line, 1_048_576}])
        watch_stdin(port, booting)
      end)

      booting != nil
    else
      false
    end
  end

  # NETSPLIT_WATCH_FD=3: a pipe of its own instead of stdin, for a node started by its own command
  # (its `-noshell` input driver already reads fd 0; a second reader would steal it)
  defp watched_fd do
    with text when is_binary(text) <- System.get_env("NETSPLIT_WATCH_FD"),
         {fd, ""} when fd > 2 <- Integer.parse(text) do
      {:fd, fd, fd}
    else
      _ -> {:fd, 0, 1}
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
    # :lists and :erlang rather than Enum (or `for`, which compiles to Enum.reduce/3): the
    # reconnector asks before the ready line
    :lists.map(&:erlang.binary_to_atom(&1, :utf8), :lists.sort(:maps.keys(Netsplit.Epmd.routes())))
  end

  @doc "Current time on this node, in microseconds since the epoch."
  @spec now_us() :: integer()
  def now_us, do: System.os_time(:microsecond)
end
