defmodule Netsplit.Agent.Conn do
  @moduledoc false
  # One control connection. The first frame must be `hello` with the run's secret (within
  # @hello_timeout ms); after that, requests are dispatched to `Netsplit.Agent.Ops` in tasks and
  # events are pushed as they happen. Bad input is logged and drops the connection; it never
  # takes the node down.
  use GenServer, restart: :temporary
  require Logger

  @hello_timeout 5_000

  def start(socket, secret), do: GenServer.start(__MODULE__, {socket, secret})

  @impl true
  def init({socket, secret}) do
    {:ok, %{socket: socket, secret: secret, authed: false, timer: nil}}
  end

  @impl true
  def handle_info(:go, state) do
    timer = Process.send_after(self(), :hello_timeout, @hello_timeout)
    :inet.setopts(state.socket, active: :once)
    {:noreply, %{state | timer: timer}}
  end

  def handle_info(:hello_timeout, %{authed: false} = state) do
    Logger.warning("netsplit control: no hello within #{@hello_timeout} ms, closing")
    {:stop, :normal, state}
  end

  def handle_info(:hello_timeout, state), do: {:noreply, state}

  def handle_info({:tcp, socket, data}, state) do
    :inet.setopts(socket, active: :once)

    case Netsplit.MsgPack.decode(data) do
      {:ok, %{} = frame} -> handle_frame(frame, state)
      {:ok, other} -> drop(state, "frame is not a map: #{inspect(other, limit: 5)}")
      {:error, reason} -> drop(state, "undecodable frame: #{inspect(reason)}")
    end
  end

  def handle_info({:tcp_closed, _}, state), do: {:stop, :normal, state}

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

  defp handle_frame(%{"op" => "hello", "secret" => secret} = frame, %{authed: false} = state)
       when is_binary(secret) do
    if byte_size(secret) == byte_size(state.secret) and :crypto.hash_equals(secret, state.secret) do
      Netsplit.Agent.Events.subscribe()
      send_frame(state, reply(frame["id"], {:ok, Netsplit.Agent.Ops.hello()}))
      {:noreply, %{state | authed: true}}
    else
      refuse(frame, state)
    end
  end

  defp handle_frame(frame, %{authed: false} = state), do: refuse(frame, state)

  defp handle_frame(%{"id" => id, "op" => op} = frame, state) when is_integer(id) and is_binary(op) do
    args = Map.get(frame, "args") || %{}

    if is_map(args) do
      conn = self()

      Task.Supervisor.start_child(Netsplit.Agent.Tasks, fn ->
        send(conn, {:reply, id, Netsplit.Agent.Ops.run(op, args)})
      end)

      {:noreply, state}
    else
      send_frame(state, reply(id, {:error, "args must be a map"}))
      {:noreply, state}
    end
  end

  defp handle_frame(%{"id" => id}, state) when is_integer(id) do
    send_frame(state, reply(id, {:error, "a request needs a string op"}))
    {:noreply, state}
  end

  defp handle_frame(frame, state), do: drop(state, "frame without id: #{inspect(frame, limit: 5)}")

  defp refuse(frame, state) do
    Logger.warning("netsplit control: refused a client without the run's secret")
    send_frame(state, %{"id" => Map.get(frame, "id", 0), "ok" => false, "error" => "unauthorized"})
    {:stop, :normal, state}
  end

  defp drop(state, why) do
    Logger.warning("netsplit control: dropping connection: #{why}")
    {:stop, :normal, state}
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
        Logger.error("netsplit control: cannot encode #{inspect(map, limit: 8)}: #{inspect(reason)}")
        if id = map["id"], do: :gen_tcp.send(state.socket, Netsplit.MsgPack.encode!(reply(id, {:error, "unencodable result"})))
    end
  end
end
