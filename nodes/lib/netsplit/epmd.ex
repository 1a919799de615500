defmodule Netsplit.Epmd do
  @moduledoc """
  An EPMD replacement that routes every peer through its own Toxiproxy proxy.

  Started with `-start_epmd false -epmd_module Elixir.Netsplit.Epmd`. No epmd daemon is used:
  this node listens on the fixed port in `NETSPLIT_DIST_PORT`, and resolving a peer returns the
  address of the proxy `<self>_to_<peer>` taken from `NETSPLIT_ROUTES`
  (`n2@127.0.0.1=127.0.0.1:40001,n3@127.0.0.1=127.0.0.1:40002`), or given later through
  `set_routes/1` (the local runtime sends them on stdin, see `Netsplit.Agent`). A peer that has
  no route is unreachable by construction, so no distribution traffic can bypass Toxiproxy.

  With `NETSPLIT_EPMD=daemon` (every node of the local runtime), the node also
  registers its own name and port with the run's own epmd daemon (`ERL_EPMD_PORT`, on loopback),
  and `names/1` and the port of its own name come from it: a server that checks epmd for itself
  at boot (RabbitMQ calls `:erl_epmd.port_please/2` for its own name) finds itself there. Peers
  resolve only to their proxies (a peer without a route yet is unreachable, never looked up).

  These callbacks run while the kernel boots, before the file server exists: configuration comes
  from the OS environment only.
  """

  @dist_version 6

  # The local runtime starts the run's epmd daemon while the nodes boot: a node that registers
  # before it listens retries for a moment instead of failing its distribution.
  @daemon_wait_ms 5000

  @spec start_link() :: :ignore | {:ok, pid()} | {:error, term()}
  def start_link do
    # a run's own epmd daemon (ERL_EPMD_PORT): OTP's client, for this node's own registration
    if daemon?(), do: :erl_epmd.start_link(), else: :ignore
  end

  # NETSPLIT_EPMD=daemon: the node registers its own name and port with the run's epmd daemon
  # (ERL_EPMD_PORT, on loopback), so a server that asks epmd about itself (`names/1`, a direct
  # `:erl_epmd.port_please/2` of its own name) finds it; its peers still resolve to their proxies.
  defp daemon?, do: System.get_env("NETSPLIT_EPMD") == "daemon"

  # register_node runs inside net_kernel's start, before it accepts any connection: the run's
  # cookie (NETSPLIT_COOKIE_FILE) replaces whatever the command line gave (a release's --cookie)
  @spec register_node(charlist() | String.t(), non_neg_integer()) ::
          {:ok, integer()} | {:error, term()}
  def register_node(name, port), do: register_node(name, port, :inet)

  @spec register_node(charlist() | String.t(), non_neg_integer(), atom()) ::
          {:ok, integer()} | {:error, term()}
  def register_node(name, port, family) do
    case apply_run_cookie() do
      :ok -> if daemon?(), do: register_with_daemon(name, port, family, @daemon_wait_ms), else: {:ok, -1}
      {:error, why} -> {:error, {:netsplit_cookie, why}}
    end
  end

  defp register_with_daemon(name, port, family, wait_ms) do
    case :erl_epmd.register_node(name, port, family) do
      {:ok, _} = ok ->
        ok

      {:error, _} = error when wait_ms <= 0 ->
        error

      {:error, _} ->
        Process.sleep(20)
        register_with_daemon(name, port, family, wait_ms - 20)
    end
  end

  @doc """
  Sets this node's cookie from the file named by `NETSPLIT_COOKIE_FILE` (nodes netsplit does not
  start itself, whose command line may carry another cookie). No variable: nothing to do.
  Runs while the kernel boots too: `prim_file`, nothing that needs the file server.
  """
  @spec apply_run_cookie() :: :ok | {:error, String.t()}
  def apply_run_cookie do
    case System.get_env("NETSPLIT_COOKIE_FILE") do
      nil ->
        :ok

      file ->
        case :prim_file.read_file(file) do
          {:ok, text} ->
            cookie = text |> :string.trim() |> :erlang.binary_to_atom(:utf8)
            true = :erlang.set_cookie(cookie)
            :ok

          {:error, reason} ->
            {:error,
             "cannot read the run's cookie file #{file} (NETSPLIT_COOKIE_FILE): #{inspect(reason)}"}
        end
    end
  end

  @spec listen_port_please(charlist(), charlist()) :: {:ok, non_neg_integer()}
  def listen_port_please(_name, _host) do
    case System.get_env("NETSPLIT_DIST_PORT") do
      nil -> {:ok, 0}
      port -> {:ok, String.to_integer(port)}
    end
  end

  @spec port_please(charlist(), term()) :: {:port, non_neg_integer(), pos_integer()} | :noport
  def port_please(name, host), do: port_please(name, host, :infinity)

  @spec port_please(charlist(), term(), timeout()) ::
          {:port, non_neg_integer(), pos_integer()} | :noport
  def port_please(name, host, timeout) do
    case route(name, host) do
      {:ok, _ip, port} -> {:port, port, @dist_version}
      :error -> if daemon?() and own_name?(name), do: :erl_epmd.port_please(name, host, timeout), else: :noport
    end
  end

  # Only this node's own name is looked up in the run's daemon: a peer without a route (routes
  # still on their way from stdin) stays unreachable rather than resolve to its real port, which
  # would bypass its proxy.
  defp own_name?(name) do
    name = to_string(name)
    own = node() |> Atom.to_string() |> String.split("@") |> hd()
    name == own or name == System.get_env("NETSPLIT_NODE")
  end

  @spec address_please(charlist(), charlist(), atom()) ::
          {:ok, :inet.ip_address(), non_neg_integer(), pos_integer()} | {:error, term()}
  def address_please(name, host, family) do
    with {:ok, proxy_host, port} <- route(name, host),
         {:ok, ip} <- :inet.getaddr(String.to_charlist(proxy_host), family) do
      {:ok, ip, port, @dist_version}
    else
      :error -> {:error, :no_netsplit_route}
      {:error, reason} -> {:error, reason}
    end
  end

  @spec names(term()) :: {:ok, [{charlist(), non_neg_integer()}]} | {:error, term()}
  def names(host \\ nil) do
    cond do
      not daemon?() -> {:error, :address}
      host == nil -> :erl_epmd.names()
      true -> :erl_epmd.names(host)
    end
  end

  @doc """
  Parsed routes: full peer node name (string) => {proxy host, proxy port}. From
  `NETSPLIT_ROUTES`, or, with `NETSPLIT_ROUTES_FROM=stdin`, from `set_routes/1` (no routes
  until then: every peer is unreachable).
  """
  @spec routes() :: %{String.t() => {String.t(), non_neg_integer()}}
  def routes do
    case :persistent_term.get({__MODULE__, :routes}, nil) do
      nil ->
        if System.get_env("NETSPLIT_ROUTES_FROM") == "stdin",
          do: %{},
          else: set_routes(System.get_env("NETSPLIT_ROUTES", ""))

      parsed ->
        parsed
    end
  end

  defp await_routes(deadline) do
    case :persistent_term.get({__MODULE__, :routes}, nil) do
      nil ->
        if System.get_env("NETSPLIT_ROUTES_FROM") == "stdin" and
             System.monotonic_time(:millisecond) < deadline do
          Process.sleep(5)
          await_routes(deadline)
        else
          routes()
        end

      parsed ->
        parsed
    end
  end

  @doc "Sets the routes from text in the `NETSPLIT_ROUTES` format; returns them parsed."
  @spec set_routes(String.t()) :: %{String.t() => {String.t(), non_neg_integer()}}
  def set_routes(text) do
    parsed = parse_routes(text)
    :persistent_term.put({__MODULE__, :routes}, parsed)
    parsed
  end

  @doc false
  @spec parse_routes(String.t()) :: %{String.t() => {String.t(), non_neg_integer()}}
  # :binary and :lists rather than String.split (which loads Keyword for its options) and `for`
  # (Enum.reduce/3): every node parses its routes before it is ready, and every module it loads
  # then costs CPU time (JIT-compiled at load)
  def parse_routes(text) do
    :lists.foldl(
      fn entry, acc ->
        with [node, target] <- :binary.split(entry, "="),
             {:ok, host, port} <- parse_target(target) do
          :maps.put(node, {host, port}, acc)
        else
          _ -> acc
        end
      end,
      %{},
      :binary.split(text, ",", [:global, :trim_all])
    )
  end

  defp parse_target(target) do
    case :binary.split(target, ":", [:global]) do
      [host, port] -> {:ok, host, :erlang.binary_to_integer(port)}
      _ -> :error
    end
  catch
    :error, :badarg -> :error
  end

  # "name@host" (each a charlist, a binary or an atom), without String.Chars
  defp node_key(name, host), do: :erlang.iolist_to_binary([text(name), ?@, text(host)])

  defp text(atom) when is_atom(atom), do: :erlang.atom_to_binary(atom, :utf8)
  defp text(chars), do: :unicode.characters_to_binary(chars)

  # Routes that come on stdin can lag a peer's incoming connection by a few ms during the boot,
  # and :global (connect_all) dials the peer's peers at once: wait for them rather than fail
  # the dial, which :global would answer by disconnecting nodes to prevent overlapping partitions.
  @route_wait_ms 1000

  defp route(name, host) do
    case :maps.find(node_key(name, host), await_routes(System.monotonic_time(:millisecond) + @route_wait_ms)) do
      {:ok, {proxy_host, port}} -> {:ok, proxy_host, port}
      :error -> :error
    end
  end
end
