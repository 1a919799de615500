defmodule Jobs.MixProject do
  use Mix.Project

  # No dependencies: OTP and Elixir only (netsplit runs the compiled `_build/prod`).
  def project do
    [
      app: :jobs,
      version: "0.1.0",
      elixir: "~> 1.14",
      start_permanent: Mix.env() == :prod,
      deps: [],
      elixirc_options: [warnings_as_errors: true],
      # `mix test`: the pure logic; `mix test --only clustered`: the 3-node smoke test (peers).
      # The application is never started in the test node itself.
      aliases: [test: "test --no-start"]
    ]
  end

  def application do
    [
      extra_applications: [:logger],
      mod: {Jobs.Application, []},
      # Every key can be overridden by a scenario's `cluster.app.config.jobs`.
      env: [
        variant: :naive,
        nodes: [],
        connect: false,
        feed_every_ms: 100,
        work_ms: 300,
        submit_timeout_ms: 1_000,
        dispatch_timeout_ms: 2_000,
        resubmit_after_ms: 2_000,
        takeover_after_ms: 1_000,
        lost_after_ms: 5_000
      ]
    ]
  end
end
