defmodule Jobs.Text do
  @moduledoc "The work itself: generated texts, and counting their words."

  @words ~w(the cluster node split heals beam process message queue mailbox global pg
            quorum majority minority leader worker job coordinator tick timeout link
            monitor supervisor restart erlang elixir otp distribution cookie epmd)

  @doc "A random text of 5 to 40 words."
  @spec generate() :: String.t()
  def generate, do: Enum.map_join(1..Enum.random(5..40), " ", fn _ -> Enum.random(@words) end)

  @doc """
  The number of words in `text`.

      iex> Jobs.Text.count_words("  a partition  heals ")
      3
  """
  @spec count_words(String.t()) :: non_neg_integer()
  def count_words(text), do: text |> String.split() |> length()
end
