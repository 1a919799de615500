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
        # Elixir's logger and crypto are not dependencies of the agent, but the release carries
        # them, loaded, not started: an application under test may need them (its
        # Application.ensure_all_started starts them then), and distribution may need crypto
        applications: [netsplit_agent: :load, logger: :load, crypto: :load]
      ]
    ]
  end

  def application do
    [
      # Neither Elixir's :logger nor :crypto: the agent logs through OTP's :logger
      # (Netsplit.Agent.Log) and checks the control secret without OpenSSL (Netsplit.Agent.Conn),
      # and either would cost every node CPU time before the cluster is ready.
      extra_applications: [],
      mod: {Netsplit.Agent.Application, []}
    ]
  end
end
