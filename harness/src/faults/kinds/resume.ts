/** `resume`: unfreeze paused nodes with SIGCONT (docker: unpause). */
import { nodeAction } from "./node-action.js";

export const resume = nodeAction("resume", { as: "node_up" });
