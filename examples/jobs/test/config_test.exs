defmodule Jobs.ConfigTest do
  use ExUnit.Case, async: false
  doctest Jobs.Config
  doctest Jobs.Text

  alias Jobs.Config

  test "variant: atoms, and the strings a YAML file produces" do
    for {given, want} <- [
          {:naive, :naive},
          {:fixed, :fixed},
          {"fixed", :fixed},
          {":fixed", :fixed},
          {" Naive ", :naive},
          {nil, :naive}
        ] do
      assert Config.parse_variant(given) == {:ok, want}, inspect(given)
    end

    assert {:error, "jobs: variant must be :naive or :fixed, got \"sloppy\""} = Config.parse_variant("sloppy")
    assert {:error, _} = Config.parse_variant(:other)
    assert {:error, _} = Config.parse_variant(3)
  end

  test "quorum is a strict majority" do
    assert Enum.map(1..7, &Config.quorum/1) == [1, 2, 2, 3, 3, 4, 4]
    all = [:n1@h, :n2@h, :n3@h]
    assert Config.majority?([:n1@h, :n2@h], all)
    refute Config.majority?([:n3@h], all)
    # Nodes outside the expected cluster (a harness's control node) do not count.
    refute Config.majority?([:n3@h, :ctl@h], all)
    assert Config.majority?([:n1@h], [:n1@h])
    # 4 nodes split 2|2: neither half is a majority.
    refute Config.majority?([:n1@h, :n2@h], [:n1@h, :n2@h, :n3@h, :n4@h])
  end

  test "the preferred host is the lowest name of the majority, never in a minority" do
    all = [:n1@h, :n2@h, :n3@h]
    assert Config.preferred_host(all, all) == :n1@h
    assert Config.preferred_host([:n2@h, :n3@h], all) == :n2@h
    assert Config.preferred_host([:n1@h], all) == nil
    # n3 is never the host in a 3-node cluster: any majority holds n1 or n2.
    for visible <- [[:n1@h, :n3@h], [:n2@h, :n3@h], all], do: refute(Config.preferred_host(visible, all) == :n3@h)
  end

  test "expected nodes: JOBS_NODES, else the nodes setting, else this node alone" do
    System.delete_env("JOBS_NODES")
    Application.put_env(:jobs, :nodes, [])
    assert Config.expected_nodes() == [node()]

    Application.put_env(:jobs, :nodes, ["b@h", :a@h])
    assert Config.expected_nodes() == Enum.sort([node(), :a@h, :b@h])

    System.put_env("JOBS_NODES", "n1@127.0.0.1,n2@127.0.0.1, n3@127.0.0.1")
    assert Config.expected_nodes() == Enum.sort([node(), :"n1@127.0.0.1", :"n2@127.0.0.1", :"n3@127.0.0.1"])
  after
    System.delete_env("JOBS_NODES")
    Application.put_env(:jobs, :nodes, [])
  end

  test "ms settings: integers, numeric strings, 0/false disable" do
    for {v, want} <- [{100, 100}, {"250", 250}, {0, 0}, {false, 0}, {nil, 0}, {"x", 0}] do
      Application.put_env(:jobs, :feed_every_ms, v)
      assert Config.ms(:feed_every_ms) == want, inspect(v)
    end
  after
    Application.put_env(:jobs, :feed_every_ms, 100)
  end
end
