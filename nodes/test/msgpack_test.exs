defmodule Netsplit.MsgPackTest do
  use ExUnit.Case, async: true

  alias Netsplit.MsgPack

  doctest Netsplit.MsgPack

  defp pack(term), do: term |> MsgPack.encode!() |> IO.iodata_to_binary()

  defp round_trip(term), do: term |> pack() |> MsgPack.decode()

  defp repeat(byte, count), do: :binary.copy(<<byte>>, count)

  describe "round trips" do
    test "scalars, strings and binaries" do
      terms = [
        nil,
        true,
        false,
        0,
        1,
        -1,
        42,
        -4242,
        2 ** 40,
        -(2 ** 40),
        2 ** 64 - 1,
        -(2 ** 63),
        0.0,
        0.5,
        -1.25,
        1.0e300,
        -1.0e-320,
        5.0e-324,
        1.7976931348623157e308,
        "",
        "hello",
        "h\u00e9llo w\u00f6rld \u65e5\u672c \u{1F600}",
        <<0xFF, 0xFE, 0xFD>>,
        <<0, 1, 2, 128, 255>>
      ]

      for term <- terms, do: assert(round_trip(term) == {:ok, term}, inspect(term))
    end

    test "containers" do
      terms = [
        [],
        [1, 2, 3],
        [[], [[]], [[[]]]],
        %{},
        %{"a" => 1},
        %{1 => "one", -1 => nil, "list" => [1, %{"deep" => [true, false]}]},
        %{[1, 2] => "list key", %{"map" => "key"} => 0.5},
        ["mixed", 1, -1.5, nil, true, <<0xFF>>, %{"k" => "v"}, [[]]]
      ]

      for term <- terms, do: assert(round_trip(term) == {:ok, term}, inspect(term))
    end

    test "terms msgpack has no type for decode to their encoded form" do
      assert round_trip(:an_atom) == {:ok, "an_atom"}
      assert round_trip(%{key: :value}) == {:ok, %{"key" => "value"}}
      assert round_trip({1, "two", [3]}) == {:ok, [1, "two", [3]]}
      assert round_trip({}) == {:ok, []}
      assert round_trip({:bin, "text"}) == {:ok, "text"}
      assert round_trip({:ext, 1, <<2>>}) == {:ok, ["ext", 1, <<2>>]}
    end
  end

  describe "encoding" do
    test "nil, booleans and atoms" do
      assert pack(nil) == <<0xC0>>
      assert pack(false) == <<0xC2>>
      assert pack(true) == <<0xC3>>
      assert pack(:ok) == <<0xA2, "ok">>
      assert pack(:é) == <<0xA2, 0xC3, 0xA9>>
    end

    test "floats are always float 64" do
      assert pack(0.5) == <<0xCB, 0x3FE0000000000000::64>>
      assert pack(1.0) == <<0xCB, 0x3FF0000000000000::64>>
      assert pack(-1.25) == <<0xCB, 0xBFF4000000000000::64>>
    end

    test "binaries are str when they are valid UTF-8 and bin otherwise" do
      assert pack("abc") == <<0xA3, "abc">>
      assert pack("") == <<0xA0>>
      assert pack(<<0xFF, 0x00>>) == <<0xC4, 2, 0xFF, 0x00>>
      assert pack(<<0xED, 0xA0, 0x80>>) == <<0xC4, 3, 0xED, 0xA0, 0x80>>
    end

    test "{:bin, binary} forces bin" do
      assert pack({:bin, "abc"}) == <<0xC4, 3, "abc">>
      assert pack({:bin, ""}) == <<0xC4, 0>>
      assert pack([{:bin, <<1>>}]) == <<0x91, 0xC4, 1, 1>>
    end

    test "other tuples are arrays" do
      assert pack({}) == <<0x90>>
      assert pack({:error, "reason"}) == <<0x92, 0xA5, "error", 0xA6, "reason">>
      assert pack({:bin, "a", "b"}) == <<0x93, 0xA3, "bin", 0xA1, "a", 0xA1, "b">>
    end

    test "map keys follow the value rules" do
      assert pack(%{a: 1}) == <<0x81, 0xA1, "a", 0x01>>
      assert pack(%{1 => nil}) == <<0x81, 0x01, 0xC0>>
      assert pack(%{{:bin, "k"} => true}) == <<0x81, 0xC4, 1, "k", 0xC3>>
    end

    test "pids, references and ports are str of their inspect form" do
      pid = self()
      ref = make_ref()
      port = hd(Port.list())

      assert round_trip(pid) == {:ok, inspect(pid)}
      assert round_trip(ref) == {:ok, inspect(ref)}
      assert round_trip(port) == {:ok, inspect(port)}
      assert round_trip(%{"from" => pid}) == {:ok, %{"from" => inspect(pid)}}
    end

    test "returns iodata" do
      assert {:ok, iodata} = MsgPack.encode(%{"list" => [1, "two", {:bin, <<3>>}]})
      assert is_binary(IO.iodata_to_binary(iodata))
    end

    test "refuses what it cannot represent, naming the part" do
      fun = fn -> :ok end

      assert MsgPack.encode(2 ** 64) == {:error, {:unsupported, 2 ** 64}}
      assert MsgPack.encode(-(2 ** 63) - 1) == {:error, {:unsupported, -(2 ** 63) - 1}}
      assert MsgPack.encode(fun) == {:error, {:unsupported, fun}}
      assert MsgPack.encode(<<1::3>>) == {:error, {:unsupported, <<1::3>>}}
      assert MsgPack.encode([1 | 2]) == {:error, {:unsupported, 2}}
      assert MsgPack.encode({:bin, 5}) == {:error, {:unsupported, {:bin, 5}}}
      assert MsgPack.encode({:bin, [1]}) == {:error, {:unsupported, {:bin, [1]}}}
      assert MsgPack.encode(%{"ok" => [1, %{"f" => fun}]}) == {:error, {:unsupported, fun}}
    end

    test "encode! raises ArgumentError" do
      assert_raise ArgumentError, ~r/cannot encode as MessagePack: 18446744073709551616/, fn ->
        MsgPack.encode!(2 ** 64)
      end
    end
  end

  describe "format boundaries" do
    test "integers use the smallest format" do
      cases = [
        {0, <<0x00>>},
        {1, <<0x01>>},
        {127, <<0x7F>>},
        {128, <<0xCC, 0x80>>},
        {255, <<0xCC, 0xFF>>},
        {256, <<0xCD, 0x01, 0x00>>},
        {65_535, <<0xCD, 0xFF, 0xFF>>},
        {65_536, <<0xCE, 0x00, 0x01, 0x00, 0x00>>},
        {2 ** 32 - 1, <<0xCE, 0xFF, 0xFF, 0xFF, 0xFF>>},
        {2 ** 32, <<0xCF, 1::32, 0::32>>},
        {2 ** 63, <<0xCF, 0x80, 0::56>>},
        {2 ** 64 - 1, <<0xCF, -1::64>>},
        {-1, <<0xFF>>},
        {-32, <<0xE0>>},
        {-33, <<0xD0, 0xDF>>},
        {-128, <<0xD0, 0x80>>},
        {-129, <<0xD1, 0xFF, 0x7F>>},
        {-32_768, <<0xD1, 0x80, 0x00>>},
        {-32_769, <<0xD2, 0xFF, 0xFF, 0x7F, 0xFF>>},
        {-(2 ** 31), <<0xD2, 0x80, 0x00, 0x00, 0x00>>},
        {-(2 ** 31) - 1, <<0xD3, -(2 ** 31) - 1::64>>},
        {-(2 ** 63), <<0xD3, 0x80, 0::56>>}
      ]

      for {int, bytes} <- cases do
        assert pack(int) == bytes, "encoding #{int}"
        assert MsgPack.decode(bytes) == {:ok, int}, "decoding #{int}"
      end
    end

    test "decoder accepts integers in wider formats than needed" do
      assert MsgPack.decode(<<0xCC, 1>>) == {:ok, 1}
      assert MsgPack.decode(<<0xCF, 5::64>>) == {:ok, 5}
      assert MsgPack.decode(<<0xD0, 5>>) == {:ok, 5}
      assert MsgPack.decode(<<0xD3, 0::64>>) == {:ok, 0}
      assert MsgPack.decode(<<0xD1, -1::16>>) == {:ok, -1}
    end

    test "str lengths" do
      cases = [
        {0, <<0xA0>>},
        {1, <<0xA1>>},
        {31, <<0xBF>>},
        {32, <<0xD9, 32>>},
        {255, <<0xD9, 255>>},
        {256, <<0xDA, 256::16>>},
        {65_535, <<0xDA, 65_535::16>>},
        {65_536, <<0xDB, 65_536::32>>}
      ]

      for {size, header} <- cases do
        string = String.duplicate("s", size)
        assert pack(string) == header <> string, "str of #{size}"
        assert MsgPack.decode(header <> string) == {:ok, string}
      end
    end

    test "bin lengths" do
      cases = [
        {0, <<0xC4, 0>>},
        {255, <<0xC4, 255>>},
        {256, <<0xC5, 256::16>>},
        {65_535, <<0xC5, 65_535::16>>},
        {65_536, <<0xC6, 65_536::32>>}
      ]

      for {size, header} <- cases do
        bytes = repeat(0xFF, size)
        assert pack({:bin, bytes}) == header <> bytes, "bin of #{size}"
        if size > 0, do: assert(pack(bytes) == header <> bytes, "invalid UTF-8 of #{size}")
        assert MsgPack.decode(header <> bytes) == {:ok, bytes}
      end
    end

    test "array lengths" do
      cases = [
        {0, <<0x90>>},
        {15, <<0x9F>>},
        {16, <<0xDC, 16::16>>},
        {65_535, <<0xDC, 65_535::16>>},
        {65_536, <<0xDD, 65_536::32>>}
      ]

      for {count, header} <- cases do
        list = Enum.to_list(1..count//1)
        packed = pack(list)
        assert binary_part(packed, 0, byte_size(header)) == header, "array of #{count}"
        assert MsgPack.decode(packed) == {:ok, list}
      end
    end

    test "map sizes" do
      cases = [
        {0, <<0x80>>},
        {15, <<0x8F>>},
        {16, <<0xDE, 16::16>>},
        {65_535, <<0xDE, 65_535::16>>},
        {65_536, <<0xDF, 65_536::32>>}
      ]

      for {count, header} <- cases do
        map = Map.new(1..count//1, &{&1, -&1})
        packed = pack(map)
        assert binary_part(packed, 0, byte_size(header)) == header, "map of #{count}"
        assert MsgPack.decode(packed) == {:ok, map}
      end
    end

    test "a repeated map key keeps its last value" do
      assert MsgPack.decode(<<0x82, 0xA1, "k", 1, 0xA1, "k", 2>>) == {:ok, %{"k" => 2}}
    end
  end

  describe "decoding floats" do
    test "float 32 and float 64" do
      assert MsgPack.decode(<<0xCA, 0x3F000000::32>>) == {:ok, 0.5}
      assert MsgPack.decode(<<0xCA, -1.25::float-32>>) == {:ok, -1.25}
      assert MsgPack.decode(<<0xCA, 0x3DCCCCCD::32>>) == {:ok, 0.10000000149011612}
      assert MsgPack.decode(<<0xCA, 0x00000001::32>>) == {:ok, 1.401298464324817e-45}
      assert MsgPack.decode(<<0xCB, 0x3FB999999999999A::64>>) == {:ok, 0.1}
      assert {:ok, zero} = MsgPack.decode(<<0xCB, 0x8000000000000000::64>>)
      assert zero == 0.0
    end

    test "NaN and the infinities decode to atoms" do
      cases = [
        {<<0xCA, 0x7FC00000::32>>, :nan},
        {<<0xCA, 0xFFC00001::32>>, :nan},
        {<<0xCA, 0x7F800001::32>>, :nan},
        {<<0xCA, 0x7F800000::32>>, :infinity},
        {<<0xCA, 0xFF800000::32>>, :neg_infinity},
        {<<0xCB, 0x7FF8000000000000::64>>, :nan},
        {<<0xCB, 0xFFF8000000000000::64>>, :nan},
        {<<0xCB, 0x7FF0000000000001::64>>, :nan},
        {<<0xCB, 0x7FF0000000000000::64>>, :infinity},
        {<<0xCB, 0xFFF0000000000000::64>>, :neg_infinity}
      ]

      for {bytes, atom} <- cases, do: assert(MsgPack.decode(bytes) == {:ok, atom}, inspect(bytes))
    end
  end

  describe "decoding ext" do
    test "fixext and ext formats give {:ext, type, data}" do
      cases = [
        {<<0xD4, 0x01, 0xAA>>, {:ext, 1, <<0xAA>>}},
        {<<0xD5, 0x02, 0xAA, 0xBB>>, {:ext, 2, <<0xAA, 0xBB>>}},
        {<<0xD6, 0xFF, 1, 2, 3, 4>>, {:ext, -1, <<1, 2, 3, 4>>}},
        {<<0xD7, 0x7F, 1::64>>, {:ext, 127, <<1::64>>}},
        {<<0xD8, 0x80, 2::128>>, {:ext, -128, <<2::128>>}},
        {<<0xC7, 0, 5>>, {:ext, 5, ""}},
        {<<0xC7, 3, 0x10, "abc">>, {:ext, 16, "abc"}},
        {<<0xC8, 300::16, 0x20>> <> repeat(7, 300), {:ext, 32, repeat(7, 300)}},
        {<<0xC9, 5::32, 0xFE, "hello">>, {:ext, -2, "hello"}}
      ]

      for {bytes, ext} <- cases, do: assert(MsgPack.decode(bytes) == {:ok, ext}, inspect(bytes))
    end

    test "ext inside containers" do
      assert MsgPack.decode(<<0x82, 0xA1, "t", 0xD6, 0xFF, 0::32, 0xA1, "u", 0xD4, 0, 0>>) ==
               {:ok, %{"t" => {:ext, -1, <<0::32>>}, "u" => {:ext, 0, <<0>>}}}
    end
  end

  describe "decoding errors" do
    test "every proper prefix of an encoding is truncated" do
      encodings = [
        pack(%{"id" => 7, "op" => "partition", "args" => %{"groups" => [["a@h"], ["b@h"]]}}),
        pack([1, 2.5, -70_000, nil, true, {:bin, <<1, 2>>}, %{"k" => [false]}, "x"]),
        pack(String.duplicate("x", 300)),
        pack({:bin, repeat(1, 300)}),
        pack(List.duplicate(0, 20)),
        pack(Map.new(1..20, &{&1, &1})),
        pack(2 ** 64 - 1),
        pack(-(2 ** 63)),
        pack(-300),
        pack(65_535),
        <<0xCA, 0.5::float-32>>,
        <<0xD8, 1, 0::128>>,
        <<0xC8, 300::16, 0x20>> <> repeat(7, 300),
        <<0xC9, 2::32, 3, 4, 5>>
      ]

      for encoding <- encodings, size <- 0..(byte_size(encoding) - 1) do
        prefix = binary_part(encoding, 0, size)
        assert MsgPack.decode(prefix) == {:error, :truncated}, "prefix #{inspect(prefix)}"
      end
    end

    test "the empty binary is truncated" do
      assert MsgPack.decode("") == {:error, :truncated}
    end

    test "trailing bytes" do
      assert MsgPack.decode(<<0xC0, 0xC0>>) == {:error, {:trailing_bytes, 1}}
      assert MsgPack.decode(pack(%{"a" => [1]}) <> "xyz") == {:error, {:trailing_bytes, 3}}
      assert MsgPack.decode(pack("abc") <> <<0>>) == {:error, {:trailing_bytes, 1}}
      assert MsgPack.decode(<<0x91, 1, 2>>) == {:error, {:trailing_bytes, 1}}
    end

    test "the reserved byte 0xC1" do
      assert MsgPack.decode(<<0xC1>>) == {:error, {:reserved_byte, 0xC1}}
      assert MsgPack.decode(<<0x92, 0x01, 0xC1>>) == {:error, {:reserved_byte, 0xC1}}
      assert MsgPack.decode(<<0x81, 0xC1, 0x01>>) == {:error, {:reserved_byte, 0xC1}}
    end

    test "a non-binary argument" do
      assert MsgPack.decode([0xC0]) == {:error, :not_a_binary}
      assert MsgPack.decode(<<1::3>>) == {:error, :not_a_binary}
    end

    test "huge declared lengths fail fast, without allocating" do
      hostile = [
        <<0xDB, 0xFF, 0xFF, 0xFF, 0xFF>>,
        <<0xDB, 0xFF, 0xFF, 0xFF, 0xFF, "some bytes">>,
        <<0xDA, 0xFF, 0xFF, "short">>,
        <<0xC6, 0xFF, 0xFF, 0xFF, 0xFF>>,
        <<0xC5, 0xFF, 0xFF, 0>>,
        <<0xDD, 0xFF, 0xFF, 0xFF, 0xFF>>,
        <<0xDD, 0xFF, 0xFF, 0xFF, 0xFF>> <> repeat(0xC0, 100_000),
        <<0xDC, 0xFF, 0xFF, 0xC0>>,
        <<0xDF, 0xFF, 0xFF, 0xFF, 0xFF>>,
        <<0xDF, 0x80, 0x00, 0x00, 0x00>> <> repeat(0xC0, 100_000),
        <<0xDE, 0xFF, 0xFF, 0xC0, 0xC0>>,
        <<0xC9, 0xFF, 0xFF, 0xFF, 0xFF, 0x01>>,
        <<0xC8, 0xFF, 0xFF, 0x01, 0x00>>,
        <<0x9F, 0xDD, 0xFF, 0xFF, 0xFF, 0xFF>>
      ]

      for bytes <- hostile do
        assert decode_in_small_heap(bytes) == {:error, :truncated}, inspect(bytes, limit: 8)
      end
    end

    test "nesting up to 100 deep is accepted, deeper is refused" do
      assert {:ok, _} = MsgPack.decode(repeat(0x91, 100) <> <<0xC0>>)
      assert MsgPack.decode(repeat(0x91, 101) <> <<0xC0>>) == {:error, :too_deep}

      maps = fn depth -> :binary.copy(<<0x81, 0xA1, "k">>, depth) <> <<0xC0>> end
      assert {:ok, _} = MsgPack.decode(maps.(100))
      assert MsgPack.decode(maps.(101)) == {:error, :too_deep}

      key_nesting = repeat(0x81, 101) <> <<0xC0>> <> repeat(0xC0, 101)
      assert MsgPack.decode(key_nesting) == {:error, :too_deep}
    end

    test "the depth limit holds for hostile input" do
      assert decode_in_small_heap(repeat(0x91, 1_000_000)) == {:error, :too_deep}
      assert decode_in_small_heap(repeat(0xDC, 1_000_000)) == {:error, :too_deep}
    end

    test "deep terms encode, and are refused on decoding" do
      deep = Enum.reduce(1..200, nil, fn _, acc -> [acc] end)
      assert MsgPack.decode(pack(deep)) == {:error, :too_deep}

      at_limit = Enum.reduce(1..100, nil, fn _, acc -> [acc] end)
      assert round_trip(at_limit) == {:ok, at_limit}
    end
  end

  describe "random terms" do
    test "decode(encode(term)) == term" do
      :rand.seed(:exsss, {2024, 5, 17})

      for _ <- 1..1_000 do
        term = random_term(4)
        assert round_trip(term) == {:ok, term}, inspect(term, limit: 50)
      end
    end
  end

  defp decode_in_small_heap(bytes) do
    parent = self()

    {pid, monitor} =
      spawn_monitor(fn ->
        Process.flag(:max_heap_size, %{size: 50_000, kill: true, error_logger: false})
        send(parent, {self(), MsgPack.decode(bytes)})
      end)

    receive do
      {^pid, result} ->
        Process.demonitor(monitor, [:flush])
        result

      {:DOWN, ^monitor, :process, ^pid, reason} ->
        flunk("decoder process died (#{inspect(reason)}) on #{inspect(bytes, limit: 8)}")
    after
      2_000 -> flunk("decoding #{inspect(bytes, limit: 8)} took more than 2 s")
    end
  end

  defp random_term(depth) do
    case :rand.uniform(if depth > 0, do: 10, else: 7) do
      1 -> Enum.random([nil, true, false])
      2 -> random_integer()
      3 -> random_integer()
      4 -> random_float()
      5 -> random_string()
      6 -> random_string()
      7 -> :rand.bytes(Enum.random([0, 1, 5, 40, 300]))
      8 -> random_list(depth)
      9 -> random_list(depth)
      10 -> random_map(depth)
    end
  end

  defp random_integer do
    {low, high} =
      Enum.random([
        {-32, 127},
        {-128, 255},
        {-32_768, 65_535},
        {-(2 ** 31), 2 ** 32 - 1},
        {-(2 ** 63), 2 ** 64 - 1}
      ])

    low + :rand.uniform(high - low + 1) - 1
  end

  defp random_float do
    sign = Enum.random([1, -1])
    sign * :rand.uniform_real() * :math.pow(10, :rand.uniform(600) - 300)
  end

  @code_points [?a, ?Z, ?0, ?\s, ?", 0, 0x7F, 0xE9, 0x3B1, 0x20AC, 0x65E5, 0xFFFD, 0x1F600]

  defp random_string do
    size = Enum.random([0, 1, 5, 31, 32, 100, 300])
    for _ <- 1..size//1, into: "", do: <<Enum.random(@code_points)::utf8>>
  end

  defp random_list(depth) do
    for _ <- 1..Enum.random([0, 1, 3, 16])//1, do: random_term(depth - 1)
  end

  defp random_map(depth) do
    Map.new(1..Enum.random([0, 1, 3, 16])//1, fn _ ->
      key = if :rand.uniform(4) == 1, do: random_integer(), else: random_string()
      {key, random_term(depth - 1)}
    end)
  end
end

defmodule Netsplit.MsgPackVectorsTest do
  @moduledoc false
  # Cross-checks against bytes written by msgpackr; see vectors/gen-msgpackr-vectors.mjs.
  use ExUnit.Case, async: true

  alias Netsplit.MsgPack

  @vectors_path Path.join(__DIR__, "vectors/msgpackr_vectors.exs")
  @external_resource @vectors_path
  @vector_names @vectors_path |> Code.eval_file() |> elem(0) |> Enum.map(& &1.name)

  # Some vectors hold 65536-element lists. A test context is copied into every test process,
  # so the vectors live in :persistent_term, which test processes read without copying.
  setup_all do
    {vectors, _binding} = Code.eval_file(@vectors_path)
    :persistent_term.put(__MODULE__, Map.new(vectors, &{&1.name, &1}))
    on_exit(fn -> :persistent_term.erase(__MODULE__) end)
  end

  test "every vector that is not exact says why" do
    vectors = :persistent_term.get(__MODULE__)
    assert map_size(vectors) == length(@vector_names)

    for {name, vector} <- vectors, not vector.exact do
      assert is_binary(vector[:differs]) and vector.differs != "", name
    end
  end

  for name <- @vector_names do
    test "msgpackr: #{name}" do
      vector = Map.fetch!(:persistent_term.get(__MODULE__), unquote(name))
      bytes = Base.decode16!(vector.hex, case: :lower)

      assert MsgPack.decode(bytes) == {:ok, vector.term}

      if vector.exact do
        assert pack(Map.get(vector, :encode, vector.term)) == bytes
      end
    end
  end

  defp pack(term), do: term |> MsgPack.encode!() |> IO.iodata_to_binary()
end
