defmodule Jobs.Config do
  @moduledoc """
  Settings of the `:jobs` application, and the pure arithmetic the variants rely on.

  Every setting is an application environment key of `:jobs` (defaults in `mix.exs`), so a
  netsplit scenario overrides it with `cluster.app.config: { jobs: { key: value } }`.

  | key                   | default  | meaning                                                        |
  |-----------------------|----------|----------------------------------------------------------------|
  | `variant`             | `:naive` | `:naive` or `:fixed` (atoms, or the strings `"naive"`/`"fixed"`) |
  | `nodes`               | `[]`     | the expected cluster when `JOBS_NODES` is not set              |
  | `connect`             | `false`  | form the cluster ourselves (also `JOBS_CONNECT=true`)          |
  | `feed_every_ms`       | `100`    | the built-in load generator's period; `0`/`false` disables it  |
  | `work_ms`             | `300`    | how long a worker takes per job (simulated work)               |
  | `submit_timeout_ms`   | `1000`   | timeout of `Jobs.submit/1`'s call to the coordinator           |
  | `dispatch_timeout_ms` | `2000`   | how long the coordinator waits for a worker's answer           |
  | `resubmit_after_ms`   | `2000`   | fixed: the journal re-submits jobs not done after this long    |
  | `takeover_after_ms`   | `1000`   | fixed: quorum held this long, with no coordinator, before starting one |
  | `lost_after_ms`       | `5000`   | a job not done this long after acceptance counts as lost       |

  Environment variables: `JOBS_NODES` (comma-separated full node names of the whole cluster,
  e.g. netsplit's `"{nodes}"`) and `JOBS_CONNECT` (`true`/`1` to connect to them periodically).
  """

  @type variant :: :naive | :fixed

  @doc "A setting of the `:jobs` application."
  @spec get(atom()) :: term()
  def get(key), do: Application.get_env(:jobs, key)

  @doc "A millisecond setting, `0` when unset or disabled."
  @spec ms(atom()) :: non_neg_integer()
  def ms(key) do
    case get(key) do
      n when is_integer(n) and n > 0 ->
        n

      s when is_binary(s) ->
        s
        |> String.trim()
        |> Integer.parse()
        |> then(fn
          {n, ""} when n > 0 -> n
          _ -> 0
        end)

      _ ->
        0
    end
  end

  @doc "The configured variant (raises on a value that is neither naive nor fixed)."
  @spec variant() :: variant()
  def variant do
    case parse_variant(get(:variant)) do
      {:ok, variant} -> variant
      {:error, reason} -> raise ArgumentError, reason
    end
  end

  @doc """
  Parses a variant as the harness may pass it: an atom, or a YAML string (`"fixed"`, `":fixed"`).

      iex> Jobs.Config.parse_variant("fixed")
      {:ok, :fixed}
      iex> Jobs.Config.parse_variant(nil)
      {:ok, :naive}
  """
  @spec parse_variant(term()) :: {:ok, variant()} | {:error, String.t()}
  def parse_variant(nil), do: {:ok, :naive}
  def parse_variant(v) when v in [:naive, :fixed], do: {:ok, v}

  def parse_variant(v) when is_binary(v) do
    case v |> String.trim() |> String.trim_leading(":") |> String.downcase() do
      "naive" -> {:ok, :naive}
      "fixed" -> {:ok, :fixed}
      _ -> {:error, "jobs: variant must be :naive or :fixed, got #{inspect(v)}"}
    end
  end

  def parse_variant(v), do: {:error, "jobs: variant must be :naive or :fixed, got #{inspect(v)}"}

  @doc """
  The whole expected cluster, this node included: `JOBS_NODES`, else the `nodes` setting,
  else this node alone (a single node is its own majority).
  """
  @spec expected_nodes() :: [node()]
  def expected_nodes do
    listed =
      case System.get_env("JOBS_NODES") do
        s when is_binary(s) and s != "" -> parse_nodes(s)
        _ -> parse_nodes(get(:nodes) || [])
      end

    Enum.sort(Enum.uniq([node() | listed]))
  end

  @doc """
  Node names from a comma/space-separated string or a list of atoms/strings.

      iex> Jobs.Config.parse_nodes("n1@127.0.0.1, n2@127.0.0.1")
      [:"n1@127.0.0.1", :"n2@127.0.0.1"]
  """
  @spec parse_nodes(String.t() | [atom() | String.t()]) :: [node()]
  def parse_nodes(s) when is_binary(s), do: s |> String.split([",", " "], trim: true) |> parse_nodes()

  def parse_nodes(list) when is_list(list) do
    list
    |> Enum.map(fn
      a when is_atom(a) -> a
      s when is_binary(s) -> s |> String.trim() |> String.trim_leading(":") |> String.to_atom()
    end)
    |> Enum.reject(&(&1 in [nil, :""]))
    |> Enum.uniq()
  end

  @doc "Whether the app forms the cluster itself (`JOBS_CONNECT` or the `connect` setting)."
  @spec connect?() :: boolean()
  def connect? do
    case System.get_env("JOBS_CONNECT") do
      nil -> get(:connect) in [true, "true"]
      s -> String.downcase(String.trim(s)) in ["true", "1", "yes"]
    end
  end

  @doc """
  The majority of `size` nodes: more than half.

      iex> Enum.map(1..5, &Jobs.Config.quorum/1)
      [1, 2, 2, 3, 3]
  """
  @spec quorum(pos_integer()) :: pos_integer()
  def quorum(size) when is_integer(size) and size > 0, do: div(size, 2) + 1

  @doc "Whether `visible` (nodes this one can reach, itself included) is a majority of `expected`."
  @spec majority?([node()], [node()]) :: boolean()
  def majority?(visible, expected) do
    seen = Enum.count(Enum.uniq(visible), &(&1 in expected))
    seen >= quorum(max(length(expected), 1))
  end

  @doc """
  The node that should host the coordinator (fixed variant): the lowest name among the expected
  nodes this node sees, if they are a majority; `nil` otherwise.

      iex> Jobs.Config.preferred_host([:"n3@h", :"n2@h"], [:"n1@h", :"n2@h", :"n3@h"])
      :"n2@h"
      iex> Jobs.Config.preferred_host([:"n3@h"], [:"n1@h", :"n2@h", :"n3@h"])
      nil
  """
  @spec preferred_host([node()], [node()]) :: node() | nil
  def preferred_host(visible, expected) do
    if majority?(visible, expected), do: visible |> Enum.filter(&(&1 in expected)) |> Enum.min(), else: nil
  end

  @doc "The expected nodes this node currently reaches, itself included."
  @spec visible_nodes() :: [node()]
  def visible_nodes do
    expected = expected_nodes()
    Enum.filter([node() | Node.list()], &(&1 in expected))
  end

  @doc "Whether this node currently sees a majority of the expected cluster."
  @spec quorum?() :: boolean()
  def quorum?, do: majority?(visible_nodes(), expected_nodes())
end
