/** `pause`: freeze the nodes with SIGSTOP (docker: pause); the nemesis resumes them at its next draw. */
import { drawRunning, nodeAction } from "./node-action.js";

export const pause = nodeAction("pause", { as: "node_down" }, drawRunning("pause", "interval"));
