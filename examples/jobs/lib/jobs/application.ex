defmodule Jobs.Application do
  @moduledoc false
  use Application

  @impl true
  def start(_type, _args) do
    # Fails the start, with the reason, on a variant that is neither naive nor fixed.
    _ = Jobs.Config.variant()
    short = node() |> Atom.to_string() |> String.split("@") |> hd()
    :persistent_term.put({Jobs, :id_prefix}, {short, Integer.to_string(System.system_time(:millisecond), 36)})

    feed_every = Jobs.Config.ms(:feed_every_ms)

    children =
      [
        %{id: :pg_jobs, start: {:pg, :start_link, [:jobs]}},
        Jobs.Journal,
        {Task.Supervisor, name: Jobs.TaskSup},
        Jobs.Worker,
        Jobs.Observer,
        {DynamicSupervisor, name: Jobs.CoordinatorSup, strategy: :one_for_one},
        Jobs.Elector
      ] ++
        if(Jobs.Config.connect?(), do: [Jobs.Connector], else: []) ++
        if(feed_every > 0, do: [{Jobs.Feeder, feed_every}], else: [])

    Supervisor.start_link(children, strategy: :one_for_one, name: Jobs.Supervisor)
  end
end
