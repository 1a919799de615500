/**
 * The Horde workload: Horde's registry and supervisor on every node, its keys started once at
 * boot (horde/workload.ts); horde.unique and horde.no_loss read them. Skipped when Horde is not
 * available.
 */
import { spawnHordeKeys, startHordeOn } from "../horde/workload.js";
import type { WorkloadKind } from "./workload.js";

export const horde: WorkloadKind = {
  name: "horde",
  checks: ["horde.unique", "horde.no_loss"],
  present: (ctx) => ctx.scenario.workload.horde.length > 0,
  // a restarted node rejoins the Horde cluster; the keys themselves are started once, at boot
  startOn: (ctx, nodes) => startHordeOn(ctx, nodes),
  afterNodes: (ctx) => spawnHordeKeys(ctx),
};
