# Reads a Mix project's config/config.exs on the host with Elixir's own config reader, for one
# MIX_ENV, and writes the result (a keyword list of {app, keyword}) as an Erlang external term to
# OUT. Used by netsplit for `cluster.app: { mix: ... }` (harness/src/app/config.ts); the agent
# applies it on every node before the app starts. Usage: elixir read-mix-config.exs CONFIG ENV OUT
[config_path, env, out] = System.argv()
env = String.to_atom(env)
# old-style config files ask Mix for the env
if Code.ensure_loaded?(Mix), do: Mix.env(env)
config = Config.Reader.read!(config_path, env: env, target: :host)
File.write!(out, :erlang.term_to_binary(config))
