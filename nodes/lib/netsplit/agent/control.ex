defmodule Netsplit.Agent.Control do
  @moduledoc false
  # The control server: listens on the node's own address and hands every accepted socket to
  # its own `Netsplit.Agent.Conn` process. The accept loop never stops on a client's account:
  # a failed accept (out of file descriptors, an aborted handshake) is logged and retried, so
  # the control port stays the same for the node's whole life.
  use GenServer
  require Netsplit.Agent.Log, as: Log

  # a burst of clients (a connection flood, many harness connections at once) waits in the
  # kernel's queue instead of being refused
  @backlog 128
  @accept_retry_ms 100

  # OTP calls only (see Netsplit.Agent.Events): it starts before the ready line
  def start_link(opts), do: :gen_server.start_link({:local, __MODULE__}, __MODULE__, opts, [])

  @doc "The port the control server listens on."
  def port, do: :gen_server.call(__MODULE__, :port)

  @impl true
  def init(opts) do
    listen_opts = [
      :binary,
      packet: 4,
      # accepted sockets inherit it; a connection raises it once the client has said hello
      packet_size: Netsplit.Agent.Conn.pre_auth_max_frame(),
      active: false,
      backlog: @backlog,
      reuseaddr: true,
      ip: option!(opts, :ip)
    ]

    case :gen_tcp.listen(option!(opts, :port), listen_opts) do
      {:ok, listen} ->
        {:ok, port} = :inet.port(listen)
        secret = option!(opts, :secret)
        parent = self()
        acceptor = spawn_link(fn -> accept_loop(listen, secret, parent) end)
        {:ok, %{listen: listen, port: port, acceptor: acceptor}}

      {:error, reason} ->
        {:stop, {:control_listen_failed, reason}}
    end
  end

  defp option!(opts, key) do
    {^key, value} = :lists.keyfind(key, 1, opts)
    value
  end

  @impl true
  def handle_call(:port, _from, state), do: {:reply, state.port, state}

  defp accept_loop(listen, secret, parent) do
    case :gen_tcp.accept(listen) do
      {:ok, socket} ->
        hand_off(socket, secret)
        accept_loop(listen, secret, parent)

      {:error, :closed} ->
        exit({:accept_failed, :closed})

      {:error, reason} ->
        Log.error("netsplit control: accept failed: #{inspect(reason)}; retrying in #{@accept_retry_ms} ms")
        Process.sleep(@accept_retry_ms)
        accept_loop(listen, secret, parent)
    end
  end

  defp hand_off(socket, secret) do
    {:ok, pid} = Netsplit.Agent.Conn.start(socket, secret)

    case :gen_tcp.controlling_process(socket, pid) do
      :ok ->
        send(pid, :go)

      {:error, reason} ->
        Log.warning("netsplit control: dropping a connection at once: cannot hand it over: #{inspect(reason)}")
        Process.exit(pid, :kill)
        :gen_tcp.close(socket)
    end
  end
end
