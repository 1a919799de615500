defmodule Netsplit.MsgPack do
  @moduledoc """
  MessagePack encoder and decoder for the agent's control channel.

  The harness talks to agents in MessagePack (msgpackr on the TypeScript side, configured
  as `new Packr({ useRecords: false, variableMapSize: true })`). The usual Elixir library,
  msgpax, lives on hex.pm, which is unreachable where netsplit is built, and the agent has
  no hex dependencies at all, so this module implements the subset of the format the agent
  needs, with no dependencies beyond OTP.

  ## Encoding

  | Elixir term                         | MessagePack                                  |
  | ----------------------------------- | -------------------------------------------- |
  | `nil`, `true`, `false`              | nil, true, false                             |
  | any other atom                      | str (the atom's name)                        |
  | integer in `-2^63..2^64-1`          | the smallest int format that holds it        |
  | float                               | float 64                                     |
  | binary that is valid UTF-8          | str                                          |
  | any other binary                    | bin                                          |
  | `{:bin, binary}`                    | bin, whatever the bytes are                  |
  | list                                | array                                        |
  | map                                 | map (keys follow the same rules)             |
  | any other tuple                     | array of its elements                        |
  | pid, reference, port                | str of its `inspect/1` form                  |

  Anything else (functions, bitstrings that are not binaries, improper lists, integers
  outside the 64-bit range, `{:bin, non_binary}`) is refused with
  `{:error, {:unsupported, term}}`. Pids, references and ports are encoded as text so that
  diagnostics carrying them never make the encoder fail.

  Map entries are written in the order `Map.to_list/1` gives, which for maps of up to 32
  keys is Erlang term order.

  ## Decoding

  `decode/1` accepts exactly one complete value and every format of the specification:

    * ints of every width decode to integers, float 32 and float 64 to floats;
    * NaN and the infinities, which Erlang floats cannot hold, decode to the atoms
      `:nan`, `:infinity` and `:neg_infinity`;
    * str and bin both decode to binaries;
    * array to list, map to map (a repeated key keeps its last value);
    * ext and fixext to `{:ext, type, data}` with `type` a signed byte, left for the caller
      to interpret (msgpackr writes a `Date` as type -1, the timestamp extension, and
      `undefined` as type 0).

  Input is treated as hostile: a length that is larger than the rest of the input is
  rejected before anything is allocated, containers nested more than 100 deep are
  rejected, and no input makes the decoder raise.
  """

  @typedoc "A term `decode/1` can return."
  @type decoded ::
          nil
          | boolean
          | integer
          | float
          | :nan
          | :infinity
          | :neg_infinity
          | binary
          | [decoded]
          | %{optional(decoded) => decoded}
          | {:ext, -128..127, binary}

  @typedoc """
  Why `decode/1` refused its input.

    * `:truncated` - the input ends inside a value, or declares a length longer than the
      rest of the input;
    * `{:trailing_bytes, count}` - a complete value is followed by `count` more bytes;
    * `:too_deep` - containers are nested more than 100 deep;
    * `{:reserved_byte, 0xC1}` - the input uses the byte the specification never assigns;
    * `:not_a_binary` - the argument is not a binary.
  """
  @type decode_error ::
          :truncated
          | {:trailing_bytes, pos_integer}
          | :too_deep
          | {:reserved_byte, 0xC1}
          | :not_a_binary

  @typedoc "Why `encode/1` refused a term: the smallest part of it that cannot be encoded."
  @type encode_error :: {:unsupported, term}

  @doc """
  Encodes `term` as MessagePack.

      iex> Netsplit.MsgPack.encode(%{"ok" => [1, -1, nil]}) |> elem(1) |> IO.iodata_to_binary()
      <<0x81, 0xA2, "ok", 0x93, 0x01, 0xFF, 0xC0>>

      iex> Netsplit.MsgPack.encode(2 ** 64)
      {:error, {:unsupported, 18446744073709551616}}
  """
  @spec encode(term) :: {:ok, iodata} | {:error, encode_error}
  def encode(term) do
    {:ok, Netsplit.MsgPack.Encoder.value(term)}
  catch
    {__MODULE__, reason} -> {:error, reason}
  end

  @doc """
  Encodes `term` as MessagePack, raising `ArgumentError` if it cannot be encoded.
  """
  @spec encode!(term) :: iodata
  def encode!(term) do
    case encode(term) do
      {:ok, iodata} ->
        iodata

      {:error, {:unsupported, part}} ->
        raise ArgumentError, "cannot encode as MessagePack: #{inspect(part, limit: 20)}"
    end
  end

  @doc """
  Decodes exactly one MessagePack value that fills the whole of `binary`.

      iex> Netsplit.MsgPack.decode(<<0x92, 0x01, 0xA1, "a">>)
      {:ok, [1, "a"]}

      iex> Netsplit.MsgPack.decode(<<0x92, 0x01>>)
      {:error, :truncated}
  """
  @spec decode(binary) :: {:ok, decoded} | {:error, decode_error}
  def decode(binary) when is_binary(binary) do
    case Netsplit.MsgPack.Decoder.decode(binary) do
      {term, <<>>} -> {:ok, term}
      {_term, rest} -> {:error, {:trailing_bytes, byte_size(rest)}}
    end
  catch
    {__MODULE__, reason} -> {:error, reason}
  end

  def decode(_other), do: {:error, :not_a_binary}
end

defmodule Netsplit.MsgPack.Encoder do
  @moduledoc false

  @spec value(term) :: iodata
  def value(nil), do: <<0xC0>>
  def value(false), do: <<0xC2>>
  def value(true), do: <<0xC3>>
  def value(atom) when is_atom(atom), do: str(Atom.to_string(atom))
  def value(int) when is_integer(int), do: integer(int)
  def value(float) when is_float(float), do: <<0xCB, float::float-64>>

  def value(binary) when is_binary(binary) do
    if String.valid?(binary), do: str(binary), else: bin(binary)
  end

  def value(list) when is_list(list), do: array(list, 0, [])
  def value(map) when is_map(map), do: map(map)
  def value({:bin, binary}) when is_binary(binary), do: bin(binary)
  def value({:bin, _} = tagged), do: unsupported(tagged)
  def value(tuple) when is_tuple(tuple), do: array(Tuple.to_list(tuple), 0, [])

  def value(opaque) when is_pid(opaque) or is_reference(opaque) or is_port(opaque),
    do: str(inspect(opaque))

  def value(other), do: unsupported(other)

  defp integer(n) when n >= 0 and n < 0x80, do: <<n>>
  defp integer(n) when n >= 0 and n < 0x100, do: <<0xCC, n>>
  defp integer(n) when n >= 0 and n < 0x10000, do: <<0xCD, n::16>>
  defp integer(n) when n >= 0 and n < 0x1_0000_0000, do: <<0xCE, n::32>>
  defp integer(n) when n >= 0 and n < 0x1_0000_0000_0000_0000, do: <<0xCF, n::64>>
  defp integer(n) when n >= -0x20 and n < 0, do: <<n::signed-8>>
  defp integer(n) when n >= -0x80 and n < 0, do: <<0xD0, n::signed-8>>
  defp integer(n) when n >= -0x8000 and n < 0, do: <<0xD1, n::signed-16>>
  defp integer(n) when n >= -0x8000_0000 and n < 0, do: <<0xD2, n::signed-32>>
  defp integer(n) when n >= -0x8000_0000_0000_0000 and n < 0, do: <<0xD3, n::signed-64>>
  defp integer(n), do: unsupported(n)

  defp str(s) do
    case byte_size(s) do
      size when size < 0x20 -> [<<0xA0 + size>>, s]
      size when size < 0x100 -> [<<0xD9, size>>, s]
      size when size < 0x10000 -> [<<0xDA, size::16>>, s]
      size when size < 0x1_0000_0000 -> [<<0xDB, size::32>>, s]
      _ -> unsupported(s)
    end
  end

  defp bin(b) do
    case byte_size(b) do
      size when size < 0x100 -> [<<0xC4, size>>, b]
      size when size < 0x10000 -> [<<0xC5, size::16>>, b]
      size when size < 0x1_0000_0000 -> [<<0xC6, size::32>>, b]
      _ -> unsupported({:bin, b})
    end
  end

  defp array([item | items], count, acc), do: array(items, count + 1, [value(item) | acc])

  defp array([], count, acc),
    do: [container_header(count, 0x90, 0xDC, 0xDD) | :lists.reverse(acc)]

  defp array(improper_tail, _count, _acc), do: unsupported(improper_tail)

  defp map(map) do
    entries = for {key, val} <- map, do: [value(key), value(val)]
    [container_header(map_size(map), 0x80, 0xDE, 0xDF) | entries]
  end

  defp container_header(count, fix, _, _) when count < 0x10, do: <<fix + count>>
  defp container_header(count, _, tag16, _) when count < 0x10000, do: <<tag16, count::16>>
  defp container_header(count, _, _, tag32) when count < 0x1_0000_0000, do: <<tag32, count::32>>
  defp container_header(count, _, _, _), do: unsupported({:container_of_size, count})

  defp unsupported(term), do: throw({Netsplit.MsgPack, {:unsupported, term}})
end

defmodule Netsplit.MsgPack.Decoder do
  @moduledoc false

  # `value/3` reads the value at the head of the input and hands it, with the input after it,
  # to `push/4`, which adds it to the innermost open container on `stack`, or returns it when
  # no container is open. Open containers are frames:
  #
  #   {:array, left, items}       `left` more items to read; `items` reversed
  #   {:key, left, pairs}         `left` more entries to read; `pairs` reversed
  #   {:value, left, key, pairs}  the value for `key` comes next
  #
  # The input is never stored, only matched at its head and passed on, so the compiler can
  # keep one match context for the whole decode instead of making a sub-binary per value. For
  # that, every function the input is passed to begins by matching it, hence the
  # `<<rest::binary>>` heads of `push/4`, `array/4` and `map/4`.
  # Errors are thrown as `{Netsplit.MsgPack, reason}`.

  @max_depth 100

  @type frame ::
          {:array, pos_integer, [term]}
          | {:key, pos_integer, [{term, term}]}
          | {:value, pos_integer, term, [{term, term}]}

  @spec decode(binary) :: {Netsplit.MsgPack.decoded(), binary}
  def decode(binary), do: value(binary, [], 0)

  @spec value(binary, [frame], non_neg_integer) :: {Netsplit.MsgPack.decoded(), binary}
  defp value(<<0::1, n::7, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0b111::3, n::5, rest::binary>>, stack, depth), do: push(rest, stack, depth, n - 32)

  defp value(<<0b101::3, size::5, rest::binary>>, stack, depth),
    do: bytes(rest, stack, depth, size)

  defp value(<<0b1001::4, count::4, rest::binary>>, stack, depth),
    do: array(rest, stack, depth, count)

  defp value(<<0b1000::4, count::4, rest::binary>>, stack, depth),
    do: map(rest, stack, depth, count)

  defp value(<<0xC0, rest::binary>>, stack, depth), do: push(rest, stack, depth, nil)
  defp value(<<0xC2, rest::binary>>, stack, depth), do: push(rest, stack, depth, false)
  defp value(<<0xC3, rest::binary>>, stack, depth), do: push(rest, stack, depth, true)

  defp value(<<0xCC, n::8, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0xCD, n::16, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0xCE, n::32, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0xCF, n::64, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0xD0, n::signed-8, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0xD1, n::signed-16, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0xD2, n::signed-32, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)
  defp value(<<0xD3, n::signed-64, rest::binary>>, stack, depth), do: push(rest, stack, depth, n)

  defp value(<<0xCA, f::float-32, rest::binary>>, stack, depth), do: push(rest, stack, depth, f)

  defp value(<<0xCA, sign::1, 0xFF::8, fraction::23, rest::binary>>, stack, depth),
    do: push(rest, stack, depth, non_finite(sign, fraction))

  defp value(<<0xCB, f::float-64, rest::binary>>, stack, depth), do: push(rest, stack, depth, f)

  defp value(<<0xCB, sign::1, 0x7FF::11, fraction::52, rest::binary>>, stack, depth),
    do: push(rest, stack, depth, non_finite(sign, fraction))

  defp value(<<0xD9, size::8, rest::binary>>, stack, depth), do: bytes(rest, stack, depth, size)
  defp value(<<0xDA, size::16, rest::binary>>, stack, depth), do: bytes(rest, stack, depth, size)
  defp value(<<0xDB, size::32, rest::binary>>, stack, depth), do: bytes(rest, stack, depth, size)
  defp value(<<0xC4, size::8, rest::binary>>, stack, depth), do: bytes(rest, stack, depth, size)
  defp value(<<0xC5, size::16, rest::binary>>, stack, depth), do: bytes(rest, stack, depth, size)
  defp value(<<0xC6, size::32, rest::binary>>, stack, depth), do: bytes(rest, stack, depth, size)

  defp value(<<0xDC, count::16, rest::binary>>, stack, depth),
    do: array(rest, stack, depth, count)

  defp value(<<0xDD, count::32, rest::binary>>, stack, depth),
    do: array(rest, stack, depth, count)

  defp value(<<0xDE, count::16, rest::binary>>, stack, depth), do: map(rest, stack, depth, count)
  defp value(<<0xDF, count::32, rest::binary>>, stack, depth), do: map(rest, stack, depth, count)

  defp value(<<0xD4, rest::binary>>, stack, depth), do: ext(rest, stack, depth, 1)
  defp value(<<0xD5, rest::binary>>, stack, depth), do: ext(rest, stack, depth, 2)
  defp value(<<0xD6, rest::binary>>, stack, depth), do: ext(rest, stack, depth, 4)
  defp value(<<0xD7, rest::binary>>, stack, depth), do: ext(rest, stack, depth, 8)
  defp value(<<0xD8, rest::binary>>, stack, depth), do: ext(rest, stack, depth, 16)
  defp value(<<0xC7, size::8, rest::binary>>, stack, depth), do: ext(rest, stack, depth, size)
  defp value(<<0xC8, size::16, rest::binary>>, stack, depth), do: ext(rest, stack, depth, size)
  defp value(<<0xC9, size::32, rest::binary>>, stack, depth), do: ext(rest, stack, depth, size)

  defp value(<<0xC1, _::binary>>, _stack, _depth), do: fail({:reserved_byte, 0xC1})
  defp value(_incomplete, _stack, _depth), do: fail(:truncated)

  defp push(<<rest::binary>>, [], _depth, term), do: {term, rest}

  defp push(<<rest::binary>>, [{:array, 1, items} | stack], depth, term),
    do: push(rest, stack, depth - 1, :lists.reverse(items, [term]))

  defp push(<<rest::binary>>, [{:array, left, items} | stack], depth, term),
    do: value(rest, [{:array, left - 1, [term | items]} | stack], depth)

  defp push(<<rest::binary>>, [{:key, left, pairs} | stack], depth, term),
    do: value(rest, [{:value, left, term, pairs} | stack], depth)

  defp push(<<rest::binary>>, [{:value, 1, key, pairs} | stack], depth, term),
    do: push(rest, stack, depth - 1, :maps.from_list(:lists.reverse(pairs, [{key, term}])))

  defp push(<<rest::binary>>, [{:value, left, key, pairs} | stack], depth, term),
    do: value(rest, [{:key, left - 1, [{key, term} | pairs]} | stack], depth)

  defp bytes(rest, stack, depth, size) do
    case rest do
      <<bytes::binary-size(size), rest::binary>> -> push(rest, stack, depth, bytes)
      _too_short -> fail(:truncated)
    end
  end

  defp ext(rest, stack, depth, size) do
    case rest do
      <<type::signed-8, data::binary-size(size), rest::binary>> ->
        push(rest, stack, depth, {:ext, type, data})

      _too_short ->
        fail(:truncated)
    end
  end

  defp array(<<_rest::binary>>, _stack, depth, _count) when depth >= @max_depth,
    do: fail(:too_deep)

  defp array(<<rest::binary>>, stack, depth, 0), do: push(rest, stack, depth, [])

  defp array(<<rest::binary>>, _stack, _depth, count) when count > byte_size(rest),
    do: fail(:truncated)

  defp array(<<rest::binary>>, stack, depth, count),
    do: value(rest, [{:array, count, []} | stack], depth + 1)

  defp map(<<_rest::binary>>, _stack, depth, _count) when depth >= @max_depth, do: fail(:too_deep)
  defp map(<<rest::binary>>, stack, depth, 0), do: push(rest, stack, depth, %{})

  defp map(<<rest::binary>>, _stack, _depth, count) when 2 * count > byte_size(rest),
    do: fail(:truncated)

  defp map(<<rest::binary>>, stack, depth, count),
    do: value(rest, [{:key, count, []} | stack], depth + 1)

  defp non_finite(_sign, fraction) when fraction != 0, do: :nan
  defp non_finite(0, 0), do: :infinity
  defp non_finite(1, 0), do: :neg_infinity

  defp fail(reason), do: throw({Netsplit.MsgPack, reason})
end
