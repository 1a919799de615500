defmodule Netsplit.Agent.Timed do
  @moduledoc false
  # Runs an operation that may block (global locks during a partition) with a bound. The result
  # map says `status: "ok" | "error" | "blocked"` with node timestamps. A blocked op keeps
  # running: when it finishes, an `op_late` event reports its real end and result, so a blocked
  # op is never lost.

  @spec run((-> term()), pos_integer(), (term() -> any())) :: map()
  def run(fun, timeout_ms, on_result \\ fn _ -> :ok end) do
    started = Netsplit.Agent.now_us()
    caller = self()
    ref = make_ref()

    {pid, mref} =
      spawn_monitor(fn ->
        result =
          try do
            {:ok, fun.()}
          catch
            kind, reason -> {:error, Exception.format_banner(kind, reason, [])}
          end

        ended = Netsplit.Agent.now_us()
        on_result.(elem(result, 1))
        send(caller, {ref, result, ended})
        # the caller answers :ack if it got the result in time, :gave_up if it had timed out
        receive do
          {^ref, :ack} -> :ok
          {^ref, :gave_up} -> late(ref, result, started, ended)
        after
          60_000 -> :ok
        end
      end)

    receive do
      {^ref, result, ended} ->
        Process.demonitor(mref, [:flush])
        send(pid, {ref, :ack})
        finish(result, started, ended)
    after
      timeout_ms ->
        Process.demonitor(mref, [:flush])
        send(pid, {ref, :gave_up})
        %{"status" => "blocked", "started_us" => started, "ended_us" => nil, "result" => nil, "ref" => ref_text(ref)}
    end
  end

  defp late(ref, result, started, ended) do
    Netsplit.Agent.Events.publish(Map.merge(%{"event" => "op_late", "ref" => ref_text(ref)}, finish(result, started, ended)))
  end

  defp finish({:ok, value}, started, ended),
    do: %{"status" => "ok", "started_us" => started, "ended_us" => ended, "result" => render(value)}

  defp finish({:error, text}, started, ended),
    do: %{"status" => "error", "started_us" => started, "ended_us" => ended, "result" => text}

  defp render(v) when is_atom(v) or is_binary(v) or is_number(v), do: v
  defp render(v) when is_pid(v), do: Netsplit.Agent.Pids.canonical(v)
  defp render(v), do: inspect(v)

  defp ref_text(ref), do: ref |> :erlang.ref_to_list() |> List.to_string()
end
