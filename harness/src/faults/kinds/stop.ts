/** `stop`: stop the nodes gracefully (SIGTERM, then SIGKILL; docker: stop). */
import { nodeAction } from "./node-action.js";

export const stop = nodeAction("stop", { as: "node_down" });
