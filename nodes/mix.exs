defmodule NetsplitAgent.MixProject do
  use Mix.Project

  # The node agent has NO hex dependencies: hex.pm is unreachable on the machines netsplit is
  # built on. Optional libraries (Horde) are detected at run time from code paths the harness
  # passes in, never compiled in.
  def project do
    [
      app: :netsplit_agent,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: false,
      deps: [],
      # The application needs a running harness (NETSPLIT_SECRET); unit tests don't start it.
      aliases: [test: "test --no-start"],
      elixirc_options: [warnings_as_errors: true]
    ]
  end

  def application do
    [
      extra_applications: [:logger, :crypto],
      mod: {Netsplit.Agent.Application, []}
    ]
  end
end
