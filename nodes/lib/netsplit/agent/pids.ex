defmodule Netsplit.Agent.Pids do
  @moduledoc false
  # A pid as text that is the same on every node: "n1@127.0.0.1/<id>.<serial>". (inspect/1 and
  # pid_to_list/1 put a node-local index first, which differs from node to node.)

  @spec canonical(pid()) :: String.t()
  def canonical(pid) when is_pid(pid) do
    [_index, id, serial] =
      pid |> :erlang.pid_to_list() |> List.to_string() |> String.trim("<") |> String.trim(">") |> String.split(".")

    "#{node(pid)}/#{id}.#{serial}"
  end

  @spec canonical_or_nil(term()) :: String.t() | nil
  def canonical_or_nil(pid) when is_pid(pid), do: canonical(pid)
  def canonical_or_nil(_), do: nil
end
