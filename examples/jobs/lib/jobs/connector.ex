defmodule Jobs.Connector do
  @moduledoc """
  Optional cluster formation by the app itself (libcluster style), for `cluster.formation: app`:
  with `JOBS_CONNECT=true` every node dials, every second, each node of `JOBS_NODES` it is not
  connected to.
  """
  use GenServer

  @every 1_000

  @doc false
  def start_link(_), do: GenServer.start_link(__MODULE__, [], name: __MODULE__)

  @impl true
  def init([]) do
    send(self(), :connect)
    {:ok, nil}
  end

  @impl true
  def handle_info(:connect, state) do
    connected = [node() | Node.list()]
    for n <- Jobs.Config.expected_nodes(), n not in connected, do: Node.connect(n)
    Process.send_after(self(), :connect, @every)
    {:noreply, state}
  end
end
