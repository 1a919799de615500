defmodule Jobs.ClusterTest do
  @moduledoc """
  A 3-node smoke test of both variants, without netsplit: `mix test --only clustered`.

  Three peer nodes (`:peer`, controlled over stdin/stdout, so this test node is NOT part of
  their cluster) run the app with `JOBS_NODES` and `JOBS_CONNECT=true`. After jobs flowed for
  a few seconds, n3 is cut off: it disconnects from n1 and n2 and refuses every connection
  (`:net_kernel.allow/1` with a list that holds neither), like netsplit's `mode: reset`. Then
  the heal allows them again and the app's own connector re-forms the mesh. The kill tests
  halt n3 abruptly (`erlang:halt/0`: its sockets close, like SIGKILL) and check n1 and n2
  (`work_ms: 1000`, as in kill-worker-*.yaml, so ~10 jobs run on n3 at any moment).
  Each run prints what it observed.
  """
  use ExUnit.Case, async: false

  @moduletag :clustered
  @moduletag timeout: 120_000

  test "naive: the cut-off minority runs its own coordinator, and accepted jobs are lost" do
    r = run(:naive)
    assert Enum.any?(r.mid_single, &match?({:error, _}, &1)), "expected two coordinators while cut"
    assert Enum.any?(r.final_lost, &match?({:error, _}, &1)), "expected lost jobs"
  end

  test "fixed: never two coordinators, no accepted job lost" do
    r = run(:fixed)
    assert Enum.all?(r.mid_single, &(&1 == :ok))
    assert Enum.all?(r.final_lost, &(&1 == :ok))
    assert r.global_unique and r.pg_converged
  end

  test "naive: a killed worker node's jobs are given up and lost" do
    r = kill(:naive)
    assert Enum.any?(r.final_lost, &match?({:error, _}, &1)), "expected lost jobs"
  end

  test "fixed: a killed worker node's jobs are re-dispatched" do
    r = kill(:fixed)
    assert Enum.all?(r.final_lost, &(&1 == :ok))
    assert Enum.all?(r.single, &(&1 == :ok))
  end

  defp kill(variant) do
    with_cluster(
      :"#{variant}_kill",
      variant,
      fn on, full, t0, peers ->
        survivors = fn m, f, a -> for i <- 0..1, do: on.(i, m, f, a) end
        :peer.cast(Enum.at(peers, 2), :erlang, :halt, [])
        true = until(5_000, fn -> on.(0, Node, :list, []) == [Enum.at(full, 1)] end)
        log(variant, "n3 halted; n1 sees #{inspect(on.(0, Node, :list, []))}")
        # Past lost_after_ms (5 s), then within 10 s.
        Process.sleep(5_500)
        t_check = now()
        until(10_000, fn -> Enum.all?(survivors.(Jobs.Check, :no_lost_jobs, []), &(&1 == :ok)) end)
        final_lost = survivors.(Jobs.Check, :no_lost_jobs, [])
        log(variant, "no_lost_jobs on n1, n2 after #{now() - t_check} ms: #{inspect(final_lost)}")
        single = survivors.(Jobs.Check, :single_coordinator, [])
        log(variant, "single_coordinator on n1, n2: #{inspect(single)}")

        for s <- survivors.(Jobs, :stats, []),
            do: log(variant, "#{s.node}: journal #{inspect(s.journal)} coordinator_here #{inspect(s.coordinator_here)}")

        log(variant, "total #{now() - t0} ms")
        %{final_lost: final_lost, single: single}
      end,
      work_ms: 1_000
    )
  end

  defp run(variant) do
    with_cluster(variant, variant, fn on, full, t0, _peers ->
      all = fn m, f, a -> for i <- 0..2, do: on.(i, m, f, a) end

      # The cut: n3 refuses n1 and n2 and drops its connections to them.
      on.(2, :net_kernel, :allow, [[:"nobody@127.0.0.1"]])
      for n <- Enum.take(full, 2), do: on.(2, :erlang, :disconnect_node, [n])
      true = until(5_000, fn -> on.(2, Node, :list, []) == [] and on.(0, Node, :list, []) == [Enum.at(full, 1)] end)
      Process.sleep(3_000)
      mid_single = all.(Jobs.Check, :single_coordinator, [])
      log(variant, "while cut: single_coordinator = #{inspect(mid_single)}")

      log(
        variant,
        "while cut: coordinator seen by n1/n2/n3 = #{inspect(Enum.map(all.(Jobs, :stats, []), & &1.coordinator))}"
      )

      # The heal: allow the peers again; the app's connector re-forms the mesh.
      on.(2, :net_kernel, :allow, [Enum.take(full, 2)])
      t_heal = now()
      true = until(15_000, fn -> Enum.all?(all.(Node, :list, []), &(length(&1) == 2)) end)
      log(variant, "mesh again #{now() - t_heal} ms after the heal")

      # Within 15 s, as the scenario's final check.
      t_check = now()
      until(15_000, fn -> Enum.all?(all.(Jobs.Check, :no_lost_jobs, []), &(&1 == :ok)) end)
      final_lost = all.(Jobs.Check, :no_lost_jobs, [])
      log(variant, "no_lost_jobs after #{now() - t_check} ms: #{inspect(final_lost)}")

      # Within 10 s each, as the scenario's final checks.
      global_unique =
        until(10_000, fn ->
          match?([pid, pid, pid] when is_pid(pid), all.(:global, :whereis_name, [Jobs.Coordinator]))
        end)

      pg_converged =
        until(10_000, fn ->
          match?([w, w, w] when length(w) == 3, all.(:pg, :get_members, [:jobs, :workers]) |> Enum.map(&Enum.sort/1))
        end)

      for {n, s} <- Enum.zip(full, all.(Jobs, :stats, [])) do
        log(variant, "#{n}: journal #{inspect(s.journal)} coordinator_here #{inspect(s.coordinator_here)}")
      end

      log(variant, "global unique: #{!!global_unique}, pg converged: #{!!pg_converged}, total #{now() - t0} ms")
      %{mid_single: mid_single, final_lost: final_lost, global_unique: !!global_unique, pg_converged: !!pg_converged}
    end)
  end

  # Starts 3 peers running the app, waits until ready, lets jobs flow 3 s, runs `fun`, stops them.
  defp with_cluster(tag, variant, fun, config \\ []) do
    names = for i <- 1..3, do: :"jobs_#{tag}_n#{i}"
    full = Enum.map(names, &:"#{&1}@127.0.0.1")
    paths = Enum.flat_map([Jobs, Logger, Kernel], &[~c"-pa", :code.which(&1) |> Path.dirname() |> to_charlist()])

    peers =
      for name <- names do
        {:ok, peer, _node} =
          :peer.start(%{
            name: name,
            host: ~c"127.0.0.1",
            longnames: true,
            connection: :standard_io,
            args: [~c"-setcookie", ~c"jobs_smoke", ~c"-kernel", ~c"net_ticktime", ~c"4" | paths]
          })

        peer
      end

    try do
      on = fn i, m, f, a -> :peer.call(Enum.at(peers, i), m, f, a, 10_000) end
      all = fn m, f, a -> for i <- 0..2, do: on.(i, m, f, a) end

      for i <- 0..2 do
        # Overrides go in after loading: loading an app (re)sets its env from the .app file.
        :ok = on.(i, Application, :load, [:jobs])
        on.(i, Application, :put_env, [:logger, :level, :error])
        on.(i, Application, :put_env, [:jobs, :variant, Atom.to_string(variant)])
        for {k, v} <- config, do: on.(i, Application, :put_env, [:jobs, k, v])
        on.(i, System, :put_env, ["JOBS_NODES", Enum.join(full, ",")])
        on.(i, System, :put_env, ["JOBS_CONNECT", "true"])
        {:ok, _} = on.(i, Application, :ensure_all_started, [:jobs])
      end

      t0 = now()
      true = until(15_000, fn -> Enum.all?(all.(Jobs, :ready?, [])) end)

      log(
        variant,
        "ready on all after #{now() - t0} ms; coordinator on #{inspect(on.(0, Jobs, :stats, []).coordinator)}"
      )

      Process.sleep(3_000)
      fun.(on, full, t0, peers)
    after
      # A halted peer is already gone.
      for peer <- peers,
          do:
            (try do
               :peer.stop(peer)
             catch
               :exit, _ -> :ok
             end)
    end
  end

  defp until(ms, fun) do
    deadline = now() + ms

    Stream.repeatedly(fn -> fun.() || (Process.sleep(200) && false) end)
    |> Enum.find(fn ok -> ok or now() > deadline end)
  end

  defp now, do: System.monotonic_time(:millisecond)
  defp log(variant, line), do: IO.puts("[#{variant}] #{line}")
end
