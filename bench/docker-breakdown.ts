/**
 * Where the time of a docker cluster start goes: `tsx bench/docker-breakdown.ts [N...] [--reps R]`
 * starts `startCluster("docker", { nodes: N })` R times per N and prints, for one rep per N,
 * a timeline of every Docker engine API call (docker-modem's dial: method, path, start and end,
 * ms after the startCluster call), every Toxiproxy API call, and the cluster's node events, then
 * for every rep the total and the load average. Diagnostic only: the benchmark figures are
 * `npm run bench -- --only docker`.
 */
import { createRequire } from "node:module";
import { loadavg } from "node:os";
import { startCluster } from "../harness/src/index.js";
import { now, sleep } from "./lib/procs.js";

interface Span { what: string; start: number; end?: number }
let spans: Span[] = [];
let t0 = 0;
const names = new Map<string, string>(); // container id prefix -> name

const req = createRequire(createRequire(import.meta.url).resolve("testcontainers"));
const Modem = req("docker-modem") as { prototype: { dial: (o: Record<string, unknown>, cb: (...a: unknown[]) => void) => unknown } };
const dial = Modem.prototype.dial;
Modem.prototype.dial = function (options, callback) {
  const opts = options.options as Record<string, unknown> | undefined;
  let p = String(options.path).replace(/\?$/, "");
  if (p.startsWith("/containers/create") && opts?.name) p += ` name=${String(opts.name)}`;
  const span: Span = { what: `${String(options.method)} ${p}`, start: now() - t0 };
  spans.push(span);
  return dial.call(this, options, (...args: unknown[]) => {
    span.end = now() - t0;
    const data = args[1] as { Id?: string } | undefined;
    if (p.startsWith("/containers/create") && data?.Id && opts?.name) names.set(data.Id.slice(0, 12), String(opts.name));
    callback(...args);
  });
};
const origFetch = globalThis.fetch;
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
  const span: Span = { what: `toxiproxy ${init?.method ?? "GET"} ${new URL(String(input)).pathname}`, start: now() - t0 };
  spans.push(span);
  try {
    return await origFetch(input, init);
  } finally {
    span.end = now() - t0;
  }
};

function label(what: string): string {
  return what.replace(/\/containers\/([0-9a-f]{12})[0-9a-f]*/, (_m, id: string) => `/containers/${names.get(id) ?? id}`);
}

const args = process.argv.slice(2);
const repsAt = args.indexOf("--reps");
const reps = repsAt >= 0 ? Number(args[repsAt + 1]) : 1;
const sizes = args.filter((a, i) => /^\d+$/.test(a) && (repsAt < 0 || i !== repsAt + 1)).map(Number);
// untimed warm-up: images
await (await startCluster("docker", { nodes: 2, bootTimeoutMs: 120_000 })).stop();
for (const n of sizes.length ? sizes : [3, 5]) {
  const totals: string[] = [];
  for (let rep = 0; rep < reps; rep++) {
    spans = [];
    const load = loadavg()[0]!.toFixed(2);
    t0 = now();
    const events: Span[] = [];
    const cluster = await startCluster("docker", {
      nodes: n, bootTimeoutMs: 120_000,
      progress: (line) => events.push({ what: `progress ${line.slice(0, 60)}`, start: now() - t0 }),
    });
    const total = now() - t0;
    const bootMs = cluster.bootMs;
    if (rep === 0) {
      const { execFileSync } = await import("node:child_process");
      for (const node of cluster.nodes) {
        const out = execFileSync("docker", ["logs", "--timestamps", node.containerId!], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
        const lines = out.split("\n").filter(Boolean);
        const at = (l: string | undefined) => (l ? Date.parse(l.split(" ")[0]!) - t0 : NaN);
        const ready = lines.find((l) => /netsplit-agent ready/.test(l));
        events.push({ what: `${node.name}: first output`, start: at(lines[0]) });
        events.push({ what: `${node.name}: ready line (container clock)`, start: at(ready) });
      }
    }
    await cluster.stop();
    totals.push(`${Math.round(total)} ms (bootMs ${Math.round(bootMs)}, load ${load})`);
    if (rep === 0 || total - bootMs > 300) {
      console.log(`\n== N = ${n}, rep ${rep + 1}: ${Math.round(total)} ms, load ${load}`);
      for (const s of [...spans, ...events].filter((s) => s.start <= total).sort((a, b) => a.start - b.start)) {
        console.log(`${s.start.toFixed(0).padStart(6)} ${s.end === undefined ? "      " : s.end.toFixed(0).padStart(6)}  ${label(s.what)}`);
      }
    }
    await sleep(500);
  }
  console.log(`N = ${n}: ${totals.join("; ")}`);
}
