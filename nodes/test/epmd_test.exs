defmodule Netsplit.EpmdTest do
  # the route table lives in :persistent_term and the OS environment: node-wide
  use ExUnit.Case, async: false
  alias Netsplit.Epmd

  @key {Netsplit.Epmd, :routes}
  @env ~w(NETSPLIT_ROUTES NETSPLIT_ROUTES_FROM NETSPLIT_DIST_PORT NETSPLIT_EPMD NETSPLIT_NODE)

  setup do
    saved_routes = :persistent_term.get(@key, nil)
    saved_env = for v <- @env, do: {v, System.get_env(v)}
    :persistent_term.erase(@key)
    Enum.each(@env, &System.delete_env/1)

    on_exit(fn ->
      if saved_routes, do: :persistent_term.put(@key, saved_routes), else: :persistent_term.erase(@key)
      for {v, value} <- saved_env, do: if(value, do: System.put_env(v, value), else: System.delete_env(v))
    end)
  end

  describe "parse_routes/1" do
    test "peer=host:port entries" do
      assert Epmd.parse_routes("n2@127.0.0.1=127.0.0.1:40001,n3@127.0.0.1=127.0.0.1:40002") == %{
               "n2@127.0.0.1" => {"127.0.0.1", 40001},
               "n3@127.0.0.1" => {"127.0.0.1", 40002}
             }

      assert Epmd.parse_routes("n2@node2.netsplit=toxiproxy:41000") == %{"n2@node2.netsplit" => {"toxiproxy", 41000}}
    end

    test "empty text and empty entries" do
      assert Epmd.parse_routes("") == %{}
      assert Epmd.parse_routes(",,n2@h=p:1,") == %{"n2@h" => {"p", 1}}
    end

    test "malformed entries are skipped, the others kept" do
      text = "bad,n4@h=host,n5@h=host:port,n6@h=h:1:2,n7@h=h:12x,n8@h=h:8"
      assert Epmd.parse_routes(text) == %{"n8@h" => {"h", 8}}
    end

    test "a repeated peer keeps its last route" do
      assert Epmd.parse_routes("n2@h=a:1,n2@h=b:2") == %{"n2@h" => {"b", 2}}
    end
  end

  describe "resolving peers" do
    test "port_please and address_please answer with the peer's proxy" do
      Epmd.set_routes("n2@127.0.0.1=127.0.0.1:40001,n3@127.0.0.1=localhost:40002")
      assert Epmd.port_please(~c"n2", ~c"127.0.0.1") == {:port, 40001, 6}
      assert Epmd.port_please(~c"n3", ~c"127.0.0.1", 1_000) == {:port, 40002, 6}
      assert Epmd.address_please(~c"n2", ~c"127.0.0.1", :inet) == {:ok, {127, 0, 0, 1}, 40001, 6}
      assert Epmd.address_please(~c"n3", ~c"127.0.0.1", :inet) == {:ok, {127, 0, 0, 1}, 40002, 6}
    end

    test "with the run's epmd daemon, a peer without a route is still unreachable (never looked up there)" do
      System.put_env("NETSPLIT_EPMD", "daemon")
      System.put_env("NETSPLIT_NODE", "n1")
      Epmd.set_routes("n2@127.0.0.1=127.0.0.1:40001")
      assert Epmd.port_please(~c"n2", ~c"127.0.0.1") == {:port, 40001, 6}
      assert Epmd.port_please(~c"n9", ~c"127.0.0.1", 1_000) == :noport
      assert Epmd.address_please(~c"n9", ~c"127.0.0.1", :inet) == {:error, :no_netsplit_route}
    end

    test "a peer without a route is unreachable" do
      Epmd.set_routes("n2@127.0.0.1=127.0.0.1:40001")
      assert Epmd.port_please(~c"n9", ~c"127.0.0.1") == :noport
      # same name, another host: another node
      assert Epmd.port_please(~c"n2", ~c"localhost") == :noport
      assert Epmd.address_please(~c"n9", ~c"127.0.0.1", :inet) == {:error, :no_netsplit_route}
    end

    test "a proxy host that does not resolve is an error, not a crash" do
      Epmd.set_routes("n2@127.0.0.1=no-such-host.invalid:40001")
      assert {:error, _} = Epmd.address_please(~c"n2", ~c"127.0.0.1", :inet)
    end

    test "routes come from NETSPLIT_ROUTES until set_routes/1" do
      System.put_env("NETSPLIT_ROUTES", "n2@h=p:7")
      assert Epmd.routes() == %{"n2@h" => {"p", 7}}
      assert Netsplit.Agent.peers() == [:n2@h]
      Epmd.set_routes("n3@h=p:8,n1@h=p:9")
      assert Epmd.routes() == %{"n3@h" => {"p", 8}, "n1@h" => {"p", 9}}
      assert Netsplit.Agent.peers() == [:n1@h, :n3@h]
    end

    test "with NETSPLIT_ROUTES_FROM=stdin there are no routes until they come" do
      System.put_env("NETSPLIT_ROUTES_FROM", "stdin")
      System.put_env("NETSPLIT_ROUTES", "n2@h=p:7")
      assert Epmd.routes() == %{}

      # a dial waits (up to 1 s) for routes that are on their way
      parent = self()
      spawn(fn -> send(parent, {:resolved, Epmd.port_please(~c"n2", ~c"h")}) end)
      Process.sleep(50)
      Epmd.set_routes("n2@h=p:7")
      assert_receive {:resolved, {:port, 7, 6}}, 2_000
    end

    test "a dial without routes gives up after its wait" do
      System.put_env("NETSPLIT_ROUTES_FROM", "stdin")
      t0 = System.monotonic_time(:millisecond)
      assert Epmd.port_please(~c"n2", ~c"h") == :noport
      assert System.monotonic_time(:millisecond) - t0 in 900..3_000
    end
  end

  describe "the rest of the EPMD interface" do
    test "this node's own port and registration" do
      assert Epmd.listen_port_please(~c"n1", ~c"127.0.0.1") == {:ok, 0}
      System.put_env("NETSPLIT_DIST_PORT", "45123")
      assert Epmd.listen_port_please(~c"n1", ~c"127.0.0.1") == {:ok, 45123}
      assert Epmd.start_link() == :ignore
      assert Epmd.register_node(~c"n1", 45123) == {:ok, -1}
      assert Epmd.register_node(~c"n1", 45123, :inet) == {:ok, -1}
      assert Epmd.names() == {:error, :address}
      assert Epmd.names(~c"127.0.0.1") == {:error, :address}
    end
  end
end
