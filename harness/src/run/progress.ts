/** Progress lines for a person watching a run. */
import { now } from "../util/clock.js";

/** The progress lines' time column: seconds since the run started (`startedAt`), e.g. ` +12.34s`. */
export function rel(ctx: { readonly startedAt: number }, t = now()): string {
  return `+${((t - ctx.startedAt) / 1000).toFixed(2)}s`.padStart(9);
}
