defmodule Netsplit.Agent.GlobalProbe do
  @moduledoc false
  # A timed `:global` operation run in a loop on this node, every `every_ms`. Each op's start,
  # end and result go out as a `global_op` event; an op that exceeds `timeout_ms` is reported as
  # blocked at once, and its real end later as an `op_late` event (see Netsplit.Agent.Timed).
  alias Netsplit.Agent.{Events, Timed}

  @ops ~w(register_name whereis_name trans)

  @spec start(String.t(), pos_integer(), pos_integer(), String.t() | nil) :: {:ok, pid()} | {:error, String.t()}
  def start(op, every_ms, timeout_ms, name) when op in @ops do
    Task.Supervisor.start_child(Netsplit.Agent.Probes, fn -> loop(op, every_ms, timeout_ms, name, 1) end)
  end

  def start(op, _, _, _), do: {:error, "unknown global probe op #{inspect(op)}; use one of #{Enum.join(@ops, ", ")}"}

  @spec stop_all() :: non_neg_integer()
  def stop_all do
    children = Task.Supervisor.children(Netsplit.Agent.Probes)
    Enum.each(children, &Task.Supervisor.terminate_child(Netsplit.Agent.Probes, &1))
    length(children)
  end

  defp loop(op, every_ms, timeout_ms, name, seq) do
    result = Timed.run(fn -> perform(op, name) end, timeout_ms)
    Events.publish(Map.merge(result, %{"event" => "global_op", "op" => op, "seq" => seq}))
    Process.sleep(every_ms)
    loop(op, every_ms, timeout_ms, name, seq + 1)
  end

  defp perform("register_name", _name) do
    probe_name = {"netsplit_probe", node(), make_ref()}
    result = :global.register_name(probe_name, self())
    :global.unregister_name(probe_name)
    result
  end

  defp perform("whereis_name", name), do: :global.whereis_name(name || "netsplit_probe")

  defp perform("trans", _name) do
    :global.trans({:netsplit_probe_lock, self()}, fn -> :ok end)
  end
end
