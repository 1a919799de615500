defmodule Netsplit.MsgPackFuzzTest do
  @moduledoc false
  # Seeded fuzzing of `Netsplit.MsgPack.decode/1`, the first thing every byte a control client
  # sends goes through. The agent has no hex dependencies (no StreamData), so the generators
  # below are small and hand-written on `:rand`, seeded with a fixed seed that is printed:
  # rerun a failure with `NETSPLIT_FUZZ_SEED=<seed> mix test test/msgpack_fuzz_test.exs`.
  #
  # The contract under test (see the moduledoc of Netsplit.MsgPack):
  #   * decode/1 returns `{:ok, term}` or `{:error, reason}` with a documented reason, and
  #     never raises, whatever the input;
  #   * it never allocates what a header claims: hostile inputs are decoded in a process whose
  #     heap is capped (it is killed if it grows past the cap) and within a time bound;
  #   * containers nested more than 100 deep are refused (no unbounded recursion or stack);
  #   * what it decodes, it can encode again, and that decodes back to the same term (with the
  #     documented stand-ins for NaN/infinities and ext).
  # An independent generator writes every format of the specification (including non-minimal
  # widths, float 32, ext, invalid UTF-8 in str) together with the term it stands for, so
  # decoding is checked against an oracle, not only for not crashing.
  use ExUnit.Case, async: true

  alias Netsplit.MsgPack

  @default_seed 80_817
  # words; a decode of these small inputs needs far less, a claimed 4 GiB far more
  @heap_cap_words 200_000
  @case_timeout_ms 2_000

  setup_all do
    seed =
      case System.get_env("NETSPLIT_FUZZ_SEED") do
        nil -> @default_seed
        text -> String.to_integer(text)
      end

    IO.puts("\nmsgpack fuzz seed #{seed} (rerun with NETSPLIT_FUZZ_SEED=#{seed})")
    %{seed: seed}
  end

  setup %{seed: seed, test: test} do
    # each test its own stream, so tests can be rerun alone with the same cases
    :rand.seed(:exsss, {seed, :erlang.phash2(test), 17})
    :ok
  end

  describe "valid encodings of every format" do
    test "decode to the term the generator meant", %{seed: seed} do
      for i <- 1..2_000 do
        {bytes, term} = gen_encoding(3)
        # ===: an integer must not come back as a float, nor the reverse
        assert MsgPack.decode(bytes) === {:ok, term}, "seed #{seed} case #{i}: #{inspect(bytes, limit: 40)}"
      end
    end

    test "every ext type with every fixext and ext size", %{seed: seed} do
      for type <- -128..127, {header, size} <- [{<<0xD4>>, 1}, {<<0xD5>>, 2}, {<<0xD6>>, 4}, {<<0xD7>>, 8}, {<<0xD8>>, 16}, {<<0xC7, 3>>, 3}, {<<0xC8, 0, 0>>, 0}, {<<0xC9, 0, 0, 0, 5>>, 5}] do
        data = :rand.bytes(size)
        bytes = header <> <<type::signed-8>> <> data
        assert MsgPack.decode(bytes) == {:ok, {:ext, type, data}}, "seed #{seed}: #{inspect(bytes)}"
        assert_contract(bytes, seed)
      end
    end

    test "str holding invalid UTF-8 decodes to its bytes, re-encodes as bin, and round trips", %{seed: seed} do
      invalid = [<<0xFF>>, <<0xC3>>, <<0xE2, 0x82>>, <<0xED, 0xA0, 0x80>>, <<0xC0, 0xAF>>, <<0xF8, 0x88, 0x80, 0x80, 0x80>>]

      for i <- 1..500 do
        bytes = random_utf8(Enum.random(0..10)) <> Enum.random(invalid) <> random_utf8(Enum.random(0..10))
        refute String.valid?(bytes)
        {iodata, ^bytes} = str_encoding(bytes)
        encoding = IO.iodata_to_binary(iodata)
        assert MsgPack.decode(encoding) == {:ok, bytes}, "seed #{seed} case #{i}"
        assert <<tag, _::binary>> = bytes |> MsgPack.encode!() |> IO.iodata_to_binary()
        assert tag in [0xC4, 0xC5, 0xC6], "an invalid UTF-8 binary is written as bin"
        assert_contract(encoding, seed)
      end
    end
  end

  describe "hostile input" do
    test "random bytes", %{seed: seed} do
      for _ <- 1..3_000 do
        size = Enum.random([0, 1, 2, 3, 5, 9, 17, 40, 200, 2_000])
        assert_contract(:rand.bytes(size), seed)
      end
    end

    test "random bytes behind every first byte", %{seed: seed} do
      for first <- 0..255, _ <- 1..8, do: assert_contract(<<first>> <> :rand.bytes(Enum.random(0..12)), seed)
    end

    test "every proper prefix of a valid encoding is truncated", %{seed: seed} do
      for i <- 1..300 do
        {bytes, _term} = small_encoding(3, 1_000)

        for size <- 0..(byte_size(bytes) - 1) do
          prefix = binary_part(bytes, 0, size)
          assert MsgPack.decode(prefix) == {:error, :truncated}, "seed #{seed} case #{i}, prefix #{inspect(prefix, limit: 40)}"
        end
      end
    end

    test "a valid encoding followed by more bytes", %{seed: seed} do
      for i <- 1..500 do
        {bytes, _term} = gen_encoding(3)
        extra = :rand.bytes(Enum.random(1..9))
        assert MsgPack.decode(bytes <> extra) == {:error, {:trailing_bytes, byte_size(extra)}}, "seed #{seed} case #{i}"
      end
    end

    test "bit flips of valid encodings", %{seed: seed} do
      for _ <- 1..2_000 do
        {bytes, _term} = gen_encoding(3)
        assert_contract(flip_bits(bytes, Enum.random(1..3)), seed)
      end
    end

    test "headers claiming huge lengths on tiny bodies fail fast, in a small heap", %{seed: seed} do
      headers = [
        {<<0xD9, 0xFF>>, 255},
        {<<0xDA, 0xFF, 0xFF>>, 65_535},
        {<<0xDB, 0xFF, 0xFF, 0xFF, 0xFF>>, 0xFFFF_FFFF},
        {<<0xDB, 0x80, 0, 0, 0>>, 0x8000_0000},
        {<<0xC4, 0xFF>>, 255},
        {<<0xC5, 0xFF, 0xFF>>, 65_535},
        {<<0xC6, 0xFF, 0xFF, 0xFF, 0xFF>>, 0xFFFF_FFFF},
        {<<0xC6, 0xFF, 0xFF, 0xFF, 0xFE>>, 0xFFFF_FFFE},
        {<<0xDC, 0xFF, 0xFF>>, 65_535},
        {<<0xDD, 0xFF, 0xFF, 0xFF, 0xFF>>, 0xFFFF_FFFF},
        {<<0xDE, 0xFF, 0xFF>>, 65_535},
        {<<0xDF, 0xFF, 0xFF, 0xFF, 0xFF>>, 0xFFFF_FFFF},
        {<<0xC7, 0xFF>>, 255},
        {<<0xC8, 0xFF, 0xFF>>, 65_535},
        {<<0xC9, 0xFF, 0xFF, 0xFF, 0xFF>>, 0xFFFF_FFFF}
      ]

      wrappers = [
        fn b -> b end,
        fn b -> <<0x91>> <> b end,
        fn b -> <<0x93, 0xC0, 0xC3>> <> b end,
        fn b -> <<0x81, 0xA1, "k">> <> b end,
        fn b -> <<0x81>> <> b end,
        fn b -> :binary.copy(<<0x91>>, 50) <> b end
      ]

      for {header, claimed} <- headers, wrap <- wrappers, body_size <- [0, 1, 7, 100, 250] do
        # a body too short for the claim (for arrays and maps: fewer bytes than elements)
        body = :rand.bytes(min(body_size, claimed - 1))
        bytes = wrap.(header <> body)
        result = run_capped(bytes, seed)
        assert result == {:error, :truncated}, "seed #{seed}: got #{inspect(result)} for #{inspect(bytes, limit: 16)}"
      end
    end

    test "100_000 nested containers are refused as too deep, in a small heap", %{seed: seed} do
      openers = [
        <<0x91>>,
        <<0xDC, 0, 1>>,
        <<0xDD, 0, 0, 0, 1>>,
        <<0x81, 0xC0>>,
        <<0x81>>,
        <<0xDE, 0, 1, 0xA1, "k">>,
        <<0xDF, 0, 0, 0, 1, 0x01>>
      ]

      for opener <- openers do
        bytes = :binary.copy(opener, 100_000) <> <<0xC0>>
        assert run_capped(bytes, seed) == {:error, :too_deep}, "seed #{seed}: #{inspect(opener)}"
      end

      mixed = for _ <- 1..100_000, into: <<>>, do: Enum.random(openers)
      assert run_capped(mixed <> <<0xC0>>, seed) == {:error, :too_deep}
    end

    test "nesting of random containers: accepted up to 100 deep, refused beyond", %{seed: seed} do
      for i <- 1..300 do
        depth = Enum.random(1..250)
        {bytes, term} = nested(depth)
        expected = if depth <= 100, do: {:ok, term}, else: {:error, :too_deep}
        assert run_capped(bytes, seed) == expected, "seed #{seed} case #{i}: depth #{depth}"
      end
    end

    test "the reserved byte anywhere a value starts", %{seed: seed} do
      for _ <- 1..200 do
        {bytes, _} = gen_encoding(0)
        wrapped = Enum.random([<<0x92>> <> bytes <> <<0xC1>>, <<0x92, 0xC1>> <> bytes, <<0x81, 0xC1>> <> bytes, <<0x81>> <> bytes <> <<0xC1>>])
        assert MsgPack.decode(wrapped) == {:error, {:reserved_byte, 0xC1}}, "seed #{seed}: #{inspect(wrapped)}"
      end
    end

    test "terms that are not binaries" do
      for term <- [nil, 1, 1.5, :atom, [0xC0], {<<0xC0>>}, %{}, <<1::7>>, <<0xC0, 1::1>>, self()] do
        assert MsgPack.decode(term) == {:error, :not_a_binary}
      end
    end
  end

  # -- the contract --------------------------------------------------------------------------

  # Decodes `bytes` in a capped process, checks the result is one the contract allows, and that
  # a decoded term survives encode -> decode.
  defp assert_contract(bytes, seed) do
    case run_capped(bytes, seed) do
      {:ok, term} ->
        assert {:ok, iodata} = MsgPack.encode(term), "seed #{seed}: decoded #{inspect(term, limit: 20)} from #{inspect(bytes, limit: 40)} but cannot encode it"
        again = MsgPack.decode(IO.iodata_to_binary(iodata))
        assert again == {:ok, stand_ins(term)}, "seed #{seed}: #{inspect(bytes, limit: 40)} does not round trip"

      {:error, reason} ->
        assert allowed_error?(reason), "seed #{seed}: undocumented error #{inspect(reason)} for #{inspect(bytes, limit: 40)}"
    end
  end

  defp allowed_error?(:truncated), do: true
  defp allowed_error?(:too_deep), do: true
  defp allowed_error?({:reserved_byte, 0xC1}), do: true
  defp allowed_error?({:trailing_bytes, n}) when is_integer(n) and n > 0, do: true
  defp allowed_error?(_), do: false

  # What encode/1 writes for the terms MessagePack has no type for (Netsplit.MsgPack moduledoc).
  defp stand_ins(atom) when atom in [:nan, :infinity, :neg_infinity], do: Atom.to_string(atom)
  defp stand_ins({:ext, type, data}), do: ["ext", type, data]
  defp stand_ins(list) when is_list(list), do: Enum.map(list, &stand_ins/1)
  defp stand_ins(map) when is_map(map), do: Map.new(map, fn {k, v} -> {stand_ins(k), stand_ins(v)} end)
  defp stand_ins(other), do: other

  # Decodes in a fresh process killed if its heap passes @heap_cap_words, within @case_timeout_ms.
  defp run_capped(bytes, seed) do
    parent = self()

    {pid, monitor} =
      spawn_monitor(fn ->
        Process.flag(:max_heap_size, %{size: @heap_cap_words, kill: true, error_logger: false})

        result =
          try do
            MsgPack.decode(bytes)
          rescue
            e -> {:raised, Exception.format(:error, e, __STACKTRACE__)}
          catch
            kind, reason -> {:raised, {kind, reason}}
          end

        send(parent, {self(), result})
      end)

    receive do
      {^pid, {:raised, what}} ->
        Process.demonitor(monitor, [:flush])
        flunk("seed #{seed}: decode raised on #{inspect(bytes, limit: 40)}: #{inspect(what)}")

      {^pid, result} ->
        Process.demonitor(monitor, [:flush])
        result

      {:DOWN, ^monitor, :process, ^pid, reason} ->
        flunk("seed #{seed}: the decoding process died (#{inspect(reason)}; :killed means its heap passed #{@heap_cap_words} words) on #{inspect(bytes, limit: 40)}")
    after
      @case_timeout_ms ->
        Process.exit(pid, :kill)
        flunk("seed #{seed}: decoding took more than #{@case_timeout_ms} ms on #{inspect(bytes, limit: 40)}")
    end
  end

  # -- generators ----------------------------------------------------------------------------

  # {bytes, term}: a random value written in a random one of the formats that can hold it.
  defp gen_encoding(depth) do
    {iodata, term} = gen_value(depth)
    {IO.iodata_to_binary(iodata), term}
  end

  defp small_encoding(depth, max_bytes) do
    {bytes, _} = encoding = gen_encoding(depth)
    if byte_size(bytes) <= max_bytes, do: encoding, else: small_encoding(depth, max_bytes)
  end

  defp gen_value(depth) do
    case Enum.random(if depth > 0, do: 1..9, else: 1..6) do
      1 -> Enum.random([{<<0xC0>>, nil}, {<<0xC2>>, false}, {<<0xC3>>, true}])
      2 -> int_encoding()
      3 -> float_encoding()
      4 -> str_encoding(random_text())
      5 -> bin_encoding(:rand.bytes(Enum.random([0, 1, 3, 33, 300])))
      6 -> ext_encoding()
      7 -> array_encoding(depth)
      8 -> map_encoding(depth)
      9 -> array_encoding(depth)
    end
  end

  defp int_encoding do
    n = Enum.random([0, 1, 31, 127, 128, 255, 256, 65_535, 65_536, 2 ** 32 - 1, 2 ** 32, 2 ** 63, 2 ** 64 - 1, -1, -32, -33, -128, -129, -32_768, -32_769, -(2 ** 31), -(2 ** 31) - 1, -(2 ** 63)])
    n = if :rand.uniform(2) == 1, do: n, else: random_int_near(n)
    formats = int_formats(n)
    {Enum.random(formats), n}
  end

  defp random_int_near(n) do
    m = n + Enum.random(-3..3)
    if m >= -(2 ** 63) and m < 2 ** 64, do: m, else: n
  end

  # every format that holds n, not only the smallest
  defp int_formats(n) do
    [
      n in 0..127 && <<n>>,
      n in -32..-1 && <<n::signed-8>>,
      n in 0..0xFF && <<0xCC, n>>,
      n in 0..0xFFFF && <<0xCD, n::16>>,
      n in 0..0xFFFF_FFFF && <<0xCE, n::32>>,
      n in 0..0xFFFF_FFFF_FFFF_FFFF && <<0xCF, n::64>>,
      n in -0x80..0x7F && <<0xD0, n::signed-8>>,
      n in -0x8000..0x7FFF && <<0xD1, n::signed-16>>,
      n in -0x8000_0000..0x7FFF_FFFF && <<0xD2, n::signed-32>>,
      n in -0x8000_0000_0000_0000..0x7FFF_FFFF_FFFF_FFFF && <<0xD3, n::signed-64>>
    ]
    |> Enum.filter(& &1)
  end

  defp float_encoding do
    if :rand.uniform(2) == 1 do
      bits = random_float_bits(32)
      {<<0xCA, bits::32>>, float_term(<<bits::32>>, 32)}
    else
      bits = random_float_bits(64)
      {<<0xCB, bits::64>>, float_term(<<bits::64>>, 64)}
    end
  end

  # random patterns, with the exponent often all ones (NaN, infinities) or all zeros (subnormals)
  defp random_float_bits(32) do
    <<sign::1, exp::8, frac::23>> = :rand.bytes(4)
    exp = Enum.random([exp, exp, 0, 0xFF])
    frac = Enum.random([frac, frac, 0])
    <<bits::32>> = <<sign::1, exp::8, frac::23>>
    bits
  end

  defp random_float_bits(64) do
    <<sign::1, exp::11, frac::52>> = :rand.bytes(8)
    exp = Enum.random([exp, exp, 0, 0x7FF])
    frac = Enum.random([frac, frac, 0])
    <<bits::64>> = <<sign::1, exp::11, frac::52>>
    bits
  end

  defp float_term(<<_sign::1, 0xFF::8, frac::23>>, 32) when frac != 0, do: :nan
  defp float_term(<<0::1, 0xFF::8, 0::23>>, 32), do: :infinity
  defp float_term(<<1::1, 0xFF::8, 0::23>>, 32), do: :neg_infinity
  defp float_term(<<f::float-32>>, 32), do: f
  defp float_term(<<_sign::1, 0x7FF::11, frac::52>>, 64) when frac != 0, do: :nan
  defp float_term(<<0::1, 0x7FF::11, 0::52>>, 64), do: :infinity
  defp float_term(<<1::1, 0x7FF::11, 0::52>>, 64), do: :neg_infinity
  defp float_term(<<f::float-64>>, 64), do: f

  defp str_encoding(bytes) do
    size = byte_size(bytes)

    headers =
      Enum.filter(
        [size < 32 && <<0xA0 + size>>, size < 0x100 && <<0xD9, size>>, size < 0x10000 && <<0xDA, size::16>>, <<0xDB, size::32>>],
        & &1
      )

    {[Enum.random(headers), bytes], bytes}
  end

  defp bin_encoding(bytes) do
    size = byte_size(bytes)
    headers = Enum.filter([size < 0x100 && <<0xC4, size>>, size < 0x10000 && <<0xC5, size::16>>, <<0xC6, size::32>>], & &1)
    {[Enum.random(headers), bytes], bytes}
  end

  defp ext_encoding do
    type = Enum.random(-128..127)

    {header, size} =
      Enum.random([
        {<<0xD4>>, 1},
        {<<0xD5>>, 2},
        {<<0xD6>>, 4},
        {<<0xD7>>, 8},
        {<<0xD8>>, 16},
        {<<0xC7, 5>>, 5},
        {<<0xC8, 2::16>>, 2},
        {<<0xC9, 0::32>>, 0}
      ])

    data = :rand.bytes(size)
    {[header, <<type::signed-8>>, data], {:ext, type, data}}
  end

  defp array_encoding(depth) do
    items = for _ <- 1..Enum.random([0, 1, 2, 5, 16])//1, do: gen_value(depth - 1)
    {[container_header(length(items), 0x90, 0xDC, 0xDD) | Enum.map(items, &elem(&1, 0))], Enum.map(items, &elem(&1, 1))}
  end

  defp map_encoding(depth) do
    pairs =
      for _ <- 1..Enum.random([0, 1, 2, 5, 16])//1 do
        # keys are often small so that some repeat: a repeated key keeps its last value
        {key_io, key} = if :rand.uniform(3) == 1, do: gen_value(depth - 1), else: str_encoding(Enum.random(["a", "b", "id", "op"]))
        {val_io, val} = gen_value(depth - 1)
        {[key_io, val_io], {key, val}}
      end

    {[container_header(length(pairs), 0x80, 0xDE, 0xDF) | Enum.map(pairs, &elem(&1, 0))],
     :maps.from_list(Enum.map(pairs, &elem(&1, 1)))}
  end

  defp container_header(count, fix, tag16, tag32) do
    Enum.random(Enum.filter([count < 16 && <<fix + count>>, <<tag16, count::16>>, <<tag32, count::32>>], & &1))
  end

  # `depth` containers, each an array or a map (holding the next level as a key or a value)
  defp nested(0), do: {<<0xC0>>, nil}

  defp nested(depth) do
    {inner, term} = nested(depth - 1)

    case :rand.uniform(3) do
      1 -> {<<0x91>> <> inner, [term]}
      2 -> {<<0x81, 0xA1, "k">> <> inner, %{"k" => term}}
      3 -> {<<0x81>> <> inner <> <<0x01>>, %{term => 1}}
    end
  end

  @code_points [?a, ?Z, ?0, ?\s, 0, 0x7F, 0xE9, 0x3B1, 0x20AC, 0xFFFD, 0x1F600]

  defp random_text, do: random_utf8(Enum.random([0, 1, 5, 31, 32, 100]))

  defp random_utf8(count), do: for(_ <- 1..count//1, into: "", do: <<Enum.random(@code_points)::utf8>>)

  defp flip_bits(bytes, 0), do: bytes

  defp flip_bits(bytes, flips) do
    bit = :rand.uniform(byte_size(bytes) * 8) - 1
    <<before::bitstring-size(bit), b::1, rest::bitstring>> = bytes
    flip_bits(<<before::bitstring, 1 - b::1, rest::bitstring>>, flips - 1)
  end
end
