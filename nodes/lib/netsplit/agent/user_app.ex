defmodule Netsplit.Agent.UserApp do
  @moduledoc false
  # The ops that reach into the user's own application (docs/PROTOCOL.md, "The application under
  # test"): `call` runs one of its functions, `app_start` configures and starts its applications,
  # `pg_app_view` and `global_names` read the `:pg` groups and `:global` names it made.
  #
  # Names come from the network, so a module, function or `:pg` scope is resolved only to an atom
  # that already exists. The one exception is a module or application whose file is in the code
  # path but not loaded yet (a lazily loading node): its atom is made only after its `.beam` /
  # `.app` file was found, so the atoms that can be made this way are bounded by the files on
  # disk, not by what a client sends. Every op is bounded in time and in reply size.
  alias Netsplit.Agent.Pids

  # a printed result, reason or stack: at most this many bytes
  @max_printed 8_192
  # a converted `value`: at most this many terms, binary bytes and nesting levels, else omitted
  @max_value_terms 10_000
  @max_value_bytes 64 * 1024
  @max_value_depth 32
  @max_stack_frames 5
  @max_groups 1_000
  # canonical pids in one pg_app_view reply (members and local together), ~40 bytes each
  @max_pids 100_000
  @max_global_names 10_000
  @max_apps 64

  # ---------------------------------------------------------------------------------------------
  # call

  @doc "The `call` op: runs `module.function(args...)` in its own process, bounded by timeout_ms."
  @spec call(map()) :: {:ok, map()} | {:error, String.t()}
  def call(args) do
    with {:ok, mod_name} <- string_arg(args, "module"),
         {:ok, fun_name} <- string_arg(args, "function"),
         {:ok, fun_args} <- list_arg(args, "args"),
         {:ok, timeout} <- ms_arg(args, "timeout_ms", 5_000),
         {:ok, mod} <- resolve_module(mod_name),
         {:ok, fun} <- resolve_function(mod, fun_name, length(fun_args)) do
      {:ok, run_call(mod, fun, fun_args, timeout)}
    end
  end

  defp run_call(mod, fun, fun_args, timeout) do
    caller = self()
    ref = make_ref()
    t0 = System.monotonic_time(:microsecond)

    # monitored, not linked: whatever the function does (exit, link to something that dies) stays
    # in its process. The reply map is built there too, so printing a huge result is inside the
    # bound as well.
    {pid, mref} =
      spawn_monitor(fn ->
        outcome =
          try do
            {:returned, apply(mod, fun, fun_args)}
          catch
            kind, reason -> {:raised, kind, reason, __STACKTRACE__}
          end

        us = System.monotonic_time(:microsecond) - t0
        send(caller, {ref, describe(outcome, us)})
      end)

    receive do
      {^ref, reply} ->
        Process.demonitor(mref, [:flush])
        reply

      {:DOWN, ^mref, :process, ^pid, reason} ->
        # killed from outside before it could answer (an exit signal from a process it linked to)
        %{
          "outcome" => "raised",
          "kind" => "exit",
          "printed" => truncate("the process running the call exited: " <> inspect(reason, limit: 20, printable_limit: 1024)),
          "us" => System.monotonic_time(:microsecond) - t0
        }
    after
      timeout ->
        Process.exit(pid, :kill)
        Process.demonitor(mref, [:flush])
        # a reply sent between the timeout and the kill is dropped with the other late messages
        receive do
          {^ref, _} -> :ok
        after
          0 -> :ok
        end

        %{"outcome" => "timeout", "us" => System.monotonic_time(:microsecond) - t0}
    end
  end

  defp describe({:returned, result}, us) do
    base = %{"outcome" => "returned", "class" => class(result), "printed" => print(result), "us" => us}

    base =
      case result do
        :error -> Map.put(base, "reason", ":error")
        {:error, reason} -> Map.put(base, "reason", print(reason))
        _ -> base
      end

    case value(result) do
      {:ok, v} -> Map.put(base, "value", v)
      :error -> base
    end
  end

  defp describe({:raised, kind, reason, stack}, us) do
    # one line: a multi-line message (ArgumentError's "errors were found at the given
    # arguments:" and its list) is joined with single spaces
    banner = kind |> Exception.format_banner(reason, stack) |> String.split() |> Enum.join(" ") |> truncate(2_048)

    # the user's frames: the agent's own (the spawned fun that ran the call) are left out
    frames =
      stack
      |> Enum.reject(&match?({__MODULE__, _, _, _}, &1))
      |> Enum.take(@max_stack_frames)
      |> Enum.map(&("    " <> Exception.format_stacktrace_entry(&1)))

    %{"outcome" => "raised", "kind" => Atom.to_string(kind), "printed" => truncate(Enum.join([banner | frames], "\n")), "us" => us}
  end

  defp class(:ok), do: "ok"
  defp class({:ok, _}), do: "ok"
  defp class(true), do: "true"
  defp class(false), do: "false"
  defp class(:error), do: "error"
  defp class({:error, _}), do: "error"
  defp class(_), do: "other"

  defp print(term), do: term |> inspect(limit: 50, printable_limit: 4096) |> truncate()

  @doc false
  # Text cut to @max_printed bytes on a character boundary, saying how much was cut.
  @spec truncate(String.t(), pos_integer()) :: String.t()
  def truncate(text, max \\ @max_printed) do
    if byte_size(text) <= max do
      text
    else
      head =
        case :unicode.characters_to_binary(binary_part(text, 0, max)) do
          {:incomplete, good, _rest} -> good
          {:error, good, _rest} -> good
          good when is_binary(good) -> good
        end

      head <> "... (#{byte_size(text) - byte_size(head)} more bytes)"
    end
  end

  @doc false
  # The result as a MessagePack-encodable term (atoms as Elixir prints them, except nil, true and
  # false), or :error when it holds anything else (tuples, pids, funs, big integers...) or is
  # larger than the bounds.
  @spec value(term()) :: {:ok, term()} | :error
  def value(term) do
    case convert(term, 0, {0, 0}) do
      {:ok, v, {terms, bytes}} when terms <= @max_value_terms and bytes <= @max_value_bytes -> {:ok, v}
      _ -> :error
    end
  end

  defp convert(_term, depth, _budget) when depth > @max_value_depth, do: :error
  defp convert(_term, _depth, {terms, bytes}) when terms > @max_value_terms or bytes > @max_value_bytes, do: :error
  defp convert(t, _d, {n, b}) when is_nil(t) or is_boolean(t), do: {:ok, t, {n + 1, b}}
  defp convert(t, _d, {n, b}) when is_atom(t) do
    text = inspect(t)
    {:ok, text, {n + 1, b + byte_size(text)}}
  end

  defp convert(t, _d, {n, b}) when is_integer(t) and t >= -0x8000000000000000 and t <= 0xFFFFFFFFFFFFFFFF, do: {:ok, t, {n + 1, b + 8}}
  defp convert(t, _d, {n, b}) when is_float(t), do: {:ok, t, {n + 1, b + 8}}
  defp convert(t, _d, {n, b}) when is_binary(t), do: {:ok, t, {n + 1, b + byte_size(t)}}

  defp convert(t, d, budget) when is_list(t), do: convert_list(t, d, budget, [])

  defp convert(t, d, budget) when is_map(t) and not is_struct(t) do
    Enum.reduce_while(t, {:ok, [], budget}, fn {k, x}, {:ok, acc, bud} ->
      with {:ok, kv, bud} <- convert(k, d + 1, bud),
           {:ok, xv, bud} <- convert(x, d + 1, bud) do
        {:cont, {:ok, [{kv, xv} | acc], bud}}
      else
        :error -> {:halt, :error}
      end
    end)
    |> case do
      {:ok, pairs, {n, b}} -> {:ok, Map.new(pairs), {n + 1, b}}
      :error -> :error
    end
  end

  defp convert(_t, _d, _budget), do: :error

  defp convert_list([], _d, {n, b}, acc), do: {:ok, Enum.reverse(acc), {n + 1, b}}

  defp convert_list([x | rest], d, budget, acc) do
    case convert(x, d + 1, budget) do
      {:ok, v, budget} -> convert_list(rest, d, budget, [v | acc])
      :error -> :error
    end
  end

  # an improper list
  defp convert_list(_tail, _d, _budget, _acc), do: :error

  # "Elixir.MyApp.Check", "rabbit" (also "MyApp.Check" and ":rabbit", as a scenario writes them)
  defp resolve_module(name) do
    candidates =
      case name do
        ":" <> erl -> [erl]
        "Elixir." <> _ -> [name]
        <<c, _::binary>> when c in ?A..?Z -> ["Elixir." <> name, name]
        _ -> [name]
      end

    Enum.find_value(candidates, {:error, "no module #{module_text(name)} is loaded or loadable on #{node()}"}, fn candidate ->
      with {:ok, mod} <- module_atom(candidate),
           {:module, ^mod} <- Code.ensure_loaded(mod) do
        {:ok, mod}
      else
        _ -> nil
      end
    end)
  end

  # An existing atom, or, for a module in the code path that is not loaded yet, the atom made
  # after its .beam file was found (bounded by the files on disk).
  defp module_atom(name) do
    {:ok, String.to_existing_atom(name)}
  rescue
    ArgumentError ->
      if safe_file_name?(name) and :code.where_is_file(String.to_charlist(name <> ".beam")) != :non_existing,
        do: {:ok, String.to_atom(name)},
        else: :error
  end

  defp safe_file_name?(name),
    do: byte_size(name) in 1..250 and String.valid?(name) and not String.contains?(name, ["/", "\\", <<0>>]) and name not in [".", ".."]

  defp resolve_function(mod, fun_name, arity) do
    fun =
      try do
        String.to_existing_atom(fun_name)
      rescue
        ArgumentError -> nil
      end

    cond do
      arity > 255 ->
        {:error, "#{inspect(mod)}.#{fun_name}/#{arity} cannot exist: a function takes at most 255 arguments"}

      fun != nil and function_exported?(mod, fun, arity) ->
        {:ok, fun}

      true ->
        {:error, "#{inspect(mod)}.#{function_text(fun_name)}/#{arity} is not exported (#{inspect(mod)} exports: #{exports_text(mod)})"}
    end
  end

  defp exports_text(mod) do
    exports =
      for {f, a} <- mod.module_info(:exports),
          text = Atom.to_string(f),
          not String.starts_with?(text, "__") and f != :module_info,
          do: "#{function_text(text)}/#{a}"

    case Enum.sort(exports) do
      [] -> "nothing"
      sorted when length(sorted) > 30 -> Enum.join(Enum.take(sorted, 30), ", ") <> ", ... #{length(sorted) - 30} more"
      sorted -> Enum.join(sorted, ", ")
    end
  end

  defp function_text(name) do
    if Regex.match?(~r/^[a-z_][a-zA-Z0-9_]*[?!]?$/, name), do: name, else: inspect(name)
  end

  @doc false
  # A module name as Elixir prints it, from its atom text, without making the atom.
  @spec module_text(String.t()) :: String.t()
  def module_text(":" <> name), do: module_text(name)
  def module_text("Elixir." <> alias_text), do: alias_text

  def module_text(name) do
    cond do
      Regex.match?(~r/^[A-Z][a-zA-Z0-9_.]*$/, name) -> name
      Regex.match?(~r/^[a-z_][a-zA-Z0-9_@]*$/, name) -> ":" <> name
      true -> ":" <> inspect(name)
    end
  end

  # ---------------------------------------------------------------------------------------------
  # app_start

  @doc "The `app_start` op: configures the user's applications, then starts them in order."
  @spec app_start(map()) :: {:ok, map()} | {:error, String.t()}
  def app_start(args) do
    with {:ok, apps} <- apps_arg(args),
         {:ok, etf} <- optional(args, "config_etf", &is_binary/1, "a binary (term_to_binary of a keyword list)"),
         {:ok, runtime} <- optional(args, "runtime_config", &is_binary/1, "an absolute path (a string)"),
         {:ok, env} <- config_env_arg(args),
         {:ok, overrides} <- optional(args, "overrides", &is_map/1, "a map of app => map of key => value"),
         {:ok, timeout} <- ms_arg(args, "timeout_ms", 30_000) do
      bounded(fn step -> do_app_start(apps, etf, runtime, env, overrides, step) end, timeout)
    end
  end

  defp do_app_start(apps, etf, runtime, env, overrides, step) do
    t0 = System.monotonic_time(:microsecond)

    # the agent itself runs without the :elixir application (Netsplit.Agent.boot/0); reading a runtime config
    # evaluates Elixir code, which needs it (the user's applications would start it anyway)
    with {:ok, _} <- step.("starting elixir", fn -> ensure_started(:elixir) end),
         {:ok, from_etf} <- step.("decoding config_etf", fn -> config_from_etf(etf) end),
         {:ok, from_runtime} <- step.("reading #{runtime}", fn -> config_from_runtime(runtime, env) end),
         {:ok, from_overrides} <- step.("converting overrides", fn -> config_from_overrides(overrides) end),
         config = from_etf |> Config.Reader.merge(from_runtime) |> Config.Reader.merge(from_overrides),
         {:ok, _} <- step.("applying the configuration", fn -> Application.put_all_env(config, persistent: true) end),
         {:ok, started} <- start_apps(apps, step, []) do
      {:ok, %{"started" => started, "us" => System.monotonic_time(:microsecond) - t0}}
    end
  end

  defp start_apps([], _step, started), do: {:ok, started}

  defp start_apps([name | rest], step, started) do
    with {:ok, app} <- app_atom(name),
         {:ok, now} <- step.("starting #{name}", fn -> ensure_started(app) end) do
      start_apps(rest, step, started ++ Enum.map(now, &Atom.to_string/1))
    end
  end

  defp ensure_started(app) do
    case Application.ensure_all_started(app) do
      {:ok, started} -> {:ok, started}
      {:error, {failed, reason}} -> {:error, start_error(app, failed, reason)}
    end
  end

  # An application atom: an existing one, or one whose .app file is in the code path.
  defp app_atom(name) do
    cond do
      not Regex.match?(~r/^[a-z][a-zA-Z0-9_]{0,127}$/, name) ->
        {:error, "#{inspect(name)} is not an application name"}

      loaded_app?(name) ->
        {:ok, String.to_existing_atom(name)}

      :code.where_is_file(String.to_charlist(name <> ".app")) != :non_existing ->
        {:ok, String.to_atom(name)}

      true ->
        {:error, "no application #{name} in the code path (no #{name}.app found on #{node()})"}
    end
  end

  defp loaded_app?(name), do: Enum.any?(Application.loaded_applications(), fn {app, _, _} -> Atom.to_string(app) == name end)

  @doc false
  # One sentence for why `app` did not start (`failed` is the application that failed: `app` or
  # one of its dependencies).
  @spec start_error(atom(), atom(), term()) :: String.t()
  def start_error(app, failed, reason) do
    who = if failed == app, do: "#{app}", else: "#{failed} (a dependency of #{app})"

    case reason do
      {~c"no such file or directory", file} ->
        "no application #{failed} in the code path (no #{file} found on #{node()})" <>
          if(failed == app, do: "", else: ", needed by #{app}")

      _ ->
        "#{who} failed to start: #{reason_text(reason)}"
    end
    |> truncate()
  end

  @doc false
  @spec reason_text(term()) :: String.t()
  # the application master's wrapping: {reason, {Mod, :start, [type, args]}}
  def reason_text({reason, {mod, :start, [_type, _args]}}) when is_atom(mod), do: reason_text(reason)
  def reason_text({:bad_return, {{mod, :start, _}, ret}}), do: "#{inspect(mod)}.start/2 returned #{brief(ret)}"
  def reason_text({:shutdown, {:failed_to_start_child, child, reason}}), do: "child #{brief(child)} failed to start: #{reason_text(reason)}"
  def reason_text({:failed_to_start_child, child, reason}), do: "child #{brief(child)} failed to start: #{reason_text(reason)}"
  def reason_text({:EXIT, reason}), do: reason_text(reason)
  def reason_text({exception, stack}) when is_exception(exception) and is_list(stack), do: exception_text(exception)
  def reason_text(exception) when is_exception(exception), do: exception_text(exception)
  def reason_text({:already_started, pid}) when is_pid(pid), do: "already started as #{inspect(pid)} (a name clash)"
  def reason_text(reason), do: brief(reason)

  defp exception_text(exception), do: "#{inspect(exception.__struct__)}: #{Exception.message(exception)}"

  defp config_from_etf(nil), do: {:ok, []}

  defp config_from_etf(bin) do
    # authenticated input: the host's config.exs holds atoms this node may not have yet
    term =
      try do
        :erlang.binary_to_term(bin)
      rescue
        ArgumentError -> :bad_etf
      end

    cond do
      term == :bad_etf -> {:error, "config_etf is not in the external term format (:erlang.term_to_binary/1)"}
      config?(term) -> {:ok, term}
      true -> {:error, "config_etf must hold a keyword list [{app, keyword list}], got #{brief(term)}"}
    end
  end

  defp config?(term), do: is_list(term) and Enum.all?(term, &match?({app, kw} when is_atom(app) and is_list(kw), &1)) and Enum.all?(term, fn {_, kw} -> Keyword.keyword?(kw) end)

  defp config_from_runtime(nil, _env), do: {:ok, []}

  defp config_from_runtime(path, env) do
    cond do
      Path.type(path) != :absolute ->
        {:error, "runtime_config must be an absolute path, got #{inspect(path)}"}

      not File.regular?(path) ->
        {:error, "runtime config #{path} does not exist on #{node()}"}

      true ->
        try do
          config = Config.Reader.read!(path, env: String.to_atom(env), target: :host)
          if config?(config), do: {:ok, config}, else: {:error, "runtime config #{path} did not return a configuration"}
        rescue
          e -> {:error, "runtime config #{path} raised #{inspect(e.__struct__)}: #{Exception.message(e)}" |> truncate()}
        catch
          kind, reason -> {:error, "runtime config #{path} failed: #{Exception.format_banner(kind, reason, [])}" |> truncate()}
        end
    end
  end

  @doc false
  # The overrides map as a configuration: app and key strings become atoms, nested maps keyword
  # lists, and a string ":name" the atom `name` (see docs/PROTOCOL.md).
  @spec config_from_overrides(map() | nil) :: {:ok, keyword()} | {:error, String.t()}
  def config_from_overrides(nil), do: {:ok, []}

  def config_from_overrides(overrides) when is_map(overrides) do
    Enum.reduce_while(Enum.sort(overrides), {:ok, []}, fn
      {app, kv}, {:ok, acc} when is_binary(app) and is_map(kv) ->
        with true <- Regex.match?(~r/^[a-z][a-zA-Z0-9_]{0,127}$/, app) || {:error, "overrides: #{inspect(app)} is not an application name"},
             {:ok, kw} <- keyword(kv, [app]) do
          {:cont, {:ok, acc ++ [{String.to_atom(app), kw}]}}
        else
          {:error, _} = err -> {:halt, err}
        end

      {app, other}, _ ->
        {:halt, {:error, "overrides: #{brief(app)} must map to a map of key => value, got #{brief(other)}"}}
    end)
  end

  defp keyword(map, path) do
    Enum.reduce_while(Enum.sort(map), {:ok, []}, fn
      {key, v}, {:ok, acc} when is_binary(key) and byte_size(key) in 1..255 ->
        case override_value(v, [key | path]) do
          {:ok, value} -> {:cont, {:ok, acc ++ [{String.to_atom(key), value}]}}
          {:error, _} = err -> {:halt, err}
        end

      {key, _}, _ ->
        {:halt, {:error, "overrides: key #{brief(key)} under #{path |> Enum.reverse() |> Enum.join(".")} must be a string of 1..255 bytes"}}
    end)
  end

  defp override_value(map, path) when is_map(map), do: keyword(map, path)

  defp override_value(list, path) when is_list(list) do
    Enum.reduce_while(list, {:ok, []}, fn x, {:ok, acc} ->
      case override_value(x, path) do
        {:ok, v} -> {:cont, {:ok, [v | acc]}}
        err -> {:halt, err}
      end
    end)
    |> case do
      {:ok, acc} -> {:ok, Enum.reverse(acc)}
      err -> err
    end
  end

  defp override_value(":" <> name = text, _path) do
    if Regex.match?(~r/^[A-Za-z_][A-Za-z0-9_@.]{0,254}[?!]?$/, name), do: {:ok, String.to_atom(name)}, else: {:ok, text}
  end

  defp override_value(v, _path) when is_binary(v) or is_number(v) or is_boolean(v) or is_nil(v), do: {:ok, v}

  defp override_value(v, path),
    do: {:error, "overrides: #{path |> Enum.reverse() |> Enum.join(".")} has a value that is not config: #{brief(v)}"}

  defp apps_arg(args) do
    case Map.get(args, "apps") do
      [_ | _] = apps when length(apps) <= @max_apps ->
        if Enum.all?(apps, &is_binary/1), do: {:ok, apps}, else: {:error, "apps must be a list of application names (strings)"}

      other ->
        {:error, "apps must be a list of 1..#{@max_apps} application names, got #{brief(other)}"}
    end
  end

  defp config_env_arg(args) do
    case Map.get(args, "config_env") do
      nil -> {:ok, "prod"}
      env when is_binary(env) -> if Regex.match?(~r/^[a-z][a-z0-9_]{0,31}$/, env), do: {:ok, env}, else: {:error, "config_env must be a name like prod, got #{brief(env)}"}
      other -> {:error, "config_env must be a string, got #{brief(other)}"}
    end
  end

  defp optional(args, key, ok?, what) do
    case Map.get(args, key) do
      nil -> {:ok, nil}
      v -> if ok?.(v), do: {:ok, v}, else: {:error, "#{key} must be nil or #{what}, got #{brief(v)}"}
    end
  end

  # Runs `fun` in its own monitored process with a bound. `fun` gets `step`, which runs one named
  # step (so a timeout can say which step it was in) and turns :ok into {:ok, nil}.
  defp bounded(fun, timeout) do
    caller = self()
    ref = make_ref()

    step = fn name, work ->
      send(caller, {ref, :step, name})

      case work.() do
        :ok -> {:ok, nil}
        other -> other
      end
    end

    {pid, mref} =
      spawn_monitor(fn ->
        result =
          try do
            fun.(step)
          catch
            kind, reason -> {:error, "app_start failed: #{Exception.format_banner(kind, reason, __STACKTRACE__) |> String.split("\n") |> hd()}"}
          end

        send(caller, {ref, :done, result})
      end)

    deadline = System.monotonic_time(:millisecond) + timeout
    await(ref, pid, mref, deadline, timeout, "starting")
  end

  defp await(ref, pid, mref, deadline, timeout, current) do
    left = max(deadline - System.monotonic_time(:millisecond), 0)

    receive do
      {^ref, :step, name} ->
        await(ref, pid, mref, deadline, timeout, name)

      {^ref, :done, result} ->
        Process.demonitor(mref, [:flush])
        result

      {:DOWN, ^mref, :process, ^pid, reason} ->
        {:error, "app_start stopped while #{current}: #{brief(reason)}"}
    after
      left ->
        Process.exit(pid, :kill)
        Process.demonitor(mref, [:flush])
        {:error, "app_start did not finish within #{timeout} ms (still #{current})"}
    end
  end

  # ---------------------------------------------------------------------------------------------
  # pg_app_view, global_names

  @doc "The `pg_app_view` op: the members of the groups in a `:pg` scope the application runs."
  @spec pg_app_view(map()) :: {:ok, [map()]} | {:error, String.t()}
  def pg_app_view(%{"scope" => scope_name} = args) when is_binary(scope_name) do
    with {:ok, scope} <- pg_scope(scope_name) do
      case Map.get(args, "groups", "all") do
        "all" ->
          groups = scope |> :pg.which_groups() |> Enum.sort_by(&inspect/1) |> Enum.take(@max_groups)
          {:ok, groups |> Enum.map(&{&1, nil}) |> group_views(scope)}

        wanted when is_list(wanted) and length(wanted) <= @max_groups ->
          if Enum.all?(wanted, &is_binary/1) do
            existing = :pg.which_groups(scope)

            entries =
              Enum.flat_map(wanted, fn text ->
                case Enum.filter(existing, &group_matches?(&1, text)) do
                  [] -> [{:none, text}]
                  found -> found |> Enum.sort_by(&inspect/1) |> Enum.map(&{&1, text})
                end
              end)

            {:ok, group_views(entries, scope)}
          else
            {:error, "groups must be \"all\" or a list of strings"}
          end

        other ->
          {:error, "groups must be \"all\" or a list of at most #{@max_groups} strings, got #{brief(other)}"}
      end
    end
  end

  def pg_app_view(_), do: {:error, "pg_app_view needs scope (a string) and groups (\"all\" or a list of strings)"}

  defp group_views(entries, scope) do
    {views, _budget} =
      Enum.map_reduce(entries, @max_pids, fn
        {:none, text}, budget ->
          {%{"group" => nil, "text" => text, "requested" => text, "members" => [], "local" => [], "count" => 0}, budget}

        {group, requested}, budget ->
          members = :pg.get_members(scope, group)
          local = :pg.get_local_members(scope, group)
          {m, budget, cut_m} = take_pids(members, budget)
          {l, budget, cut_l} = take_pids(local, budget)

          view =
            %{"group" => print(group), "text" => group_text(group), "members" => m, "local" => l, "count" => length(members)}
            |> then(&if(requested, do: Map.put(&1, "requested", requested), else: &1))
            |> then(&if(cut_m or cut_l, do: Map.put(&1, "truncated", true), else: &1))

          {view, budget}
      end)

    views
  end

  defp take_pids(pids, budget) do
    sorted = pids |> Enum.map(&Pids.canonical/1) |> Enum.sort()
    n = length(sorted)
    if n <= budget, do: {sorted, budget - n, false}, else: {Enum.take(sorted, budget), 0, true}
  end

  defp group_matches?(group, text), do: inspect(group) == text or group_text(group) == text

  defp group_text(g) when is_atom(g) and not is_nil(g) and not is_boolean(g), do: Atom.to_string(g)
  defp group_text(g) when is_binary(g), do: if(String.valid?(g), do: g, else: nil)
  defp group_text(_), do: nil

  defp pg_scope(name) do
    scope =
      try do
        String.to_existing_atom(name)
      rescue
        ArgumentError -> nil
      end

    pid = scope && Process.whereis(scope)

    if is_pid(pid) and pg_process?(pid),
      do: {:ok, scope},
      else: {:error, "no :pg scope #{name} runs on #{node()}"}
  end

  defp pg_process?(pid) do
    match?({:pg, :init, 1}, :proc_lib.translate_initial_call(pid))
  catch
    _, _ -> false
  end

  @doc "The `global_names` op: every `:global` name with the pid it resolves to."
  @spec global_names() :: {:ok, [map()]}
  def global_names do
    names =
      :global.registered_names()
      |> Enum.map(&{print_name(&1), &1})
      |> Enum.sort()
      |> Enum.take(@max_global_names)

    {:ok,
     for {printed, name} <- names do
       %{"printed" => printed, "text" => group_text(name), "pid" => Pids.canonical_or_nil(:global.whereis_name(name))}
     end}
  end

  defp print_name(name), do: name |> inspect(limit: 20, printable_limit: 256) |> truncate(1024)

  # ---------------------------------------------------------------------------------------------

  defp string_arg(args, key) do
    case Map.get(args, key) do
      s when is_binary(s) and byte_size(s) in 1..1024 -> {:ok, s}
      other -> {:error, "#{key} must be a non-empty string, got #{brief(other)}"}
    end
  end

  defp list_arg(args, key) do
    case Map.get(args, key, []) do
      nil -> {:ok, []}
      l when is_list(l) -> {:ok, l}
      other -> {:error, "#{key} must be a list, got #{brief(other)}"}
    end
  end

  defp ms_arg(args, key, default), do: Netsplit.Agent.Ops.ms_arg(args, key, default)

  defp brief(term), do: inspect(term, limit: 8, printable_limit: 256)
end
