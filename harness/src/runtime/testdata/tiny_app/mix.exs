defmodule TinyApp.MixProject do
  use Mix.Project

  # A release under test for harness/src/runtime/app-process.int.test.ts: no deps, one module.
  def project do
    [app: :tiny_app, version: "0.1.0", elixir: "~> 1.14", deps: [], releases: [tiny_app: [include_executables_for: [:unix]]]]
  end

  def application do
    [mod: {TinyApp, []}, extra_applications: [:logger]]
  end
end
