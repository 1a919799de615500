/**
 * Samples, while a soak runs, what could leak: the RSS and open fds of the harness (this
 * process; also V8's heapUsed, after a full GC at cycle ends), of toxiproxy-server and of every
 * BEAM node; Toxiproxy's proxies, enabled proxies and toxics (GET /proxies); and the size of the
 * run's history file, which grows by design and explains part of the harness's heap growth.
 *
 * Two kinds of samples: a `tick` every intervalMs (whatever the cluster is doing), and a
 * `cycle_end` taken synchronously when the runner prints "soak cycle done", i.e. after the heal,
 * the mesh and the mid-run checks: the same phase every cycle, so those are the samples the
 * growth verdicts use. Toxiproxy is counted at ticks (mid-fault too) and right after each heal
 * (`afterHeal`, when the runner prints "heal all"): then no toxic may be left and every proxy
 * must be enabled. Not at cycle ends: the next cut follows at once and would race the request.
 */
import { readFileSync, statSync } from "node:fs";
import path from "node:path";
import type { ProxyCount } from "./analysis.js";
import { harnessChildren, readFigures, tcpSockets, type HarnessChild } from "./procfs.js";

export interface Figures {
  pid: number;
  rss_kb: number;
  fds: number;
  /** Harness and toxiproxy: fds that are Toxiproxy API connections (the client's keep-alive pool). */
  api_conns?: number;
}

export interface Sample {
  /** ms since the soak started. */
  t_ms: number;
  /** Cycles completed at this moment. */
  cycle: number;
  at: "tick" | "cycle_end";
  /**
   * heap_used_kb, heap_total_kb (V8's committed heap), external_kb, array_buffers_kb:
   * process.memoryUsage(), after the GC at cycle ends; heap_after_gc_kb at cycle ends with GC control.
   */
  harness: Figures & { heap_used_kb: number; heap_total_kb: number; external_kb: number; array_buffers_kb: number; heap_after_gc_kb?: number };
  toxiproxy?: Figures;
  nodes: Record<string, Figures>;
  proxies?: ProxyCount;
  history_bytes?: number;
  /** The size of the run's ops.jsonl (the clients' history), when the run has clients. */
  ops_bytes?: number;
}

export interface SamplerOptions {
  /** A full, synchronous garbage collection (from --expose-gc); cycle ends then record heap_after_gc_kb. */
  gc?: () => void;
  /** Milliseconds between two ticks. Default 1000. */
  intervalMs?: number;
}

interface ProxyJson {
  enabled?: boolean;
  toxics?: unknown[];
}

/** One GET /proxies: how many proxies, how many enabled, how many toxics in all. */
export async function countProxies(apiUrl: string, timeoutMs = 2000): Promise<ProxyCount> {
  const res = await fetch(`${apiUrl}/proxies`, { signal: AbortSignal.timeout(timeoutMs) });
  if (!res.ok) throw new Error(`GET ${apiUrl}/proxies answered ${res.status}`);
  const all = Object.values((await res.json()) as Record<string, ProxyJson>);
  return {
    proxies: all.length,
    enabled: all.filter((p) => p.enabled !== false).length,
    toxics: all.reduce((n, p) => n + (p.toxics?.length ?? 0), 0),
  };
}

export class Sampler {
  readonly samples: Sample[] = [];
  /** Toxiproxy's state right after each heal step, with the cycle it healed (1-based). */
  readonly healCounts: (ProxyCount & { cycle: number })[] = [];
  /** Why samples lack something (first occurrence of each), for the report. */
  readonly problems = new Set<string>();
  private readonly t0 = performance.now();
  private children: HarnessChild[] = [];
  /** Every node and server ever seen, by pid, to find any left running after the run. */
  private readonly seen = new Map<number, HarnessChild>();
  private cycle = 0;
  private runDir: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private readonly pending = new Set<Promise<void>>();

  constructor(private readonly options: SamplerOptions = {}) {}

  start(): void {
    this.timer = setInterval(() => this.take("tick"), this.options.intervalMs ?? 1000);
  }

  /** The run directory, once the runner has named it (for the history's size). */
  setRunDir(dir: string): void {
    this.runDir = dir;
  }

  /** Finds the nodes and Toxiproxy again (after the cluster boots). */
  refreshChildren(): void {
    this.children = harnessChildren();
    for (const c of this.children) this.seen.set(c.pid, c);
  }

  /**
   * Nodes and servers seen during the run that still run. (Once this process stops them they
   * are no longer its children, or, if they were orphaned, they are init's: hence by pid.)
   */
  leftovers(): HarnessChild[] {
    return [...this.seen.values()].filter((c) => {
      try {
        return readFigures(c.pid) !== null && /beam\.smp|toxiproxy-server/.test(readFileSync(`/proc/${c.pid}/cmdline`, "utf8"));
      } catch {
        return false;
      }
    });
  }

  /** A cycle has ended: count it and sample at once. */
  cycleEnd(): Sample {
    this.cycle += 1;
    return this.take("cycle_end");
  }

  /** A heal step was applied: count Toxiproxy's proxies and toxics now. */
  afterHeal(): void {
    const apiUrl = this.children.find((c) => c.kind === "toxiproxy")?.apiUrl;
    if (!apiUrl) {
      this.problems.add("no toxiproxy-server found among this process's children at a heal");
      return;
    }
    const cycle = this.cycle + 1;
    this.track(countProxies(apiUrl).then((count) => {
      this.healCounts.push({ cycle, ...count });
    }));
  }

  private track(p: Promise<void>): void {
    const tracked = p
      .catch((err: unknown) => {
        this.problems.add(`GET /proxies failed: ${(err as Error).message}`);
      })
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  get cycles(): number {
    return this.cycle;
  }

  /** Stops ticking and waits for the Toxiproxy requests under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await Promise.all([...this.pending]);
  }

  take(at: Sample["at"]): Sample {
    if (at === "tick" || this.children.some((c) => readFigures(c.pid) === null)) this.refreshChildren();
    let heapAfterGc: number | undefined;
    if (at === "cycle_end" && this.options.gc) {
      this.options.gc();
      heapAfterGc = Math.round(process.memoryUsage().heapUsed / 1024);
    }
    const server = this.children.find((c) => c.kind === "toxiproxy");
    const api = server?.apiPort ? { port: server.apiPort, sockets: tcpSockets() } : undefined;
    const self = readFigures(process.pid, api);
    const mem = process.memoryUsage();
    const sample: Sample = {
      t_ms: Math.round(performance.now() - this.t0),
      cycle: this.cycle,
      at,
      harness: {
        pid: process.pid,
        rss_kb: self?.rssKb ?? Math.round(mem.rss / 1024),
        fds: self?.fds ?? -1,
        ...(self?.apiConns !== undefined ? { api_conns: self.apiConns } : {}),
        heap_used_kb: Math.round(mem.heapUsed / 1024),
        heap_total_kb: Math.round(mem.heapTotal / 1024),
        external_kb: Math.round(mem.external / 1024),
        array_buffers_kb: Math.round(mem.arrayBuffers / 1024),
        ...(heapAfterGc !== undefined ? { heap_after_gc_kb: heapAfterGc } : {}),
      },
      nodes: {},
    };
    for (const c of this.children) {
      const f = readFigures(c.pid, c.kind === "toxiproxy" ? api : undefined);
      if (!f) continue;
      const figures: Figures = { pid: c.pid, rss_kb: f.rssKb, fds: f.fds, ...(f.apiConns !== undefined ? { api_conns: f.apiConns } : {}) };
      if (c.kind === "node") sample.nodes[c.label] = figures;
      else sample.toxiproxy = figures;
    }
    const apiUrl = server?.apiUrl;
    if (this.runDir) {
      try {
        sample.history_bytes = statSync(path.join(this.runDir, "history.msgpack")).size;
      } catch {
        // not written yet
      }
      try {
        sample.ops_bytes = statSync(path.join(this.runDir, "ops.jsonl")).size;
      } catch {
        // no clients (or not started yet)
      }
    }
    if (apiUrl && at === "tick") {
      this.track(countProxies(apiUrl).then((count) => {
        sample.proxies = count;
      }));
    }
    this.samples.push(sample);
    return sample;
  }
}
