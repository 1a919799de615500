defmodule Netsplit.Agent.LogForwarder do
  @moduledoc false
  # Forwards this node's notable log events to the harness, as `log` events on the control
  # channel (via Netsplit.Agent.Events), stamped with the log event's own time (node clock).
  #
  # What is forwarded: every warning and above, and the few info events a BEAM engineer needs
  # to explain a run (global's "Name conflict terminating", an application exiting). Supervisor
  # and application progress reports are not.
  #
  # Bounded, and never blocking the node: the `:logger` handler runs inside the process that
  # logs, so it only reads two atomics, formats at most @max_chars characters and casts. A
  # token bucket (@burst tokens, refilled by this process at @rate per second) caps the events;
  # a line without a token is counted, and every @report_ms the count is published as a
  # `log_dropped` event. The node's full log (its stdout) is untouched.
  use GenServer

  @handler :netsplit_log_forwarder
  @burst 200
  @rate 100
  @tick_ms 100
  @report_ms 1_000
  @max_chars 1_000

  # atomics slots
  @tokens 1
  @dropped 2
  @forwarded 3

  # started before the ready line: OTP calls only (see Netsplit.Agent.Events)
  def start_link(opts \\ []), do: :gen_server.start_link({:local, :proplists.get_value(:name, opts, __MODULE__)}, __MODULE__, opts, [])

  @doc "The handler id installed in `:logger`."
  def handler_id, do: @handler

  @doc "Counters so far: `%{forwarded: n, dropped: n, tokens: n}` (for tests and the `call` op)."
  def stats(server \\ __MODULE__), do: GenServer.call(server, :stats)

  @impl true
  def init(opts) do
    burst = :proplists.get_value(:burst, opts, @burst)
    rate = :proplists.get_value(:rate, opts, @rate)
    ref = :atomics.new(3, signed: true)
    :atomics.put(ref, @tokens, burst)
    # where events go: Netsplit.Agent.Events by default (a test passes its own pid)
    target = :proplists.get_value(:target, opts, Netsplit.Agent.Events)
    _ = :logger.remove_handler(@handler)
    allow_info_events()

    :ok =
      :logger.add_handler(@handler, __MODULE__, %{
        level: :info,
        config: %{ref: ref, target: target, max_chars: :proplists.get_value(:max_chars, opts, @max_chars)}
      })

    :erlang.process_flag(:trap_exit, true)
    report_ms = :proplists.get_value(:report_ms, opts, @report_ms)
    :erlang.send_after(@tick_ms, self(), :refill)
    :erlang.send_after(report_ms, self(), :report)
    {:ok, %{ref: ref, burst: burst, per_tick: max(1, div(rate * @tick_ms, 1000)), target: target, reported: 0, report_ms: report_ms}}
  end


  # The agent does not start Elixir's Logger (Netsplit.Agent.Log), which would lower OTP's primary
  # level to Logger's (debug): at OTP's default (notice) the info events forwarded here would be
  # dropped before any handler saw them. Lowered to info, never raised. Where the level was still
  # OTP's default (nothing configured logging: netsplit's own nodes), OTP's `default` handler (the
  # node's stdout, its full log) is made to behave as Elixir's Logger did: no supervisor and
  # application progress reports, and every line kept: no burst limit (500 lines a second), and
  # a flood makes the logging processes wait for the handler (sync mode past 10 queued events)
  # long before it would drop or flush lines (the defaults, 200 and 1000, are reached while the
  # handler switches modes).
  @keep_every_line %{burst_limit_enable: false, sync_mode_qlen: 10, drop_mode_qlen: 1_000_000, flush_qlen: 2_000_000}

  defp allow_info_events do
    case :logger.get_primary_config() do
      %{level: level} when level in [:all, :none] ->
        :ok

      %{level: level} ->
        if :logger.compare_levels(level, :info) == :gt do
          _ = :logger.add_handler_filter(:default, :netsplit_no_progress, {&:logger_filters.progress/2, :stop})
          _ = :logger.update_handler_config(:default, :config, @keep_every_line)
          :logger.set_primary_config(:level, :info)
        end
    end

    :ok
  end

  @impl true
  def handle_call(:stats, _from, state) do
    r = state.ref
    {:reply, %{forwarded: :atomics.get(r, @forwarded), dropped: :atomics.get(r, @dropped), tokens: :atomics.get(r, @tokens)}, state}
  end

  @impl true
  def handle_info(:refill, state) do
    # a lost race with a handler only misplaces a token or two
    now = :atomics.get(state.ref, @tokens)
    :atomics.put(state.ref, @tokens, min(state.burst, max(now, 0) + state.per_tick))
    :erlang.send_after(@tick_ms, self(), :refill)
    {:noreply, state}
  end

  def handle_info(:report, state) do
    dropped = :atomics.get(state.ref, @dropped)

    if dropped > state.reported do
      publish(state.target, %{"event" => "log_dropped", "count" => dropped - state.reported, "total" => dropped})
    end

    :erlang.send_after(state.report_ms, self(), :report)
    {:noreply, %{state | reported: dropped}}
  end

  def handle_info(_other, state), do: {:noreply, state}

  @impl true
  def terminate(_reason, _state) do
    _ = :logger.remove_handler(@handler)
    :ok
  end

  # ---- the :logger handler (runs in the logging process) ----

  @doc false
  def log(%{level: level, meta: meta} = event, %{config: %{ref: ref, target: target, max_chars: max}}) do
    if wanted?(level, event) do
      if :atomics.sub_get(ref, @tokens, 1) >= 0 do
        :atomics.add(ref, @forwarded, 1)
        publish(target, to_event(event, level, meta, max))
      else
        :atomics.add(ref, @dropped, 1)
      end
    end

    :ok
  catch
    # a handler that raises is removed by :logger: never raise
    _, _ -> :ok
  end

  def log(_event, _config), do: :ok

  defp publish(target, event) when is_pid(target), do: send(target, {:netsplit_log, event})
  defp publish(target, event), do: :gen_server.cast(target, {:publish, event})

  @doc false
  def wanted?(level, event) do
    case :logger.compare_levels(level, :warning) do
      :lt -> level in [:info, :notice] and notable_info?(event)
      _ -> true
    end
  end

  # info or notice: global's name conflict ("global: Name conflict terminating ~tw"), an application that exited
  defp notable_info?(%{msg: {:report, %{label: {:application_controller, :exit}}}}), do: true
  defp notable_info?(%{msg: {:report, _}}), do: false
  defp notable_info?(%{msg: {format, _args}}) when is_list(format) or is_binary(format), do: notable_text?(format)
  defp notable_info?(%{msg: {:string, text}}), do: notable_text?(text)
  defp notable_info?(_), do: false

  defp notable_text?(text) do
    text = IO.chardata_to_string(text)
    String.contains?(text, "Name conflict") or String.contains?(text, "global:")
  rescue
    _ -> false
  end

  @doc false
  def to_event(event, level, meta, max) do
    base = %{
      "event" => "log",
      "level" => Atom.to_string(level),
      "text" => text(event, max),
      "t_us" => Map.get(meta, :time, System.os_time(:microsecond))
    }

    base
    |> put_mfa(meta)
    |> put_label(event)
    |> put_pid(meta)
    |> put_child(event)
  end

  # a supervisor report: which child (its id and how it is started, e.g. pg:start_link/1)
  defp put_child(map, %{msg: {:report, %{label: {:supervisor, _}, report: report}}}) when is_list(report) do
    case Keyword.get(report, :offender) do
      offender when is_list(offender) ->
        map
        |> Map.put("child", inspect(Keyword.get(offender, :id), limit: 5, printable_limit: 80))
        |> put_start(Keyword.get(offender, :mfargs, Keyword.get(offender, :mfa)))

      _ ->
        map
    end
  end

  defp put_child(map, _), do: map

  defp put_start(map, {m, f, a}) when is_atom(m) and is_atom(f) and is_list(a), do: Map.put(map, "start", "#{m}:#{f}/#{length(a)}")
  defp put_start(map, _), do: map

  defp text(event, max) do
    config = %{single_line: true, template: [:msg], chars_limit: max, max_size: max, depth: 30}

    event
    |> :logger_formatter.format(config)
    |> IO.chardata_to_string()
    |> String.slice(0, max)
  rescue
    _ -> "(unformattable log event)"
  end

  defp put_mfa(map, %{mfa: {m, f, a}}), do: Map.put(map, "mfa", "#{m}:#{f}/#{a}")
  defp put_mfa(map, _), do: map

  defp put_label(map, %{msg: {:report, %{label: {a, b}}}}) when is_atom(a) and is_atom(b),
    do: Map.put(map, "label", "#{a}:#{b}")

  defp put_label(map, _), do: map

  defp put_pid(map, %{pid: pid}) when is_pid(pid), do: Map.put(map, "pid", inspect(pid))
  defp put_pid(map, _), do: map
end
