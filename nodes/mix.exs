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
      elixirc_options: [warnings_as_errors: true],
      releases: releases()
    ]
  end

  # The release the docker runtime puts into node images (`netsplit images`): ERTS included, so
  # the image needs only a glibc as new as the build host's. The agent application is only
  # loaded by the boot script; rel/vm.args.eex boots it the same way the local runtime does
  # (`Netsplit.Agent.boot/0`), configured by the same NETSPLIT_* environment variables.
  defp releases do
    [
      netsplit_agent: [
        include_executables_for: [:unix],
        include_erts: true,
        applications: [netsplit_agent: :load]
      ]
    ]
  end

  def application do
    [
      extra_applications: [:logger, :crypto],
      mod: {Netsplit.Agent.Application, []}
    ]
  end
end
