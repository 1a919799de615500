defmodule Netsplit.Agent.Log do
  @moduledoc false
  # The agent's own log lines, straight to OTP's `:logger` (`Netsplit.Agent.Log.warning("...")`
  # after `require Netsplit.Agent.Log`). The agent does not start Elixir's Logger application:
  # at boot it costs every node CPU time (a dozen modules loaded and JIT-compiled, a console
  # backend, a formatter compiled) before the ready line, and a node needs none of it. The
  # node's stdout log then uses OTP's `default` handler and format; the location metadata is
  # what Elixir's Logger macros would add (the log forwarder sends `mfa` to the harness).
  # An application under test that starts Elixir's Logger itself gets it as usual.

  for level <- [:error, :warning, :info] do
    @doc false
    defmacro unquote(level)(message) do
      level = unquote(level)
      caller = __CALLER__

      mfa =
        case caller.function do
          {name, arity} -> {caller.module, name, arity}
          nil -> nil
        end

      meta = Macro.escape(%{mfa: mfa, file: String.to_charlist(caller.file), line: caller.line})

      quote do
        :logger.log(unquote(level), unquote(message), unquote(meta))
      end
    end
  end
end
