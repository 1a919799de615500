/**
 * `npm run bench`: measures netsplit's cost against the physical floor measured on the same
 * machine in the same run, writes every sample to bench/results.json and regenerates
 * docs/BENCHMARKS.md from it (bench/report.ts). Options: bench/lib/options.ts.
 *
 * A benchmark, not a test: nothing here asserts a time. A measurement that fails is reported
 * and the others still run; the exit code is 1 if any failed.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { REPO_ROOT } from "../harness/src/util/paths.js";
import { measureAgentBoot } from "./agent-boot.js";
import { measureApp } from "./app.js";
import { measureClusterReady } from "./cluster-ready.js";
import { measureDetection } from "./detection.js";
import { measureDocker } from "./docker.js";
import { measureFaultApply } from "./fault-apply.js";
import { measureMemory } from "./memory.js";
import { measurePhases } from "./phases.js";
import { writeReport } from "./report.js";
import { measureStability } from "./stability.js";
import { measureRabbitmq } from "./rabbitmq.js";
import { measureSuite } from "./suite.js";
import { stderrLog } from "./lib/log.js";
import { machineFacts } from "./lib/machine.js";
import { MEASUREMENTS, parseOptions, plan, type Measurement } from "./lib/options.js";
import type { BenchResults, Figure, Skipped } from "./lib/results.js";

/** Which figure ids each measurement produces (to replace them in an existing results file). */
const PREFIX: Record<Measurement, string> = {
  cluster: "cluster_ready.", phases: "cluster_phases.", boot: "agent_boot.", fault: "fault_apply.", detection: "detection.",
  memory: "memory.", docker: "docker.", suite: "suite.", app: "app.", stability: "stability.", rabbitmq: "rabbitmq.",
};

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  const p = plan(options);
  const log = stderrLog();
  const startedAt = new Date();
  log(`netsplit bench: ${options.only.join(", ")}${options.quick ? " (quick)" : ""} -> ${options.out}`);
  const machine = await machineFacts();
  log(`machine: ${machine.cpus} cpus, ${machine.memoryGiB} GiB, OTP ${machine.otp}, ${machine.elixir}, Toxiproxy ${machine.toxiproxy}, load ${machine.loadAverageAtStart.join(" ")}`);

  const figures: Figure[] = [];
  const skipped: Skipped[] = [];
  let failures = 0;
  const steps: Record<Measurement, () => Promise<void>> = {
    cluster: async () => void figures.push(...(await measureClusterReady(p.clusterSizes, p.clusterReps, log))),
    phases: async () => void figures.push(...(await measurePhases(p.phaseSizes, p.phaseReps, log))),
    boot: async () => void figures.push(...(await measureAgentBoot(p.bootReps, log))),
    fault: async () => void figures.push(...(await measureFaultApply(p.faultSizes, ["blackhole", "reset"], p.faultReps, log))),
    detection: async () => void figures.push(...(await measureDetection(p.detectionSize, p.detectionReps, log))),
    memory: async () => void figures.push(...(await measureMemory(p.memorySizes, p.memoryReps, log))),
    docker: async () => {
      const d = await measureDocker(p.dockerSizes, p.dockerReps, log);
      figures.push(...d.figures);
      skipped.push(...d.skipped);
    },
    suite: async () => void figures.push(...(await measureSuite(p.suiteReps, log))),
    app: async () => void figures.push(...(await measureApp(p.appSizes, p.appReps, log))),
    stability: async () => void figures.push(...(await measureStability(p.stabilityReps, p.stabilityJobs, log))),
    rabbitmq: async () => void figures.push(...(await measureRabbitmq(p.rabbitmqReps, log))),
  };
  for (const m of options.only) {
    const t0 = Date.now();
    try {
      await steps[m]();
      log(`${m}: done in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    } catch (err) {
      failures++;
      const reason = `the measurement failed: ${(err as Error)?.stack ?? String(err)}`;
      log(`${m}: ${reason}`);
      skipped.push({ id: `${PREFIX[m]}error`, group: m, label: m, reason: reason.split("\n")[0]! });
    }
  }

  const finishedAt = new Date();
  const measuredAt = startedAt.toISOString();
  for (const f of figures) (f as Figure & { measuredAt?: string }).measuredAt = measuredAt;
  const fresh: BenchResults = {
    netsplitBench: 1,
    startedAt: measuredAt,
    finishedAt: finishedAt.toISOString(),
    durationS: Math.round((finishedAt.getTime() - startedAt.getTime()) / 1000),
    command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(" ")}` : ""}`,
    options: { quick: options.quick, only: options.only, reps: options.reps },
    machine: { ...machine, loadAverageAtEnd: os.loadavg().map((l) => Math.round(l * 100) / 100) },
    figures,
    skipped,
  };
  const outFile = path.resolve(REPO_ROOT, options.out);
  const results = options.only.length < MEASUREMENTS.length && existsSync(outFile) ? merge(JSON.parse(readFileSync(outFile, "utf8")) as BenchResults, fresh, options.only) : fresh;
  mkdirSync(path.dirname(outFile), { recursive: true });
  writeFileSync(outFile, `${JSON.stringify(results, null, 2)}\n`);
  log(`wrote ${path.relative(process.cwd(), outFile)} (${results.figures.length} figures, ${fresh.durationS} s)`);
  if (options.doc !== null) {
    const doc = path.resolve(REPO_ROOT, options.doc);
    writeReport(results, doc, path.relative(REPO_ROOT, outFile));
    log(`wrote ${path.relative(process.cwd(), doc)}`);
  }
  for (const f of figures) {
    const verdict = f.met === undefined ? "" : f.met ? "  met" : "  MISSED";
    log(`${f.label}: ${f.median} ${f.unit}${f.ratio !== undefined ? ` (${f.ratio}× floor ${f.floor!.median} ${f.unit})` : ""}${verdict}`);
  }
  return failures > 0 ? 1 : 0;
}

/** Keeps the figures of measurements not rerun; the rest (and the machine facts) come from this run. */
function merge(old: BenchResults, fresh: BenchResults, only: readonly Measurement[]): BenchResults {
  const rerun = (id: string) => only.some((m) => id.startsWith(PREFIX[m]));
  return {
    ...fresh,
    figures: [...old.figures.filter((f) => !rerun(f.id)), ...fresh.figures],
    skipped: [...old.skipped.filter((s) => !rerun(s.id)), ...fresh.skipped],
    command: `${old.command}; then ${fresh.command}`,
  };
}

main().then(
  (code) => process.exit(code),
  (err) => {
    process.stderr.write(`netsplit bench: ${(err as Error)?.message ?? String(err)}\n`);
    process.exit(2);
  },
);
