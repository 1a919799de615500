defmodule Netsplit.Agent.FaultInject do
  @moduledoc """
  Faults of the agent itself, for netsplit's own reliability tests: they prove that the harness
  ends a run with a clear cause, never a hang, when one of its own parts fails.

  Armed only by the OS environment variable `NETSPLIT_FAULT_INJECT` (the harness passes it
  through from its own environment; it is never set from a scenario file): a comma-separated
  list of `action:node:ms` entries; an entry applies to the node whose short name is `node`,
  `ms` after the agent is ready (after `boot` for `boot_hang`).

    * `crash_agent` - the agent dies while the node keeps running: its supervisor and every
      control connection are killed (the harness sees its control connection close).
    * `hang_agent` - the agent stops answering while its connections stay open: the control
      server and every connection process are suspended.
    * `halt_node` - the whole node halts with status 3 (a node that crashes on its own).
    * `boot_hang` - the agent never reports ready (a node that never boots).

  Unknown entries are ignored (they may be meant for the harness, e.g. `hold_report`).
  """
  require Netsplit.Agent.Log, as: Log

  @env "NETSPLIT_FAULT_INJECT"

  @doc "The entries of `NETSPLIT_FAULT_INJECT` that apply to this node: `[{action, ms}]`."
  @spec entries() :: [{String.t(), non_neg_integer()}]
  def entries do
    # asked at every boot: nothing more than the lookup when the variable is not set (Enum and
    # the rest are loaded, at a CPU cost, only on a node that injects faults)
    case System.get_env(@env) do
      nil -> []
      text -> entries(text)
    end
  end

  defp entries(text) do
    me = node() |> Atom.to_string() |> String.split("@") |> hd()

    text
    |> String.split(",", trim: true)
    |> Enum.flat_map(fn entry ->
      case String.split(entry, ":") do
        [action, ^me, ms] ->
          case Integer.parse(ms) do
            {n, ""} when n >= 0 -> [{action, n}]
            _ -> []
          end

        _ ->
          []
      end
    end)
  end

  @doc "Blocks forever when `boot_hang` applies to this node (called before the ready line)."
  @spec before_ready() :: :ok
  def before_ready do
    case :lists.keyfind("boot_hang", 1, entries()) do
      {_, ms} ->
        Log.warning("netsplit fault injection: boot_hang: never reporting ready")
        Process.sleep(ms)
        Process.sleep(:infinity)

      false ->
        :ok
    end
  end

  @doc "Schedules the runtime faults that apply to this node."
  @spec arm() :: :ok
  def arm do
    :lists.foreach(
      fn {action, ms} ->
        if action in ["crash_agent", "hang_agent", "halt_node"] do
          spawn(fn ->
            Process.sleep(ms)
            Log.warning("netsplit fault injection: #{action}")
            apply_fault(action)
          end)
        end
      end,
      entries()
    )
  end

  defp apply_fault("crash_agent") do
    conns = conn_processes()
    sup = Process.whereis(Netsplit.Agent.Supervisor)
    if sup, do: Process.exit(sup, :kill)
    Enum.each(conns, &Process.exit(&1, :kill))
  end

  defp apply_fault("hang_agent") do
    targets = [Process.whereis(Netsplit.Agent.Control) | conn_processes()]
    for pid <- targets, is_pid(pid), do: :erlang.suspend_process(pid)
    # a suspension ends with the process that made it: this one stays
    Process.sleep(:infinity)
  end

  defp apply_fault("halt_node"), do: :erlang.halt(3)

  defp conn_processes do
    for pid <- Process.list(),
        {:dictionary, dict} <- [Process.info(pid, :dictionary)],
        match?({Netsplit.Agent.Conn, _, _}, Keyword.get(dict, :"$initial_call")),
        do: pid
  end
end
