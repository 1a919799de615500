/**
 * Starting the application under test on running nodes, and waiting until it is ready:
 *
 *   boot (agent up) -> app_start on every node -> [formation: app] the app's own mesh
 *                   -> ready: { call } passes on every node (default: the apps started)
 *
 * Each step is bounded and recorded in the history; a failure is an AppStartError whose message
 * is one sentence naming the node and the app's own reason, which ends the run as unknown.
 */
import type { AppStartReply } from "../agent/ops.js";
import { NetsplitError } from "../errors.js";
import type { RunContext } from "../run/context.js";
import { now } from "../util/clock.js";
import { callOn, type CallOutcome } from "./calls.js";
import type { PreparedApp } from "./prepare.js";

export class AppStartError extends NetsplitError {}

const DEFAULT_READY_MS = 30_000;
const POLL_MS = 100;

/** Starts the app on `nodes` (all at boot; one after a restart), then waits until it is ready there. */
export async function startApp(ctx: RunContext, app: PreparedApp, nodes: readonly string[]): Promise<void> {
  const t0 = now();
  const timeoutMs = app.spec.ready?.timeoutMs ?? DEFAULT_READY_MS;
  if (app.mix) {
    const mix = app.mix;
    await Promise.all(nodes.map(async (n) => {
      try {
        const reply = await ctx.cluster.agent(n).call<AppStartReply>("app_start", {
          apps: [...mix.apps],
          config_etf: app.configEtf ?? null,
          runtime_config: mix.runtimeExs ?? null,
          config_env: mix.mixEnv,
          overrides: app.spec.config,
          timeout_ms: timeoutMs,
        }, timeoutMs + 5000);
        ctx.history.record("app_started", { node: n, apps: mix.apps, started: reply.started, ms: Math.round(reply.us / 1000) });
      } catch (err) {
        ctx.history.record("app_failed", { node: n, error: (err as Error).message });
        throw new AppStartError("app_start_failed", `the application under test did not start on ${n}: ${(err as Error).message} (its log: logs/${n}.log)`);
      }
    }));
  }
  await awaitReady(ctx, app, nodes, t0 + timeoutMs);
  ctx.history.record("app_ready", { nodes, ms: Math.round(now() - t0) });
}

async function awaitReady(ctx: RunContext, app: PreparedApp, nodes: readonly string[], deadline: number): Promise<void> {
  if (ctx.cluster.formation === "app") {
    try {
      await ctx.cluster.waitForMesh(Math.max(0, deadline - now()));
    } catch {
      throw new AppStartError("app_no_mesh", `the application did not form a full mesh within ${app.spec.ready?.timeoutMs ?? DEFAULT_READY_MS} ms (cluster.formation: app, so netsplit does not dial): ${ctx.cluster.describeViews()}`);
    }
  }
  const ready = app.spec.ready;
  if (!ready) return;
  let last: CallOutcome[] = [];
  let pending = [...nodes];
  while (!ctx.signal.aborted) {
    last = await Promise.all(pending.map((n) => callOn(ctx, n, ready.call, Math.max(1000, Math.min(5000, deadline - now())), ready.expect)));
    pending = last.filter((o) => o.verdict !== "pass").map((o) => o.node);
    if (pending.length === 0) return;
    const final = last.find((o) => o.final);
    if (final || now() >= deadline) {
      const why = last.filter((o) => o.verdict !== "pass").map((o) => `${o.node}: ${o.what}`).join("; ");
      throw new AppStartError("app_not_ready", `the application was not ready within ${ready.timeoutMs} ms: ${ready.call.text} ${final ? "cannot pass" : "did not pass"} (${why})`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
