defmodule Netsplit.Agent.GlobalProbe do
  @moduledoc false
  # A timed `:global` operation run in a loop on this node, every `every_ms`. Each op's start,
  # end and result go out as a `global_op` event; an op that exceeds `timeout_ms` is reported as
  # blocked at once, and its real end later as an `op_late` event (see Netsplit.Agent.Timed).
  alias Netsplit.Agent.{Events, Timed}

  @ops ~w(register_name whereis_name trans)

  @spec start(String.t(), pos_integer(), pos_integer(), String.t() | nil) :: {:ok, pid()} | {:error, String.t()}
  def start(op, every_ms, timeout_ms, name) when op in @ops do
    probe = :erlang.unique_integer([:positive]) |> Integer.to_string()

    # the probes' supervisor starts with the first probe (Netsplit.Agent.Application)
    with :ok <- Netsplit.Agent.Application.ensure_child(:probes) do
      Task.Supervisor.start_child(Netsplit.Agent.Probes, fn -> loop(op, every_ms, timeout_ms, name, probe, 1) end)
    end
  end

  def start(op, _, _, _), do: {:error, "unknown global probe op #{inspect(op)}; use one of #{Enum.join(@ops, ", ")}"}

  @spec stop_all() :: non_neg_integer()
  def stop_all do
    children = if Process.whereis(Netsplit.Agent.Probes), do: Task.Supervisor.children(Netsplit.Agent.Probes), else: []
    Enum.each(children, &Task.Supervisor.terminate_child(Netsplit.Agent.Probes, &1))
    length(children)
  end

  # `global_op_start` goes out before each op, so an op still in flight when the run ends is
  # known (and counted as blocked at least until then) even before its bound expires
  defp loop(op, every_ms, timeout_ms, name, probe, seq) do
    ids = %{"op" => op, "seq" => seq, "probe" => probe}
    Events.publish(Map.merge(ids, %{"event" => "global_op_start", "started_us" => Netsplit.Agent.now_us()}))
    result = Timed.run(fn -> perform(op, name) end, timeout_ms)
    Events.publish(Map.merge(result, Map.put(ids, "event", "global_op")))
    Process.sleep(every_ms)
    loop(op, every_ms, timeout_ms, name, probe, seq + 1)
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
