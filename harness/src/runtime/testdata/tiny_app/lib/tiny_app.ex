defmodule TinyApp do
  @moduledoc "A release that boots itself; `TINY_APP_FAIL=1` makes its application fail to start."
  use Application

  @impl true
  def start(_type, _args) do
    if System.get_env("TINY_APP_FAIL") == "1" do
      IO.puts(:stderr, "tiny_app: refusing to start (TINY_APP_FAIL=1)")
      {:error, :tiny_app_told_to_fail}
    else
      Supervisor.start_link([], strategy: :one_for_one, name: TinyApp.Sup)
    end
  end

  @doc "True once the application runs."
  def ready?, do: Process.whereis(TinyApp.Sup) != nil
end
