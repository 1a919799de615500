defmodule Netsplit.Agent.ConnSecretTest do
  # the control secret check (a hello's secret), without :crypto
  use ExUnit.Case, async: true
  alias Netsplit.Agent.Conn

  @secret "0123456789abcdef0123456789abcdef"

  test "the same secret matches" do
    assert Conn.secret_matches?(@secret, @secret)
    assert Conn.secret_matches?(<<0, 255, 7>>, <<0, 255, 7>>)
  end

  test "any differing byte, wherever it is, does not match" do
    for i <- 0..(byte_size(@secret) - 1) do
      <<head::binary-size(i), byte, tail::binary>> = @secret
      refute Conn.secret_matches?(<<head::binary, Bitwise.bxor(byte, 1), tail::binary>>, @secret)
    end
  end

  test "a prefix, an extension, a repetition or nothing does not match" do
    refute Conn.secret_matches?(binary_part(@secret, 0, 31), @secret)
    refute Conn.secret_matches?(@secret <> "0", @secret)
    # every byte agrees with the secret cycled: only the length tells them apart
    refute Conn.secret_matches?(@secret <> @secret, @secret)
    refute Conn.secret_matches?("", @secret)
  end

  test "an empty secret matches nothing" do
    refute Conn.secret_matches?("", "")
    refute Conn.secret_matches?("x", "")
  end
end
