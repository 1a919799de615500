defmodule Netsplit.Test.CallTarget do
  @moduledoc false
  # Functions the `call` tests run through the agent.
  def ok, do: :ok
  def ok_tuple, do: {:ok, %{"pool" => 4}}
  def yes, do: true
  def no, do: false
  def error, do: :error
  def error_tuple(why), do: {:error, why}
  def other, do: [1, 2.5, "three", :four, nil, %{five: [6]}]
  def pid, do: self()
  def tuple, do: {:a, 1}
  def add(a, b), do: a + b
  def big_list, do: Enum.to_list(1..200_000)
  def long_text, do: String.duplicate("x", 100_000)
  def wide, do: for(_ <- 1..50, do: String.duplicate("y", 4_000))
  def boom, do: raise(ArgumentError, "the pool is gone\nsecond line")
  def thrown, do: throw(:ball)
  def exits, do: exit(:bye)

  def sleepy(ms, test) do
    send(test, {:sleeper, self()})
    Process.sleep(ms)
    :woke
  end

  def killed_from_outside do
    spawn_link(fn -> exit(:gone) end)
    Process.sleep(5_000)
  end
end

defmodule Netsplit.Agent.UserAppTest do
  # app env, :global names and registered :pg scopes are node-wide
  use ExUnit.Case, async: false
  alias Netsplit.Agent.{Ops, Pids, UserApp}

  @fixtures Path.expand("fixtures", __DIR__)

  setup_all do
    ebin = Path.join(System.tmp_dir!(), "netsplit-fixtures-#{System.unique_integer([:positive])}")
    File.mkdir_p!(ebin)
    sources = Path.wildcard(Path.join(@fixtures, "*.erl"))
    # erlc runs in its own OS process: the fixture modules' atoms are not made in this VM
    {out, 0} = System.cmd("erlc", ["-o", ebin | sources], stderr_to_stdout: true)
    assert out == ""
    for app <- Path.wildcard(Path.join(@fixtures, "*.app")), do: File.cp!(app, Path.join(ebin, Path.basename(app)))
    true = :code.add_patha(String.to_charlist(ebin))

    on_exit(fn ->
      :code.del_path(String.to_charlist(ebin))
      File.rm_rf!(ebin)
    end)

    %{ebin: ebin}
  end

  defp call(mod, fun, args \\ [], extra \\ %{}) do
    Ops.run("call", Map.merge(%{"module" => mod, "function" => fun, "args" => args}, extra))
  end

  defp target, do: "Elixir.Netsplit.Test.CallTarget"

  defp atom_exists?(text) do
    String.to_existing_atom(text)
    true
  rescue
    ArgumentError -> false
  end

  describe "call: resolving the module and function" do
    test "an unknown module is an error naming it as Elixir prints it, and makes no atom" do
      name = "NoSuchModule#{System.unique_integer([:positive])}"

      assert {:error, text} = call("Elixir.MyApp." <> name, "run")
      assert text == "no module MyApp.#{name} is loaded or loadable on #{node()}"
      refute atom_exists?("Elixir.MyApp." <> name)

      erl = "no_such_module_#{System.unique_integer([:positive])}"
      assert call(erl, "run") == {:error, "no module :#{erl} is loaded or loadable on #{node()}"}
      refute atom_exists?(erl)
    end

    test "an unknown function lists what the module exports, and makes no atom" do
      fun = "no_dups_#{System.unique_integer([:positive])}"
      assert {:error, text} = call(target(), fun)
      assert text =~ "Netsplit.Test.CallTarget.#{fun}/0 is not exported (Netsplit.Test.CallTarget exports: "
      assert text =~ "add/2, big_list/0, boom/0"
      refute text =~ "__info__"
      refute text =~ "module_info"
      refute atom_exists?(fun)
    end

    test "an existing function with another arity is not exported" do
      assert {:error, "Netsplit.Test.CallTarget.add/1 is not exported" <> _} = call(target(), "add", [1])
    end

    test "an Erlang module and the forms a scenario writes" do
      assert {:ok, %{"class" => "other", "value" => 3}} = call("lists", "max", [[1, 3, 2]])
      assert {:ok, %{"value" => 3}} = call(":lists", "max", [[1, 3, 2]])
      assert {:ok, %{"value" => 5}} = call("Netsplit.Test.CallTarget", "add", [2, 3])
      assert {:error, "no module :lists_nope is loaded" <> _} = call(":lists_nope", "max")
    end

    test "a module in the code path that was never loaded (its atom did not exist) is loaded" do
      refute atom_exists?("ns_fixture_lazy")
      assert {:ok, %{"outcome" => "returned", "printed" => ":pong", "value" => ":pong"}} = call("ns_fixture_lazy", "ping")
    end

    test "bad arguments" do
      assert {:error, "module must be a non-empty string" <> _} = Ops.run("call", %{"function" => "ok"})
      assert {:error, "function must be a non-empty string" <> _} = Ops.run("call", %{"module" => target()})
      assert {:error, "args must be a list" <> _} = call(target(), "ok", %{"a" => 1})
      assert {:error, "timeout_ms must be an integer" <> _} = call(target(), "ok", [], %{"timeout_ms" => 0})
      assert {:error, "timeout_ms must be an integer" <> _} = call(target(), "ok", [], %{"timeout_ms" => 2 ** 63})
      assert {:error, "module must be" <> _} = call(String.duplicate("a", 2000), "ok")
      assert {:error, "no module" <> _} = call("../../../etc/passwd", "ok")
    end
  end

  describe "call: what the function did" do
    test "each return class" do
      assert {:ok, %{"outcome" => "returned", "class" => "ok", "printed" => ":ok", "value" => ":ok", "us" => us}} = call(target(), "ok")
      assert is_integer(us) and us >= 0
      assert {:ok, %{"class" => "ok", "printed" => ~s({:ok, %{"pool" => 4}})} = r} = call(target(), "ok_tuple")
      refute Map.has_key?(r, "value")
      assert {:ok, %{"class" => "true", "value" => true}} = call(target(), "yes")
      assert {:ok, %{"class" => "false", "value" => false}} = call(target(), "no")
      assert {:ok, %{"class" => "error", "reason" => ":error"}} = call(target(), "error")
      assert {:ok, %{"class" => "error", "reason" => ~s("dup key 7"), "printed" => ~s({:error, "dup key 7"})}} = call(target(), "error_tuple", ["dup key 7"])
      assert {:ok, %{"class" => "other", "value" => [1, 2.5, "three", ":four", nil, %{":five" => [6]}]}} = call(target(), "other")
    end

    test "a value that is not msgpack-encodable is left out, the printed form stays" do
      assert {:ok, %{"class" => "other", "printed" => "#PID<" <> _} = r} = call(target(), "pid")
      refute Map.has_key?(r, "value")
      assert {:ok, %{"printed" => "{:a, 1}"} = r} = call(target(), "tuple")
      refute Map.has_key?(r, "value")
    end

    test "a reply is bounded: large values are left out, printed text is cut" do
      assert {:ok, %{"printed" => printed} = r} = call(target(), "big_list")
      refute Map.has_key?(r, "value")
      assert printed =~ "..."
      assert byte_size(printed) < 10_000

      assert {:ok, %{"printed" => printed} = r} = call(target(), "long_text")
      refute Map.has_key?(r, "value")
      assert printed =~ ~r/" <> \.\.\.$/
      assert byte_size(printed) < 4_200

      # 50 strings of 4000 bytes: each printed in full, the whole cut at 8 KiB
      assert {:ok, %{"printed" => printed} = r} = call(target(), "wide")
      refute Map.has_key?(r, "value")
      assert byte_size(printed) <= 8_192 + 64
      assert printed =~ ~r/\.\.\. \(\d+ more bytes\)$/
      assert {:ok, encoded} = Netsplit.MsgPack.encode(r)
      assert IO.iodata_length(encoded) < 10_000
    end

    test "raise, throw and exit: a one-line banner and at most 5 stack frames" do
      assert {:ok, %{"outcome" => "raised", "kind" => "error", "printed" => printed}} = call(target(), "boom")
      [banner | frames] = String.split(printed, "\n")
      assert banner == "** (ArgumentError) the pool is gone second line"
      assert length(frames) in 1..5
      assert hd(frames) =~ "Netsplit.Test.CallTarget.boom/0"
      refute printed =~ "Netsplit.Agent.UserApp"

      # a multi-line message on one line
      assert {:ok, %{"outcome" => "raised", "printed" => printed}} = call("Elixir.String", "to_integer", ["x"])
      assert hd(String.split(printed, "\n")) ==
               "** (ArgumentError) errors were found at the given arguments: * 1st argument: not a textual representation of an integer"

      assert {:ok, %{"outcome" => "raised", "kind" => "throw", "printed" => "** (throw) :ball" <> _}} = call(target(), "thrown")
      assert {:ok, %{"outcome" => "raised", "kind" => "exit", "printed" => "** (exit) :bye" <> _}} = call(target(), "exits")
    end

    test "a process killed by a link is reported as raised" do
      assert {:ok, %{"outcome" => "raised", "kind" => "exit", "printed" => printed}} = call(target(), "killed_from_outside")
      assert printed =~ ":gone"
    end

    test "a timeout kills the process running the function" do
      t0 = System.monotonic_time(:millisecond)
      assert {:ok, %{"outcome" => "timeout", "us" => us} = r} = call(target(), "sleepy", [60_000, self()], %{"timeout_ms" => 100})
      assert us >= 100_000
      assert System.monotonic_time(:millisecond) - t0 < 2_000
      refute Map.has_key?(r, "printed")
      assert_received {:sleeper, pid}
      refute Process.alive?(pid)
    end

    test "calls run concurrently: a slow call does not hold up another" do
      slow = Task.async(fn -> call(target(), "sleepy", [500, self()], %{"timeout_ms" => 5_000}) end)
      Process.sleep(50)
      t0 = System.monotonic_time(:millisecond)
      assert {:ok, %{"class" => "ok"}} = call(target(), "ok")
      assert System.monotonic_time(:millisecond) - t0 < 400
      assert {:ok, %{"outcome" => "returned", "printed" => ":woke"}} = Task.await(slow)
    end
  end

  describe "value/1 and truncate/2" do
    test "conversion rules" do
      assert UserApp.value(nil) == {:ok, nil}
      assert UserApp.value(MyApp.Thing) == {:ok, "MyApp.Thing"}
      assert UserApp.value(:rabbit) == {:ok, ":rabbit"}
      assert UserApp.value(2 ** 64) == :error
      assert UserApp.value(-(2 ** 63)) == {:ok, -(2 ** 63)}
      assert UserApp.value([1 | 2]) == :error
      assert UserApp.value(<<1::3>>) == :error
      assert UserApp.value(%URI{}) == :error
      assert UserApp.value(Enum.reduce(1..40, [], &[&2, &1])) == :error
    end

    test "truncation keeps valid UTF-8" do
      text = String.duplicate("é", 10)
      cut = UserApp.truncate(text, 5)
      assert String.valid?(cut)
      assert cut == "éé... (16 more bytes)"
    end
  end

  describe "app_start" do
    setup do
      on_exit(fn ->
        for app <- [:ns_fixture_ok, :ns_fixture_bad, :ns_fixture_needs_missing] do
          Application.stop(app)
          Application.unload(app)
        end
      end)
    end

    test "config_etf, then runtime.exs, then overrides, then the apps start", %{ebin: ebin} do
      runtime = Path.join(ebin, "runtime.exs")

      File.write!(runtime, """
      import Config
      config :ns_fixture_ok, pool: 2, from_runtime: System.get_env("NS_FIXTURE_ROLE"), env: config_env()
      """)

      System.put_env("NS_FIXTURE_ROLE", "worker-1")
      on_exit(fn -> System.delete_env("NS_FIXTURE_ROLE") end)

      etf = :erlang.term_to_binary(ns_fixture_ok: [pool: 1, from_etf: true, nested: [a: 1, b: 2]])

      assert {:ok, %{"started" => ["ns_fixture_ok"], "us" => us}} =
               Ops.run("app_start", %{
                 "apps" => ["ns_fixture_ok"],
                 "config_etf" => etf,
                 "runtime_config" => runtime,
                 "config_env" => "staging",
                 "overrides" => %{"ns_fixture_ok" => %{"pool" => 4, "variant" => ":fixed", "name" => "plain", "nested" => %{"b" => 3}}}
               })

      assert is_integer(us)
      assert Application.get_env(:ns_fixture_ok, :pool) == 4
      assert Application.get_env(:ns_fixture_ok, :variant) == :fixed
      assert Application.get_env(:ns_fixture_ok, :name) == "plain"
      assert Application.get_env(:ns_fixture_ok, :from_etf) == true
      assert Application.get_env(:ns_fixture_ok, :from_runtime) == "worker-1"
      assert Application.get_env(:ns_fixture_ok, :env) == :staging
      assert Application.get_env(:ns_fixture_ok, :nested) == [a: 1, b: 3]
      assert is_pid(Process.whereis(:ns_fixture_ok_worker))

      # started already: nothing new
      assert {:ok, %{"started" => []}} = Ops.run("app_start", %{"apps" => ["ns_fixture_ok"]})
    end

    test "an application that is not in the code path" do
      assert {:error, "no application ns_fixture_nope in the code path (no ns_fixture_nope.app found on " <> _} =
               Ops.run("app_start", %{"apps" => ["ns_fixture_nope"]})

      refute atom_exists?("ns_fixture_nope")

      assert {:error, text} = Ops.run("app_start", %{"apps" => ["ns_fixture_needs_missing"]})
      assert text =~ "no application ns_fixture_not_there in the code path (no ns_fixture_not_there.app found on"
      assert text =~ "needed by ns_fixture_needs_missing"
    end

    test "a child that fails to start" do
      assert {:error, "ns_fixture_bad failed to start: child :ns_fixture_bad_worker failed to start: :pool_exhausted"} =
               Ops.run("app_start", %{"apps" => ["ns_fixture_bad"]})
    end

    test "bad config ETF and a runtime.exs that raises", %{ebin: ebin} do
      assert {:error, "config_etf is not in the external term format" <> _} =
               Ops.run("app_start", %{"apps" => ["ns_fixture_ok"], "config_etf" => <<131, 1, 2>>})

      assert {:error, "config_etf must hold a keyword list" <> _} =
               Ops.run("app_start", %{"apps" => ["ns_fixture_ok"], "config_etf" => :erlang.term_to_binary(%{a: 1})})

      runtime = Path.join(ebin, "raising.exs")
      File.write!(runtime, """
      import Config
      config :ns_fixture_ok, url: System.fetch_env!("NS_FIXTURE_UNSET_VAR")
      """)

      assert {:error, text} = Ops.run("app_start", %{"apps" => ["ns_fixture_ok"], "runtime_config" => runtime})
      assert text =~ "runtime config #{runtime} raised System.EnvError: "
      assert text =~ "NS_FIXTURE_UNSET_VAR"

      assert {:error, "runtime config /nope/runtime.exs does not exist" <> _} =
               Ops.run("app_start", %{"apps" => ["ns_fixture_ok"], "runtime_config" => "/nope/runtime.exs"})

      assert {:error, "runtime_config must be an absolute path" <> _} =
               Ops.run("app_start", %{"apps" => ["ns_fixture_ok"], "runtime_config" => "config/runtime.exs"})

      assert Application.started_applications() |> Enum.all?(fn {app, _, _} -> app != :ns_fixture_ok end)
    end

    test "bad arguments" do
      assert {:error, "apps must be a list of 1..64" <> _} = Ops.run("app_start", %{})
      assert {:error, "apps must be a list of 1..64" <> _} = Ops.run("app_start", %{"apps" => []})
      assert {:error, "\"Jobs!\" is not an application name"} = Ops.run("app_start", %{"apps" => ["Jobs!"]})
      assert {:error, "config_env must be a name like prod" <> _} = Ops.run("app_start", %{"apps" => ["x"], "config_env" => "Prod env"})
      assert {:error, "overrides must be nil or a map" <> _} = Ops.run("app_start", %{"apps" => ["x"], "overrides" => [1]})
    end

    test "the whole op is bounded by timeout_ms", %{ebin: ebin} do
      runtime = Path.join(ebin, "slow.exs")
      File.write!(runtime, "import Config\nProcess.sleep(10_000)\n")
      t0 = System.monotonic_time(:millisecond)

      assert {:error, "app_start did not finish within 200 ms (still reading " <> _} =
               Ops.run("app_start", %{"apps" => ["ns_fixture_ok"], "runtime_config" => runtime, "timeout_ms" => 200})

      assert System.monotonic_time(:millisecond) - t0 < 2_000
    end
  end

  describe "overrides conversion" do
    test "strings become atoms only when they read :atom" do
      assert {:ok, [jobs: [a: :fixed, b: "fixed", c: ":not an atom", d: :"Elixir.MyApp.Pool", e: ":", f: [:x, "y", [k: :v]], g: 1.5, h: nil, i: true]]} =
               UserApp.config_from_overrides(%{
                 "jobs" => %{
                   "a" => ":fixed",
                   "b" => "fixed",
                   "c" => ":not an atom",
                   "d" => ":Elixir.MyApp.Pool",
                   "e" => ":",
                   "f" => [":x", "y", %{"k" => ":v"}],
                   "g" => 1.5,
                   "h" => nil,
                   "i" => true
                 }
               })
    end

    test "nested maps become keyword lists, in key order" do
      assert {:ok, [a: [x: 1], b: [repo: [pool_size: 2, url: "u"]]]} =
               UserApp.config_from_overrides(%{"b" => %{"repo" => %{"url" => "u", "pool_size" => 2}}, "a" => %{"x" => 1}})
    end

    test "bad overrides" do
      assert {:error, "overrides: \"Bad App\" is not an application name"} = UserApp.config_from_overrides(%{"Bad App" => %{}})
      assert {:error, "overrides: \"jobs\" must map to a map" <> _} = UserApp.config_from_overrides(%{"jobs" => 4})
      assert {:error, "overrides: key \"\" under jobs must be a string" <> _} = UserApp.config_from_overrides(%{"jobs" => %{"" => 1}})
      assert {:error, "overrides: jobs.k has a value that is not config" <> _} = UserApp.config_from_overrides(%{"jobs" => %{"k" => {:ext, 1, "x"}}})
    end
  end

  describe "start_error/3" do
    test "readable reasons for the common cases" do
      assert UserApp.start_error(:jobs, :jobs, {{:shutdown, {:failed_to_start_child, Jobs.Pool, {%RuntimeError{message: "no db"}, []}}}, {Jobs.App, :start, [:normal, []]}}) ==
               "jobs failed to start: child Jobs.Pool failed to start: RuntimeError: no db"

      assert UserApp.start_error(:jobs, :jobs, {{:bad_return, {{Jobs.App, :start, [:normal, []]}, :oops}}, {Jobs.App, :start, [:normal, []]}}) ==
               "jobs failed to start: Jobs.App.start/2 returned :oops"

      assert UserApp.start_error(:jobs, :db, {{:shutdown, {:failed_to_start_child, :conn, {:shutdown, {:failed_to_start_child, :inner, :econnrefused}}}}, {Db.App, :start, [:normal, []]}}) ==
               "db (a dependency of jobs) failed to start: child :conn failed to start: child :inner failed to start: :econnrefused"
    end
  end

  describe "pg_app_view" do
    setup do
      scope = :ns_test_pg_scope
      start_supervised!(%{id: scope, start: {:pg, :start_link, [scope]}})
      members = for _ <- 1..3, do: spawn(fn -> Process.sleep(:infinity) end)
      [a, b, c] = members
      :ok = :pg.join(scope, :workers, [a, b])
      :ok = :pg.join(scope, "jobs", c)
      :ok = :pg.join(scope, {:shard, 1}, [a])
      on_exit(fn -> Enum.each(members, &Process.exit(&1, :kill)) end)
      %{members: members}
    end

    test "all groups", %{members: [a, b, c]} do
      assert {:ok, views} = Ops.run("pg_app_view", %{"scope" => "ns_test_pg_scope", "groups" => "all"})
      assert Enum.map(views, & &1["group"]) == [~s("jobs"), ":workers", "{:shard, 1}"]
      [jobs, workers, shard] = views
      assert jobs == %{"group" => ~s("jobs"), "text" => "jobs", "members" => [Pids.canonical(c)], "local" => [Pids.canonical(c)], "count" => 1}
      assert workers["text"] == "workers"
      assert workers["members"] == Enum.sort([Pids.canonical(a), Pids.canonical(b)])
      assert shard["text"] == nil
      assert shard["members"] == [Pids.canonical(a)]
      assert {:ok, ^views} = Ops.run("pg_app_view", %{"scope" => "ns_test_pg_scope"})
    end

    test "listed groups match by printed form, atom text or binary content; missing ones are empty", %{members: [a | _]} do
      assert {:ok, views} = Ops.run("pg_app_view", %{"scope" => "ns_test_pg_scope", "groups" => ["workers", ~s("jobs"), "{:shard, 1}", "nobody"]})
      assert [%{"group" => ":workers", "requested" => "workers"}, %{"group" => ~s("jobs"), "requested" => ~s("jobs")}, shard, missing] = views
      assert shard == %{"group" => "{:shard, 1}", "text" => nil, "requested" => "{:shard, 1}", "members" => [Pids.canonical(a)], "local" => [Pids.canonical(a)], "count" => 1}
      assert missing == %{"group" => nil, "text" => "nobody", "requested" => "nobody", "members" => [], "local" => [], "count" => 0}
    end

    test "a scope that does not run here" do
      name = "ns_no_scope_#{System.unique_integer([:positive])}"
      assert {:error, "no :pg scope " <> _} = Ops.run("pg_app_view", %{"scope" => name, "groups" => "all"})
      refute atom_exists?(name)
      # a registered process that is not a :pg scope
      assert {:error, "no :pg scope code_server runs on " <> _} = Ops.run("pg_app_view", %{"scope" => "code_server"})
      assert {:error, "groups must be \"all\" or a list" <> _} = Ops.run("pg_app_view", %{"scope" => "ns_test_pg_scope", "groups" => 3})
      assert {:error, "pg_app_view needs scope" <> _} = Ops.run("pg_app_view", %{})
    end
  end

  describe "global_names" do
    test "every registered name with its pid" do
      names = [:ns_test_global_atom, "ns-test-global-bin", {:ns_test, 1}]
      holders = for n <- names, into: %{}, do: {n, spawn(fn -> Process.sleep(:infinity) end)}
      for {n, pid} <- holders, do: :yes = :global.register_name(n, pid)

      on_exit(fn ->
        Enum.each(names, &:global.unregister_name/1)
        Enum.each(Map.values(holders), &Process.exit(&1, :kill))
      end)

      assert {:ok, list} = Ops.run("global_names", %{})
      pid = &Pids.canonical(holders[&1])
      assert %{"printed" => ":ns_test_global_atom", "text" => "ns_test_global_atom", "pid" => pid.(:ns_test_global_atom)} in list
      assert %{"printed" => ~s("ns-test-global-bin"), "text" => "ns-test-global-bin", "pid" => pid.("ns-test-global-bin")} in list
      assert %{"printed" => "{:ns_test, 1}", "text" => nil, "pid" => pid.({:ns_test, 1})} in list
      assert list == Enum.sort_by(list, & &1["printed"])
      assert {:ok, _} = Netsplit.MsgPack.encode(list)
    end
  end
end
