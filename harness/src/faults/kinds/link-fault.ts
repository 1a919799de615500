/** What the link fault kinds share: recording an applied fault, and naming links. */
import type { RunContext } from "../../run/context.js";
import { rel } from "../../run/progress.js";
import type { AppliedFault } from "../link-faults.js";
import type { HowApplied } from "./kind.js";

/** Records an applied link fault or heal: the history entry, the fault state and one progress line. */
export function recordLinkFault(ctx: RunContext, how: HowApplied, f: AppliedFault, what: string): void {
  ctx.lastChangeAt = f.appliedAt;
  ctx.history.record("fault", { step: how.path, ...f, ...(how.nemesis ? { nemesis: true } : {}) }, f.startedAt);
  const links = f.directions[0] === "all" ? "" : `${f.directions.length} directed links, `;
  ctx.progress(`${rel(ctx, f.startedAt)}  ${how.nemesis ? "nemesis " : ""}${what} (${links}applied in ${Math.round(f.appliedAt - f.startedAt)} ms)`);
}

/** "all links" or "n1-n2, n2-n3". */
export function linksText(all: boolean, links: readonly (readonly string[])[]): string {
  return all ? "all links" : links.map((l) => l.join("-")).join(", ");
}
