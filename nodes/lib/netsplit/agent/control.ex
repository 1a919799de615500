defmodule Netsplit.Agent.Control do
  @moduledoc false
  # The control server: listens on the node's own address and hands every accepted socket to
  # its own `Netsplit.Agent.Conn` process.
  use GenServer
  require Logger

  @max_frame 8 * 1024 * 1024

  def start_link(opts), do: GenServer.start_link(__MODULE__, opts, name: __MODULE__)

  @doc "The port the control server listens on."
  def port, do: GenServer.call(__MODULE__, :port)

  @impl true
  def init(opts) do
    listen_opts = [
      :binary,
      packet: 4,
      packet_size: @max_frame,
      active: false,
      reuseaddr: true,
      ip: Keyword.fetch!(opts, :ip)
    ]

    case :gen_tcp.listen(Keyword.fetch!(opts, :port), listen_opts) do
      {:ok, listen} ->
        {:ok, port} = :inet.port(listen)
        secret = Keyword.fetch!(opts, :secret)
        parent = self()
        acceptor = spawn_link(fn -> accept_loop(listen, secret, parent) end)
        {:ok, %{listen: listen, port: port, acceptor: acceptor}}

      {:error, reason} ->
        {:stop, {:control_listen_failed, reason}}
    end
  end

  @impl true
  def handle_call(:port, _from, state), do: {:reply, state.port, state}

  defp accept_loop(listen, secret, parent) do
    case :gen_tcp.accept(listen) do
      {:ok, socket} ->
        {:ok, pid} = Netsplit.Agent.Conn.start(socket, secret)
        :ok = :gen_tcp.controlling_process(socket, pid)
        send(pid, :go)
        accept_loop(listen, secret, parent)

      {:error, reason} ->
        Logger.error("netsplit control: accept failed: #{inspect(reason)}")
        exit({:accept_failed, reason})
    end
  end
end
