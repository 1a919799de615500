/** The workload kinds, in the order the runner sets them up. */
import { global } from "./global.js";
import { horde } from "./horde.js";
import { pg } from "./pg.js";
import type { WorkloadKind } from "./workload.js";

export type { WorkloadKind } from "./workload.js";

export const WORKLOADS: readonly WorkloadKind[] = [pg, global, horde];
