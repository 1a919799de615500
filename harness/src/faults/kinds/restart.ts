/** `restart`: stop and start the nodes again; their workload starts again once they run. */
import { drawRunning, nodeAction } from "./node-action.js";

export const restart = nodeAction("restart", { as: "node_bounce" }, drawRunning("restart", "instant"));
