/**
 * A third-party server's boot under netsplit (examples/rabbitmq: three nodes of Debian's
 * rabbitmq-server, each started by the server's own script) against the server's own boot
 * without netsplit (same config, same machine, alternating which goes first):
 *
 *   under netsplit = cluster_ready.boot_ms + (app_ready.t − cluster_ready.t) of a run of the
 *                    example's scenario without its steps and checks, read from the history:
 *                    Toxiproxy and its 6 proxies, the run's epmd, the three start scripts, the
 *                    agents, RabbitMQ forming its own cluster, `:rabbit.is_running/0` true on all.
 *   floor          = the same three nodes by their scripts alone (classic_config naming each
 *                    other, no proxies, no agent), from spawning them until each console printed
 *                    "Server startup complete" (one private epmd daemon, started before the
 *                    clock, so no system epmd is left behind);
 *   detail         = also one node alone (the server's own boot time on this machine), and the
 *                    netsplit side split into its two phases.
 * Skipped (no figure) where /usr/lib/rabbitmq/bin/rabbitmq-server is absent.
 *
 * `npx tsx bench/rabbitmq.ts [--reps K]` prints the figure; `measureRabbitmq` is for bench/run.ts.
 */
import { spawn } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { runScenario } from "../harness/src/index.js";
import { History } from "../harness/src/run/history.js";
import { startRunEpmd } from "../harness/src/runtime/app-process.js";
import { REPO_ROOT } from "../harness/src/util/paths.js";
import { freePorts } from "../harness/src/util/ports.js";
import { figure, type Figure } from "./lib/results.js";
import { median } from "./lib/stats.js";
import { now, sleep } from "./lib/procs.js";
import type { Log } from "./lib/log.js";

export const RABBITMQ_SERVER = "/usr/lib/rabbitmq/bin/rabbitmq-server";
const EXAMPLE = path.join(REPO_ROOT, "examples", "rabbitmq");
export const RABBITMQ_FLOOR_LABEL = "the same 3 RabbitMQ nodes started by their own scripts alone, clustered by RabbitMQ without proxies (same config, one private epmd), spawn until each printed \"Server startup complete\"";

interface NetsplitSample {
  bootMs: number;
  appMs: number;
}

/** The example's scenario without its steps and checks, in a copy of the example folder. */
function bootOnlyScenario(dir: string): string {
  cpSync(EXAMPLE, dir, { recursive: true });
  const text = readFileSync(path.join(dir, "pause-minority.yaml"), "utf8");
  const file = path.join(dir, "boot-only.yaml");
  writeFileSync(file, text.slice(0, text.indexOf("\nsteps:")).replace("name: rabbitmq-pause-minority", "name: bench-rabbitmq-boot") + "\n");
  return file;
}

async function underNetsplit(file: string, outDir: string): Promise<NetsplitSample> {
  const { runDir } = await runScenario(file, { outDir });
  const { entries } = History.read(path.join(runDir, "history.msgpack"));
  const ready = entries.find((e) => e.type === "cluster_ready");
  const app = entries.find((e) => e.type === "app_ready");
  if (!ready || !app) throw new Error(`the RabbitMQ run did not get ready: ${String(entries.find((e) => e.type === "run_error" || e.type === "run_end")?.error ?? "see " + runDir)}`);
  rmSync(runDir, { recursive: true, force: true });
  return { bootMs: Number(ready.boot_ms), appMs: app.t - ready.t };
}

/**
 * `n` nodes by their scripts alone, clustered by RabbitMQ (classic_config naming each other,
 * every node registered with one private epmd, no proxies): the ms from spawning them all until
 * each has printed "Server startup complete" (n = 1: one node alone).
 */
async function aloneOnce(dir: string, n: number): Promise<number> {
  rmSync(dir, { recursive: true, force: true });
  const ports = await freePorts("127.0.0.1", 2 * n + 1);
  const epmdPort = ports[2 * n]!;
  const names = Array.from({ length: n }, (_, i) => `floor${i + 1}@127.0.0.1`);
  const template = readFileSync(path.join(EXAMPLE, "rabbitmq.conf"), "utf8");
  const epmd = await startRunEpmd(`bench-rabbitmq-${process.pid}`, epmdPort);
  const children: ReturnType<typeof spawn>[] = [];
  const exits: Promise<void>[] = [];
  try {
    const t0 = now();
    const ready = names.map((name, i) => {
      const home = path.join(dir, `n${i + 1}`);
      mkdirSync(path.join(home, "log"), { recursive: true });
      const conf = template
        .replace(/^cluster_formation\.classic_config\.nodes\.(\d+) = .*$/gm, (line, k: string) => (Number(k) <= n ? `cluster_formation.classic_config.nodes.${k} = ${names[Number(k) - 1]}` : ""))
        .replaceAll("{port:amqp}", String(ports[n + i]))
        .replaceAll("{dir}", home);
      writeFileSync(path.join(home, "rabbitmq.conf"), conf);
      cpSync(path.join(EXAMPLE, "enabled_plugins"), path.join(home, "enabled_plugins"));
      cpSync(path.join(EXAMPLE, "rabbitmq-env.conf"), path.join(home, "rabbitmq-env.conf"));
      const child = spawn(RABBITMQ_SERVER, [], {
        detached: true,
        stdio: ["ignore", "pipe", "pipe"],
        env: {
          // one HOME for all: one cookie
          PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: dir, LANG: "C.UTF-8", ERL_EPMD_PORT: String(epmdPort),
          RABBITMQ_NODENAME: name, RABBITMQ_USE_LONGNAME: "true", RABBITMQ_DIST_PORT: String(ports[i]),
          RABBITMQ_CONFIG_FILE: path.join(home, "rabbitmq.conf"), RABBITMQ_CONF_ENV_FILE: path.join(home, "rabbitmq-env.conf"),
          RABBITMQ_ADVANCED_CONFIG_FILE: path.join(home, "advanced.config"), RABBITMQ_ENABLED_PLUGINS_FILE: path.join(home, "enabled_plugins"),
          RABBITMQ_PLUGINS_EXPAND_DIR: path.join(home, "plugins-expand"), RABBITMQ_MNESIA_BASE: path.join(home, "mnesia"),
          RABBITMQ_LOG_BASE: path.join(home, "log"), RABBITMQ_PID_FILE: path.join(home, "rabbitmq.pid"),
        },
      });
      children.push(child);
      const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
      exits.push(exited);
      return new Promise<number>((resolve, reject) => {
        let out = "";
        const timer = setTimeout(() => reject(new Error(`${name} did not start within 120 s:\n${out.slice(-2000)}`)), 120_000);
        const onData = (d: Buffer) => {
          out += d.toString();
          if (/Server startup complete/.test(out)) {
            clearTimeout(timer);
            resolve(now() - t0);
          }
        };
        child.stdout!.on("data", onData);
        child.stderr!.on("data", onData);
        void exited.then(() => {
          clearTimeout(timer);
          reject(new Error(`${name} exited during boot:\n${out.slice(-2000)}`));
        });
      });
    });
    return Math.max(...(await Promise.all(ready)));
  } finally {
    for (const child of children) {
      try {
        process.kill(-child.pid!, "SIGKILL"); // the script and its BEAM: one process group
      } catch {
        // gone already
      }
    }
    await Promise.all(exits);
    await epmd.stop();
  }
}

export async function measureRabbitmq(reps: number, log: Log): Promise<Figure[]> {
  if (!existsSync(RABBITMQ_SERVER)) {
    log(`rabbitmq: skipped: ${RABBITMQ_SERVER} is absent (NETSPLIT_WITH_RABBITMQ=1 scripts/bootstrap.sh)`);
    return [];
  }
  const work = mkdtempSync(path.join(tmpdir(), "netsplit-bench-rabbitmq-"));
  const load = () => loadavg().map((l) => Math.round(l * 100) / 100);
  const loadAtStart = load();
  const netsplit: NetsplitSample[] = [];
  const alone: number[] = [];
  const single: number[] = [];
  try {
    const file = bootOnlyScenario(path.join(work, "example"));
    for (let rep = 0; rep < reps; rep++) {
      const order = rep % 2 === 0 ? ["single", "alone", "netsplit"] : ["netsplit", "alone", "single"];
      for (const which of order) {
        if (which === "single") single.push(await aloneOnce(path.join(work, "single"), 1));
        else if (which === "alone") alone.push(await aloneOnce(path.join(work, "alone"), 3));
        else netsplit.push(await underNetsplit(file, path.join(work, "runs")));
        await sleep(500);
      }
      const s = netsplit.at(-1)!;
      log(`rabbitmq rep ${rep + 1}/${reps}: 3 nodes under netsplit ${Math.round(s.bootMs + s.appMs)} ms (agents ${Math.round(s.bootMs)} + RabbitMQ ready ${Math.round(s.appMs)}), the same 3 nodes alone ${Math.round(alone.at(-1)!)} ms, one node alone ${Math.round(single.at(-1)!)} ms`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return [figure({
    id: "rabbitmq.n3",
    group: "app",
    label: "RabbitMQ 3-node cluster ready under netsplit (examples/rabbitmq)",
    unit: "ms",
    samples: netsplit.map((s) => s.bootMs + s.appMs),
    floor: { label: RABBITMQ_FLOOR_LABEL, samples: alone },
    detail: {
      one_node_alone_ms: Math.round(median(single)),
      agents_ready_ms: Math.round(median(netsplit.map((s) => s.bootMs))),
      rabbitmq_ready_after_ms: Math.round(median(netsplit.map((s) => s.appMs))),
      load_average_start: loadAtStart,
      load_average_end: load(),
    },
    note: "under netsplit = cluster_ready.boot_ms + (app_ready.t − cluster_ready.t), ready = :rabbit.is_running/0 true on all three nodes (RabbitMQ forms its own cluster); floor = the same 3 nodes by their scripts alone until each printed \"Server startup complete\"; one_node_alone_ms = one node by its script alone",
  })];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const i = process.argv.indexOf("--reps");
  const reps = i > 0 ? Number(process.argv[i + 1]) : 3;
  const figures = await measureRabbitmq(reps, (line) => process.stderr.write(`${line}\n`));
  for (const f of figures) console.log(`${f.label}: median ${Math.round(f.median)} ms, floor ${Math.round(f.floor?.median ?? Number.NaN)} ms (${f.ratio}×) ${JSON.stringify(f.detail)}`);
}
