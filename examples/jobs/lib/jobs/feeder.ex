defmodule Jobs.Feeder do
  @moduledoc """
  The built-in load generator: every `feed_every_ms` it submits one job (count the words of a
  generated text) through `Jobs.submit/1`. `feed_every_ms: 0` (or `false`) disables it.
  """
  use GenServer

  @doc false
  def start_link(every_ms), do: GenServer.start_link(__MODULE__, every_ms, name: __MODULE__)

  @impl true
  def init(every_ms) do
    Process.send_after(self(), :feed, every_ms)
    {:ok, every_ms}
  end

  @impl true
  def handle_info(:feed, every_ms) do
    # Submitting may wait up to submit_timeout_ms; the next job is due a period after this one.
    Process.send_after(self(), :feed, every_ms)
    _ = Jobs.submit(Jobs.Text.generate())
    {:noreply, every_ms}
  end
end
