/** `kill`: SIGKILL the nodes (docker: kill). The nemesis starts them again at its next draw. */
import { drawRunning, nodeAction } from "./node-action.js";

export const kill = nodeAction("kill", { as: "node_down" }, drawRunning("kill", "interval"));
