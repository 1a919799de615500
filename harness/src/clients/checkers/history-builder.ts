/**
 * Hand-made histories for the checkers' tests, written the way Jepsen's tests write them:
 * `invoke(p, f, value, t)` then `ok(p, t, value?)` / `fail(p, t)` / `info(p, t)`; `op(...)` does
 * both at once. Built with the real OpLog, so the ops are exactly what a run records.
 */
import { OpLog } from "../history.js";
import type { Op } from "../types.js";

export class HistoryBuilder {
  private readonly log = new OpLog({ keep: true });

  invoke(process: number, f: string, value: unknown, t: number, node = "n1"): this {
    this.log.invoke({ process, node, f, value, startMs: t, startAt: new Date(t).toISOString() });
    return this;
  }

  ok(process: number, t: number, ...value: unknown[]): this {
    this.log.complete(process, "ok", t, new Date(t).toISOString(), value.length ? { value: value[0] } : {});
    return this;
  }

  fail(process: number, t: number, error = "returned {:error, :nope}"): this {
    this.log.complete(process, "fail", t, new Date(t).toISOString(), { error });
    return this;
  }

  info(process: number, t: number, error = "did not return within 1000 ms"): this {
    this.log.complete(process, "info", t, new Date(t).toISOString(), { error });
    return this;
  }

  /** invoke at t, complete at t + 1 (ok takes `result`, default the value). */
  op(process: number, f: string, value: unknown, type: "ok" | "fail" | "info", t: number, ...result: unknown[]): this {
    this.invoke(process, f, value, t);
    if (type === "ok") return this.ok(process, t + 1, ...(result.length ? result : [value]));
    return type === "fail" ? this.fail(process, t + 1) : this.info(process, t + 1);
  }

  get ops(): Op[] {
    return this.log.ops;
  }
}

export const history = () => new HistoryBuilder();
