/**
 * What `netsplit run --jobs N` prints while several scenarios run at once: no interleaved
 * timelines (each run's timeline goes to its `timeline.log`), but one status line per running
 * scenario, redrawn in place on a terminal; elsewhere (CI logs, pipes) a line when a scenario
 * starts, waits or ends and, every `heartbeatMs`, where each running one is. Then one table.
 * The formatting functions are pure; JobsDisplay only decides when to print them.
 */
import path from "node:path";
import { fmtCores, type Job, type JobCost, type JobEvent } from "../runner/jobs.js";
import type { RunOutcome } from "../runner/run.js";

export function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** `netsplit: 3 scenarios, up to 2 at a time (CPU budget 2 cores; costs: a 0.875, b 0.625, ...)` */
export function formatPlan(names: readonly string[], jobs: number, budget: number, costs: readonly JobCost[]): string {
  const each = names.map((n, i) => `${n} ${fmtCores(costs[i]!.cores)}`).join(", ");
  return `netsplit: ${plural(names.length, "scenario")}, up to ${jobs} at a time (CPU budget ${plural(budget, "core")}; cores each scenario reserves, 0.25 + nodes/8, at least 1 if net_ticktime < 4 s: ${each})`;
}

/** `waiting: slow-link (3 nodes, 0.625 cores): 2.25 of 2 cores in use by sixteen-node-split (16 nodes)` */
export function formatWaiting(job: Job, reason: string): string {
  return `waiting: ${job.scenario.name} (${plural(job.cost.nodes, "node")}, ${fmtCores(job.cost.cores)} cores): ${reason}`;
}

export function formatStart(job: Job, cwd = process.cwd()): string {
  return `started: ${job.scenario.name} (${plural(job.cost.nodes, "node")}) -> ${displayPath(job.runDir ?? "?", cwd)} (timeline.log there)`;
}

/** A progress line without its leading spaces: `+8.02s  PASS    cluster.mesh (350 ms): ...`. */
export function lastEvent(line: string): string {
  return line.replace(/^\s+/, "").replace(/\s{2,}/g, "  ");
}

/** `  ▸ kill-and-pause      12.3 s  +8.02s  partition [n1 n2 | n3 n4] ...`, cut to `columns`. */
export function formatStatus(name: string, width: number, elapsedMs: number, last: string | undefined, columns = 0): string {
  const line = `  ▸ ${name.padEnd(width)}  ${seconds(elapsedMs).padStart(7)}  ${last ? lastEvent(last) : "starting"}`;
  return columns > 0 && line.length > columns ? `${line.slice(0, Math.max(0, columns - 1))}…` : line;
}

export function formatEnd(job: Job, outcome: RunOutcome, ms: number, cwd = process.cwd()): string {
  const v = outcome.results.verdict.toUpperCase();
  return `${v.padEnd(7)} ${job.scenario.name} in ${seconds(ms)} (${displayPath(outcome.runDir, cwd)})`;
}

function displayPath(p: string, cwd: string): string {
  const rel = path.relative(cwd, p);
  return rel && !rel.startsWith("..") && !path.isAbsolute(rel) ? rel : p;
}

export interface TableRow {
  scenario: string;
  verdict: string;
  checks: { pass: number; fail: number; unknown: number; skipped: number };
  durationMs: number;
  runDir: string;
}

export function tableRow(outcome: RunOutcome): TableRow {
  const n = (v: string) => outcome.results.checks.filter((c) => c.verdict === v).length;
  return {
    scenario: outcome.results.scenario,
    verdict: outcome.results.verdict + (outcome.results.partial ? " (partial)" : ""),
    checks: { pass: n("pass"), fail: n("fail"), unknown: n("unknown"), skipped: n("skipped") },
    durationMs: outcome.results.duration_ms,
    runDir: outcome.runDir,
  };
}

/** One aligned table: scenario, verdict, checks, duration, run directory; then the wall time. */
export function formatTable(rows: readonly TableRow[], wallMs: number, cwd = process.cwd()): string {
  const checks = (c: TableRow["checks"]) => [c.pass && `${c.pass} pass`, c.fail && `${c.fail} fail`, c.unknown && `${c.unknown} unknown`, c.skipped && `${c.skipped} skipped`].filter(Boolean).join(", ") || "none";
  const cells = [["scenario", "verdict", "checks", "duration", "run directory"], ...rows.map((r) => [r.scenario, r.verdict.toUpperCase(), checks(r.checks), seconds(r.durationMs), displayPath(r.runDir, cwd)])];
  const widths = cells[0]!.map((_, i) => Math.max(...cells.map((row) => row[i]!.length)));
  const lines = cells.map((row) => row.map((c, i) => (i === row.length - 1 ? c : i === 3 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd());
  lines.splice(1, 0, widths.map((w) => "-".repeat(w)).join("  "));
  const total = rows.reduce((s, r) => s + r.durationMs, 0);
  lines.push(`${plural(rows.length, "scenario")} in ${seconds(wallMs)} of wall time (${seconds(total)} of run time added up)`);
  return `${lines.join("\n")}\n`;
}

export interface DisplayOptions {
  write: (text: string) => void;
  /** Redraw status lines in place (a terminal). */
  tty: boolean;
  columns: number;
  /** Without a terminal: print where each running scenario is this often (0: never). Default 30000. */
  heartbeatMs: number;
  cwd: string;
}

/** Prints a runScenarios call's events (see the file's comment). */
export class JobsDisplay {
  private readonly running = new Map<Job, string | undefined>();
  private waiting: string | undefined;
  private drawn = 0;
  private redrawTimer: NodeJS.Timeout | undefined;
  private heartbeat: NodeJS.Timeout | undefined;
  private width = 0;
  private readonly o: DisplayOptions;

  constructor(options: Partial<DisplayOptions> & Pick<DisplayOptions, "write">) {
    this.o = { tty: false, columns: 0, heartbeatMs: 30_000, cwd: process.cwd(), ...options };
  }

  onEvent = (e: JobEvent): void => {
    switch (e.type) {
      case "plan":
      case "setup":
        return;
      case "waiting":
        this.waiting = formatWaiting(e.job, e.reason);
        if (!this.o.tty) this.o.write(`${this.waiting}\n`);
        else this.scheduleRedraw();
        return;
      case "start":
        this.waiting = undefined;
        this.running.set(e.job, undefined);
        this.width = Math.max(this.width, e.job.scenario.name.length);
        this.permanent(formatStart(e.job, this.o.cwd));
        // a terminal: the elapsed times tick; elsewhere: where each run is, now and then
        if (!this.heartbeat && (this.o.tty || this.o.heartbeatMs > 0)) {
          this.heartbeat = setInterval(() => (this.o.tty ? this.scheduleRedraw() : this.beat()), this.o.tty ? 1000 : this.o.heartbeatMs);
          this.heartbeat.unref();
        }
        return;
      case "progress":
        // the run's header (`netsplit: NAME (seed N) -> DIR`) is already on the started line
        if (e.line.startsWith("netsplit: ")) return;
        this.running.set(e.job, e.line);
        if (this.o.tty) this.scheduleRedraw();
        return;
      case "end":
        this.running.delete(e.job);
        this.permanent(formatEnd(e.job, e.outcome, e.ms, this.o.cwd));
        if (this.running.size === 0 && this.heartbeat) {
          clearInterval(this.heartbeat);
          this.heartbeat = undefined;
        }
        return;
    }
  };

  /** Stops the timers and clears the status lines (before the table). */
  close(): void {
    if (this.redrawTimer) clearTimeout(this.redrawTimer);
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.redrawTimer = this.heartbeat = undefined;
    if (this.o.tty) this.clear();
  }

  /** The status lines, as drawn now. */
  statusLines(now = Date.now()): string[] {
    const lines = [...this.running].map(([job, last]) => formatStatus(job.scenario.name, this.width, now - (job.startedAt ?? now), last, this.o.columns));
    if (this.waiting) lines.push(this.o.columns > 0 && this.waiting.length > this.o.columns ? `${this.waiting.slice(0, this.o.columns - 1)}…` : this.waiting);
    return lines;
  }

  private beat(): void {
    if (this.running.size > 0) this.o.write(`running:\n${this.statusLines().filter((l) => !l.startsWith("waiting")).join("\n")}\n`);
  }

  private permanent(line: string): void {
    if (this.o.tty) {
      this.clear();
      this.o.write(`${line}\n`);
      this.draw();
    } else this.o.write(`${line}\n`);
  }

  private scheduleRedraw(): void {
    if (this.redrawTimer) return;
    this.redrawTimer = setTimeout(() => {
      this.redrawTimer = undefined;
      this.clear();
      this.draw();
    }, 100);
    this.redrawTimer.unref();
  }

  private clear(): void {
    if (this.drawn > 0) this.o.write(`\x1b[${this.drawn}A\x1b[J`);
    this.drawn = 0;
  }

  private draw(): void {
    const lines = this.statusLines();
    if (lines.length > 0) this.o.write(`${lines.join("\n")}\n`);
    this.drawn = lines.length;
  }
}
