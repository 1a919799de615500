defmodule Netsplit.Agent.Conn do
  @moduledoc false
  # One control connection (docs/PROTOCOL.md). The first frame must be `hello` with the run's
  # secret, within @hello_timeout ms; after that, requests are dispatched to
  # `Netsplit.Agent.Ops`, each in a process of its own, and events are pushed as they happen.
  #
  # Input is hostile until the secret is shown, and never trusted to be well formed after:
  #
  #   * frames are cut by the inet driver (`packet: 4`), which refuses a length header above
  #     `packet_size` before reading or allocating the body. Before hello the limit is
  #     @pre_auth_max_frame (a hello is ~100 bytes; a small limit bounds what an unauthenticated
  #     client can make the decoder build), after it @max_frame;
  #   * a frame that cannot be answered (undecodable, not a map, no integer id, anything before
  #     hello but hello with the right secret) drops the connection; a request with an integer
  #     id that is otherwise bad (op not a string, args not a map, unknown op, bad arguments)
  #     gets an error reply and the connection stays;
  #   * every drop is logged with the client's address and the reason, never with the secret.
  #
  # A connection is its own unlinked process: whatever happens to it, the node carries on.
  #
  # The harness connects before the cluster is ready (hello, view, connect_all): OTP calls
  # (:gen_server, :maps, :erlang) rather than Elixir's GenServer, Map, Process or Task modules,
  # each of which would be loaded, at a CPU cost, on every node before it is ready.
  use GenServer, restart: :temporary
  require Netsplit.Agent.Log, as: Log

  @hello_timeout 5_000
  @pre_auth_max_frame 64 * 1024
  @max_frame 8 * 1024 * 1024

  @doc "The largest frame body accepted before hello, in bytes."
  def pre_auth_max_frame, do: @pre_auth_max_frame

  @doc "The largest frame body accepted after hello, in bytes."
  def max_frame, do: @max_frame

  def start(socket, secret), do: :gen_server.start(__MODULE__, {socket, secret}, [])

  @impl true
  def init({socket, secret}) do
    {:ok, %{socket: socket, secret: secret, authed: false, timer: nil, peer: "unknown peer"}}
  end

  @impl true
  def handle_info(:go, state) do
    timer = :erlang.send_after(@hello_timeout, self(), :hello_timeout)
    state = %{state | timer: timer, peer: peer_text(state.socket)}
    :inet.setopts(state.socket, active: :once)
    {:noreply, state}
  end

  def handle_info(:hello_timeout, %{authed: false} = state) do
    drop(state, "no hello within #{@hello_timeout} ms")
  end

  def handle_info(:hello_timeout, state), do: {:noreply, state}

  def handle_info({:tcp, _socket, data}, state) do
    result =
      case Netsplit.MsgPack.decode(data) do
        {:ok, %{} = frame} -> handle_frame(frame, state)
        {:ok, other} -> drop(state, "frame is not a map: #{brief(other)}")
        {:error, reason} -> drop(state, "undecodable frame of #{byte_size(data)} bytes: #{inspect(reason)}")
      end

    # the socket is passive until re-armed here, so a frame after hello is cut with the
    # post-hello limit
    case result do
      {:noreply, %{authed: true} = new_state} when not state.authed ->
        :inet.setopts(new_state.socket, packet_size: @max_frame, active: :once)
        result

      {:noreply, new_state} ->
        :inet.setopts(new_state.socket, active: :once)
        result

      stop ->
        stop
    end
  end

  def handle_info({:tcp_closed, _}, %{authed: false} = state) do
    Log.warning("netsplit control: #{state.peer} closed the connection before hello")
    {:stop, :normal, state}
  end

  def handle_info({:tcp_closed, _}, state) do
    Log.info("netsplit control: #{state.peer} closed the connection")
    {:stop, :normal, state}
  end

  def handle_info({:tcp_error, _, :emsgsize}, state) do
    limit = if state.authed, do: "#{@max_frame}-byte limit", else: "#{@pre_auth_max_frame}-byte limit before hello"
    drop(state, "frame header announces more than the #{limit}")
  end

  def handle_info({:tcp_error, _, reason}, state) do
    drop(state, "socket error: #{inspect(reason)}")
  end

  def handle_info({:netsplit_event, event}, state) do
    send_frame(state, event)
    {:noreply, state}
  end

  def handle_info({:reply, id, result}, state) do
    send_frame(state, reply(id, result))
    {:noreply, state}
  end

  def handle_info(_other, state), do: {:noreply, state}

  defp handle_frame(frame, %{authed: false} = state) do
    case check_hello(frame, state.secret) do
      :ok ->
        if state.timer, do: :erlang.cancel_timer(state.timer)
        Netsplit.Agent.Events.subscribe()
        send_frame(state, reply(reply_id(frame), {:ok, Netsplit.Agent.Ops.hello()}))
        {:noreply, %{state | authed: true, timer: nil}}

      {:refused, why} ->
        Log.warning("netsplit control: refused #{state.peer}: #{why}")
        send_frame(state, %{"id" => reply_id(frame), "ok" => false, "error" => "unauthorized"})
        {:stop, :normal, state}
    end
  end

  defp handle_frame(%{"id" => id, "op" => "hello"}, state) when is_integer(id) do
    send_frame(state, reply(id, {:error, "already authenticated: hello is only the first frame"}))
    {:noreply, state}
  end

  defp handle_frame(%{"id" => id, "op" => op} = frame, state) when is_integer(id) and is_binary(op) do
    args = :maps.get("args", frame, nil) || %{}

    if is_map(args) do
      conn = self()
      # an unlinked process per request: Ops.run/2 never raises, and a slow op never holds up
      # the connection or another op
      spawn(fn -> send(conn, {:reply, id, Netsplit.Agent.Ops.run(op, args)}) end)
    else
      send_frame(state, reply(id, {:error, "args must be a map, got #{brief(args)}"}))
    end

    {:noreply, state}
  end

  defp handle_frame(%{"id" => id} = frame, state) when is_integer(id) do
    send_frame(state, reply(id, {:error, "a request needs a string op, got #{brief(:maps.get("op", frame, nil))}"}))
    {:noreply, state}
  end

  defp handle_frame(frame, state) do
    drop(state, "request without an integer id (no reply can be matched to it): #{brief(frame)}")
  end

  defp check_hello(%{"op" => "hello"} = frame, secret) do
    case :maps.find("secret", frame) do
      :error ->
        {:refused, "hello without a secret"}

      {:ok, given} when not is_binary(given) ->
        {:refused, "hello with a secret that is not a string"}

      {:ok, given} ->
        if secret_matches?(given, secret),
          do: :ok,
          else: {:refused, "hello with a wrong secret"}
    end
  end

  defp check_hello(%{"op" => op}, _secret),
    do: {:refused, "the first frame must be hello, got op #{brief(op)}"}

  defp check_hello(_frame, _secret), do: {:refused, "the first frame must be hello, got a frame without op"}

  @doc false
  # Constant time in the secret: every byte of the given text is compared with the secret's byte
  # at the same position (cycling through the secret), whether or not an earlier one differed,
  # and a length mismatch is folded in at the end; the time depends only on the given text's
  # length (at most the pre-hello frame limit). Plain term operations rather than `:crypto`:
  # loading it (its NIF, OpenSSL) and the first digest cost a node ~35 ms of CPU, paid by every
  # node at the harness's first connection, before the cluster is ready.
  @spec secret_matches?(binary(), binary()) :: boolean()
  def secret_matches?(given, secret) when is_binary(given) and is_binary(secret) and byte_size(secret) > 0 do
    n = byte_size(secret)
    length_diff = if byte_size(given) == n, do: 0, else: 1
    differences(given, secret, 0, n, length_diff) == 0
  end

  def secret_matches?(_given, _secret), do: false

  defp differences(<<byte, rest::binary>>, secret, i, n, acc) do
    differences(rest, secret, i + 1, n, Bitwise.bor(acc, Bitwise.bxor(byte, :binary.at(secret, rem(i, n)))))
  end

  defp differences(<<>>, _secret, _i, _n, acc), do: acc

  defp reply_id(%{"id" => id}) when is_integer(id), do: id
  defp reply_id(_frame), do: 0

  defp drop(state, why) do
    Log.warning("netsplit control: dropping connection from #{state.peer}: #{why}")
    {:stop, :normal, state}
  end

  defp brief(term), do: inspect(term, limit: 5, printable_limit: 64)

  defp peer_text(socket) do
    case :inet.peername(socket) do
      {:ok, {ip, port}} -> :erlang.list_to_binary([:inet.ntoa(ip), ?:, :erlang.integer_to_list(port)])
      _ -> "unknown peer"
    end
  end

  defp reply(id, {:ok, result}), do: %{"id" => id, "ok" => true, "result" => result}
  defp reply(id, {:error, reason}), do: %{"id" => id, "ok" => false, "error" => to_text(reason)}

  defp to_text(reason) when is_binary(reason), do: reason
  defp to_text(reason), do: inspect(reason)

  defp send_frame(state, map) do
    case Netsplit.MsgPack.encode(map) do
      {:ok, data} ->
        :gen_tcp.send(state.socket, data)

      {:error, reason} ->
        Log.error("netsplit control: cannot encode #{inspect(map, limit: 8)}: #{inspect(reason)}")
        if id = map["id"], do: :gen_tcp.send(state.socket, Netsplit.MsgPack.encode!(reply(id, {:error, "unencodable result"})))
    end
  end
end
