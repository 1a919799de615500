defmodule Netsplit.Agent.Application do
  @moduledoc false
  use Application

  @impl true
  def start(_type, _args) do
    secret = System.get_env("NETSPLIT_SECRET")

    if secret in [nil, ""] do
      {:error, {:missing_env, "NETSPLIT_SECRET"}}
    else
      children = [
        {Task.Supervisor, name: Netsplit.Agent.Tasks},
        {Task.Supervisor, name: Netsplit.Agent.Probes},
        Netsplit.Agent.Events,
        # warnings, errors and a few info reports, as `log` events (bounded, never blocking)
        Netsplit.Agent.LogForwarder,
        Netsplit.Agent.Workloads,
        Netsplit.Agent.Horde,
        {Netsplit.Agent.Reconnector, interval_ms: reconnect_interval()},
        {Netsplit.Agent.Control, secret: secret, ip: control_ip(), port: control_port()}
      ]

      Supervisor.start_link(children, strategy: :one_for_one, name: Netsplit.Agent.Supervisor)
    end
  end

  defp reconnect_interval do
    case System.get_env("NETSPLIT_RECONNECT_MS", "500") do
      "off" -> nil
      ms -> String.to_integer(ms)
    end
  end

  defp control_ip do
    {:ok, ip} = :inet.parse_address(String.to_charlist(System.get_env("NETSPLIT_CONTROL_IP", "127.0.0.1")))
    ip
  end

  defp control_port, do: String.to_integer(System.get_env("NETSPLIT_CONTROL_PORT", "0"))
end
