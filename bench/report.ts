/**
 * Writes docs/BENCHMARKS.md from bench/results.json: the rerun commands, the machine, one table
 * of every figure (median, floor measured in the same run, ratio, target, met), the details of
 * each measurement and, for every missed target, why and what would close it. The prose lives
 * here so that a rerun regenerates a consistent document:
 *
 *   npx tsx bench/report.ts [results.json] [out.md]
 */
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { REPO_ROOT } from "../harness/src/util/paths.js";
import type { BenchResults, Figure } from "./lib/results.js";

const GROUP_ORDER = ["cluster ready", "cluster phases", "agent boot", "fault apply", "detection", "memory", "app", "suite", "docker runtime"];

function fmt(n: number | undefined, unit?: string): string {
  if (n === undefined || !Number.isFinite(n)) return "–";
  const s = Math.abs(n) >= 100 ? String(Math.round(n)) : String(Math.round(n * 10) / 10);
  return unit ? `${s} ${unit}` : s;
}

function verdict(f: Figure): string {
  if (f.met === undefined) return "";
  return f.met ? "met" : "**missed**";
}

/** Text for a table cell: a `|` (as in "3|2") would end the cell. */
function cell(text: string): string {
  return text.replace(/\|/g, "\\|");
}

function figureRow(f: Figure): string {
  const floor = f.floor ? fmt(f.floor.median, f.unit) : "";
  const ratio = f.ratio !== undefined ? `${f.ratio.toFixed(2)}×` : "";
  return `| ${cell(f.label)} | ${fmt(f.median, f.unit)} | ${floor} | ${ratio} | ${f.target?.text ?? ""} | ${verdict(f)} | ${f.samples.length} |`;
}

function byGroup(figures: readonly Figure[]): Map<string, Figure[]> {
  const groups = new Map<string, Figure[]>();
  const rank = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
  for (const f of [...figures].sort((a, b) => rank(a.group) - rank(b.group))) {
    if (!groups.has(f.group)) groups.set(f.group, []);
    groups.get(f.group)!.push(f);
  }
  return groups;
}

function get(results: BenchResults, id: string): Figure | undefined {
  return results.figures.find((f) => f.id === id);
}

/** Why a figure of this group missed its target, and what would close the gap (measured facts in the text). */
function missedExplanation(f: Figure, results: BenchResults): string {
  switch (f.group) {
    case "cluster ready":
      return clusterReadyMiss(f, results);
    case "fault apply":
      return `The harness makes exactly the floor's calls (same count, all at once); the rest is client-side work per call (toxiproxy-node-client objects, JSON parsing, bookkeeping). On a busy machine a few ms of event-loop delay dominate a ${fmt(f.floor?.median, "ms")} floor. What would close it: fewer calls (one toxic per stream is the minimum Toxiproxy's API allows; a batch endpoint does not exist) or an idle machine.`;
    case "app":
      return appMiss(f);
    case "suite":
      return `Most of the suite's time is the scenarios' own timelines (waits for net_ticktime-based detection in blackhole scenarios, \`wait:\` steps); see the per-scenario table. What would close it: shorter waits where a scenario waits longer than its checks need, or running scenarios two at a time (two runs at once do not collide).`;
    default:
      return "";
  }
}

function clusterReadyMiss(f: Figure, results: BenchResults): string {
  if (f.id.startsWith("cluster_ready.mesh_n")) return meshFloorMiss(f, results);
  const n = Number(f.id.replace("cluster_ready.n", ""));
  const d = f.detail ?? {};
  const phases = get(results, `cluster_phases.n${n}`)?.detail;
  const cpu = Number(d.cpu_per_node_ms);
  const bare = Number(d.floor_cpu_per_node_ms);
  const mesh = get(results, `cluster_ready.mesh_n${n}`);
  const parts = [
    `Floor ${fmt(f.floor?.median, "ms")}: bare nodes alone ${fmt(Number(d.floor_nodes_only_ms), "ms")}, Toxiproxy alone ${fmt(Number(d.floor_toxiproxy_only_ms), "ms")} (concurrently).`,
  ];
  if (mesh?.floor) {
    const over = Number(mesh.detail?.mesh_floor_over_floor);
    parts.push(
      `The mesh floor — the same bare nodes, no agent, meshed through Toxiproxy's ${n * (n - 1)} proxies, each dialling every peer once as netsplit's agents do — took ${fmt(mesh.floor.median, "ms")}, ${over.toFixed(2)}× this floor${over > 1.2 ? ": at this N the target is out of reach for a harness that meshes this way on this machine, whatever its agent costs" : ""}; cluster ready is ${mesh.ratio?.toFixed(2)}× the mesh floor (the next row).`,
    );
  }
  if (Number.isFinite(cpu) && Number.isFinite(bare)) {
    parts.push(`Each harness node had used ${fmt(cpu, "ms")} of CPU when the cluster was ready, a bare node ${fmt(bare, "ms")} at its ready line and a mesh-floor node ${fmt(Number(mesh?.detail?.mesh_cpu_per_node_ms), "ms")} once meshed; on ${results.machine.cpus} cores the difference to a bare node alone is about ${fmt(((cpu - bare) * n) / results.machine.cpus, "ms")} of wall time at N = ${n}.`);
  }
  if (phases) parts.push(`Breakdown at N = ${n}: ${phaseText(phases)}.`);
  const peer = get(results, `cluster_ready.peer_n${n}`);
  const peerText = peer ? ` (OTP's :peer makes the same N-node mesh without Toxiproxy in ${fmt(peer.median, "ms")}, its nodes using ${fmt(Number(peer.detail?.cpu_per_node_ms), "ms")} of CPU each)` : "";
  parts.push(
    `Where the difference goes: first the mesh, which a bare node never makes: each node's N−1 distribution handshakes through Toxiproxy with :global's sync after each${peerText}, OTP's distribution loading its string and unicode_util modules (~750 KB) at a node's first connection, and Toxiproxy's CPU for proxying them (${fmt(Number(d.toxiproxy_cpu_ms), "ms")}). Then the agent and the harness: the agent's boot (see "What a node's boot costs": it no longer starts the :elixir application, and what it starts before ready is on OTP's :supervisor and :gen_server, so Elixir's Supervisor, GenServer, Enum, Keyword and Task.Supervisor are not loaded then; the Horde subtree and the task supervisors start on demand), the first control connection (hello loads the op and MessagePack modules and asks whether Horde loads), and the harness's own CPU (${fmt(Number(d.harness_cpu_ms), "ms")}: N spawns, each a fork of the harness process, port reservations, N agent connections, N·(N−1) nodeup events).`,
    "What would close it: not much on the agent's side (compare the mesh-floor row); the mesh grows with N and is CPU on 2 cores, so more cores: the boot is embarrassingly parallel.",
  );
  return parts.join(" ");
}

/** Where cluster ready goes past the mesh floor (the agent and the harness). */
function meshFloorMiss(f: Figure, results: BenchResults): string {
  const d = f.detail ?? {};
  const n = Number(f.id.replace("cluster_ready.mesh_n", ""));
  const ready = get(results, `cluster_ready.n${n}`)?.detail ?? {};
  return `A harness node had used ${fmt(Number(d.cpu_per_node_ms), "ms")} of CPU when the cluster was ready, a mesh-floor node ${fmt(Number(d.mesh_cpu_per_node_ms), "ms")}; the harness process ${fmt(Number(ready.harness_cpu_ms), "ms")} (spawns, port reservations, agent connections, events). What would close it: the first control connection's code loading (hello) and the harness's port reservation (a lock file per port) are the largest remaining items.`;
}

/** Where the with-app time goes past its floor, from the figure's measured parts. */
export function appMiss(f: Figure): string {
  const d = f.detail ?? {};
  const n = (k: string) => Number(d[k]);
  const bootExtra = n("boot_with_app_ms") - n("boot_without_app_ms");
  const startExtra = n("after_boot_ms") - n("app_started_ms");
  return [
    `Boot with the app ${fmt(n("boot_with_app_ms"), "ms")} against ${fmt(n("boot_without_app_ms"), "ms")} without it (${fmt(bootExtra, "ms")} more, before the app is started at all); from cluster_ready to app_ready ${fmt(n("after_boot_ms"), "ms")}, of which ensure_all_started inside the node ${fmt(n("app_started_ms"), "ms")} (median; slowest node ${fmt(n("app_started_max_ms"), "ms")}), so the runner's own app_start round trip and bookkeeping add ${fmt(startExtra, "ms")}.`,
    bootExtra > startExtra
      ? "The gap is in the boot: each node gets the app's code paths (`-pa` for every ebin of `_build`) and its rendered environment, and loads more code before its agent reports ready; on a busy machine with few cores that CPU time is wall time. What would close it: fewer code paths per node (one ebin directory, or the app's code loaded only when it starts) or an idle machine."
      : "The gap is after the boot: the app_start call and the wait for every node. What would close it: starting the app from the node's boot (`-eval`) instead of a call after the mesh.",
  ].join(" ");
}

function phaseText(p: Record<string, unknown>): string {
  const labels: [string, string][] = [
    ["backend", "Toxiproxy up with every proxy"], ["first_node_ready", "first node ready"], ["last_node_ready", "last node ready"],
    ["agents_connected", "all agents connected"], ["connect_all_done", "connect_all done"], ["full_mesh", "full mesh"],
  ];
  return labels.filter(([k]) => p[k] !== undefined).map(([k, label]) => `${label} at ${fmt(Number(p[k]), "ms")}`).join(", ");
}

export function renderReport(results: BenchResults, resultsPath = "bench/results.json"): string {
  const m = results.machine;
  const lines: string[] = [];
  const groups = byGroup(results.figures);
  lines.push(
    "# Benchmarks",
    "",
    "<!-- Generated by bench/report.ts from " + resultsPath + ": rerun the benchmark or `npx tsx bench/report.ts` instead of editing. -->",
    "",
    "What netsplit costs, measured against the physical floor on the same machine **in the same run**:",
    "each figure is the median of several runs, next to the median of its floor, and the ratio of",
    "the two. Floors are real processes and real calls, never estimates:",
    "",
    "- **cluster ready** — floor: the same N bare BEAM nodes (the harness's own `erl` flags and",
    "  environment, `runtime/node-process.ts` `nodeArgs`, with the agent's boot replaced by printing",
    "  a line) all spawned at once, each registering with the run's epmd daemon as harness nodes",
    "  do, concurrently with that daemon's and `toxiproxy-server`'s own start (until",
    "  `GET /version` answers). The harness figure is `startLocalCluster({ nodes: N })` until it",
    "  resolves: Toxiproxy with its N·(N−1) proxies, every agent connected, the full mesh observed.",
    "  Next to it, a second floor, the **mesh floor**: the same bare nodes (no agent) meshed through",
    "  Toxiproxy — its N·(N−1) proxies created in one call, each node given its routes on stdin and",
    "  dialling every peer at once, as netsplit's agents do — until every node sees the N−1 others: what",
    "  routing every distribution link through Toxiproxy costs by itself, with that dial strategy.",
    "  Cluster ready against it is what netsplit's agent and harness cost on top of the mesh itself.",
    "  Next to it, in the same run, the tool to beat: **OTP :peer** — OTP's own `peer` module starting",
    "  the same N nodes at once from one controlling BEAM node (as LocalCluster and",
    "  ex_unit_clustered_case do; `bench/peer_mesh.erl`), from its first `peer:start_link` (the",
    "  controller's own boot excluded) until the N nodes are in a full mesh; no Toxiproxy, no agent.",
    "- **fault apply** — floor: the same Toxiproxy HTTP calls `LinkFaults` makes for that partition",
    "  (one `POST /proxies/{p}/toxics` per affected stream, then in `reset` mode one",
    "  `POST /proxies/{p}` `{\"enabled\": false}` per affected proxy), sent directly with `fetch`, on",
    "  the same cluster, alternating with the harness.",
    "- **app** — cluster ready with a small application under test (`examples/jobs`, N = 3 and 5,",
    "  local runtime), through the runner (`runScenario` on a minimal scenario, read from its history):",
    "  `cluster_ready.boot_ms` + the time from `cluster_ready` to `app_ready` (the app's applications",
    "  started on every node; no `ready:` call). Floor: `boot_ms` of the same scenario without the app",
    "  (same run, alternating) + the app's own start (median `ms` of the `app_started` entries, i.e.",
    "  `Application.ensure_all_started` inside the node).",
    "",
    "Benchmarks are not tests: nothing here is asserted anywhere in the test suite.",
    "",
    "## Rerun",
    "",
    "```sh",
    // after an --only rerun, durationS is that rerun's: no estimate for everything then
    "npm run bench                                   # everything" + (results.command.includes("; then") ? "" : " (about " + Math.max(1, Math.round(results.durationS / 60)) + " min here)") + "; writes bench/results.json and this file",
    "npm run bench -- --quick                        # fewer sizes and repetitions -> bench/results.quick.json (no doc)",
    "npm run bench -- --only cluster,fault --reps 5  # some measurements; their figures replace those in bench/results.json",
    "npx tsx bench/report.ts                         # regenerate this file from bench/results.json",
    "```",
    "",
    "Measurements: `cluster`, `phases`, `boot`, `fault`, `detection`, `memory`, `docker`, `suite`, `app`. Run it on",
    "an otherwise idle machine: every figure is wall-clock time on shared cores. The docker",
    "measurement needs the images (`node bin/netsplit.js images --local`) and is recorded as skipped",
    "when no Docker engine answers.",
    "",
    "## This run",
    "",
    "| | |",
    "|---|---|",
    `| command | \`${results.command}\` |`,
    `| started | ${results.startedAt} (${Math.round(results.durationS / 60)} min) |`,
    `| CPU | ${m.cpus} × ${m.cpuModel} |`,
    `| memory | ${m.memoryGiB} GiB |`,
    `| load average (1, 5, 15 min) | ${m.loadAverageAtStart.join(", ")} at the start${m.loadAverageAtEnd ? `; ${m.loadAverageAtEnd.join(", ")} at the end` : ""} |`,
    `| OS | ${m.os} |`,
    `| Node.js | ${m.node} |`,
    `| Erlang/OTP | ${m.otp} |`,
    `| Elixir | ${m.elixir} |`,
    `| Toxiproxy | ${m.toxiproxy} |`,
    `| Docker engine | ${m.docker ?? "none"} |`,
    "",
    "## Results",
    "",
    "| figure | median | floor (median) | ratio | target | | samples |",
    "|---|---:|---:|---:|---|---|---:|",
  );
  for (const [group, figs] of groups) {
    if (group === "cluster phases" || group === "agent boot") continue;
    lines.push(`| **${group}** | | | | | | |`);
    for (const f of figs) lines.push(figureRow(f));
  }
  for (const s of results.skipped) lines.push(`| ${cell(s.label)} | skipped: ${cell(s.reason)} | | | | | |`);
  lines.push("");

  const missed = results.figures.filter((f) => f.met === false);
  lines.push("## Targets", "");
  if (missed.length === 0) lines.push("Every target with a verdict was met in this run.", "");
  else {
    lines.push("Where a target is missed, why, and what would close it:", "");
    for (const f of missed) lines.push(`- **${cell(f.label)}**: ${fmt(f.median, f.unit)}${f.ratio !== undefined ? `, ${f.ratio.toFixed(2)}× the floor` : ""} (target ${f.target?.text}). ${missedExplanation(f, results)}`);
    lines.push("");
  }
  // cluster ready met with little margin: say where the rest of the ratio comes from all the same
  const closest = (groups.get("cluster ready") ?? []).filter((f) => f.met === true && (f.ratio ?? 0) > 1.1).sort((a, b) => (b.ratio ?? 0) - (a.ratio ?? 0))[0];
  if (closest && !missed.some((f) => f.group === "cluster ready")) {
    lines.push(`Cluster ready meets its target with little margin (${closest.label}: ${closest.ratio?.toFixed(2)}×), so on a busier or slower machine it can miss it. Where the rest of the ratio comes from: ${clusterReadyMiss(closest, results)}`, "");
  }

  lines.push(...details(results, groups));
  return `${lines.join("\n")}\n`;
}

function details(results: BenchResults, groups: Map<string, Figure[]>): string[] {
  const out: string[] = ["## Details", ""];
  const phases = groups.get("cluster phases");
  if (phases?.length) {
    out.push("### Where cluster-ready time goes", "", "Milliseconds from the start (medians; `bench/phases.ts` makes startLocalCluster's steps one by one):", "");
    out.push("| N | Toxiproxy + proxies | first node ready | last node ready | agents connected | connect_all | full mesh |", "|---:|---:|---:|---:|---:|---:|---:|");
    for (const f of phases) {
      const d = f.detail ?? {};
      const n = f.id.replace("cluster_phases.n", "");
      out.push(`| ${n} | ${[d.backend, d.first_node_ready, d.last_node_ready, d.agents_connected, d.connect_all_done, d.full_mesh].map((v) => fmt(Number(v))).join(" | ")} |`);
    }
    out.push("");
  }
  const boot = groups.get("agent boot");
  if (boot?.length) {
    out.push(
      "### What a node's boot costs, piece by piece", "",
      "One node at a time (`bench/agent-boot.ts`), the harness's flags, an `-eval` that starts a bit",
      "more each time; CPU time when it is done (medians):", "",
      "| boot | CPU | over bare | wall |", "|---|---:|---:|---:|",
    );
    for (const f of boot) out.push(`| ${cell(f.label.replace("CPU to boot one node alone: ", ""))} | ${fmt(f.median, "ms")} | ${fmt(Number(f.detail?.over_bare_ms), "ms")} | ${fmt(Number(f.detail?.wall_ms), "ms")} |`);
    out.push("");
  }
  const ready = (groups.get("cluster ready") ?? []).filter((f) => /^cluster_ready\.n\d+$/.test(f.id));
  if (ready.length) {
    out.push(
      "### Cluster ready: the floor's parts, and CPU time", "",
      "CPU time (user + system, from /proc, 10 ms resolution) each process had used when the cluster",
      "(or the floor, or the mesh floor) was ready. On a machine with few cores the boot is CPU-bound: cluster ready is",
      "roughly the CPU time of all nodes divided by the cores.", "",
      "| N | proxies | floor | bare nodes alone | Toxiproxy alone | mesh floor | CPU per harness node | CPU per bare node | CPU per mesh-floor node | Toxiproxy CPU | harness CPU | harness stop |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const f of ready) {
      const d = f.detail ?? {};
      const ms = (k: string) => fmt(Number(d[k]), "ms");
      const mesh = get(results, f.id.replace("cluster_ready.n", "cluster_ready.mesh_n"))?.detail ?? {};
      out.push(`| ${f.id.replace("cluster_ready.n", "")} | ${d.proxies} | ${fmt(f.floor?.median, "ms")} | ${ms("floor_nodes_only_ms")} | ${ms("floor_toxiproxy_only_ms")} | ${ms("mesh_floor_ms")} | ${ms("cpu_per_node_ms")} | ${ms("floor_cpu_per_node_ms")} | ${fmt(Number(mesh.mesh_cpu_per_node_ms), "ms")} | ${ms("toxiproxy_cpu_ms")} | ${ms("harness_cpu_ms")} | ${ms("stop_ms")} |`);
    }
    out.push("");
  }
  const peer = (groups.get("cluster ready") ?? []).filter((f) => /^cluster_ready\.peer_n\d+$/.test(f.id));
  if (peer.length) {
    out.push(
      "### Cluster ready against OTP's :peer", "",
      "`bench/peer_mesh.erl`: one controlling node (`erl -name`, the harness nodes' emulator flags)",
      "calls `peer:start_link(#{name, host => \"127.0.0.1\", longnames => true, args})` for the N nodes",
      "at once, each from a process of its own, the peers with the harness nodes' emulator and kernel",
      "flags; the time runs from the first call (the controller's boot is excluded and shown apart)",
      "until every peer sees the N−1 others (`nodes()` asked over each peer's connection to the",
      "controller; the mesh forms by itself, `:global`'s connect_all dialling what the controller",
      "knows). Every node registers with an epmd daemon of the sample's own. Same run, in turn with",
      "the harness and its floor. Medians:", "",
      "| N | harness (cluster ready) | :peer, all up | :peer, full mesh | harness / :peer | controller boot (excluded) | CPU per :peer node | CPU per harness node | controller CPU |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const f of peer) {
      const d = f.detail ?? {};
      const ms = (k: string) => fmt(Number(d[k]), "ms");
      const n = f.id.replace("cluster_ready.peer_n", "");
      const h = get(results, `cluster_ready.n${n}`);
      out.push(`| ${n} | ${ms("harness_ms")} | ${ms("all_started_ms")} | ${fmt(f.median, "ms")} | ${Number(d.harness_over_peer).toFixed(2)}× | ${ms("controller_boot_ms")} | ${ms("cpu_per_node_ms")} | ${fmt(Number(h?.detail?.cpu_per_node_ms), "ms")} | ${ms("controller_cpu_ms")} |`);
    }
    out.push("");
  }
  const faults = groups.get("fault apply");
  if (faults?.length) {
    out.push(
      "### Fault apply: the two floors", "",
      "The floor in the table is the issue's: the same calls made directly with `fetch`. The harness",
      "sends its calls over a keep-alive `node:http` pool (`toxiproxy/pooled-http.ts`), which is",
      "cheaper per call than `fetch`; against the same calls over such a pool (16 connections), the",
      "ratio is what netsplit's own bookkeeping costs on top of the bare calls:", "",
      "| partition | API calls | harness | fetch floor | ratio | keep-alive floor | ratio |", "|---|---:|---:|---:|---:|---:|---:|",
    );
    for (const f of faults) {
      const d = f.detail ?? {};
      const pr = typeof d.pooled_ratio === "number" ? `${d.pooled_ratio.toFixed(2)}×` : "–";
      out.push(`| ${cell(f.label)} | ${d.api_calls} | ${fmt(f.median, "ms")} | ${fmt(f.floor?.median, "ms")} | ${f.ratio?.toFixed(2) ?? "–"}× | ${fmt(Number(d.pooled_floor_median), "ms")} | ${pr} |`);
    }
    out.push("");
  }
  const memorySizes = [...new Set((groups.get("memory") ?? []).map((f) => Number(/^memory\.n(\d+)\./.exec(f.id)?.[1])))].filter(Number.isFinite);
  if (memorySizes.length) {
    out.push(
      "### Memory and file descriptors of an idle cluster", "",
      "| N | proxies | RSS per node (median / max) | all nodes | Toxiproxy RSS | Toxiproxy fds | Toxiproxy threads | fds per node | harness RSS |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const n of memorySizes) {
      const node = get(results, `memory.n${n}.node`);
      const tp = get(results, `memory.n${n}.toxiproxy`);
      const h = get(results, `memory.n${n}.harness`);
      out.push(`| ${n} | ${n * (n - 1)} | ${fmt(node?.median, "MiB")} / ${fmt(Number(node?.detail?.max_mib), "MiB")} | ${fmt(Number(node?.detail?.all_nodes_total_mib), "MiB")} | ${fmt(tp?.median, "MiB")} | ${fmt(Number(tp?.detail?.fds))} | ${fmt(Number(tp?.detail?.threads))} | ${fmt(Number(node?.detail?.fds_per_node))} | ${fmt(h?.median, "MiB")} |`);
    }
    out.push("", "The harness's RSS includes the benchmark itself (and tsx); it holds one control connection per node.", "");
  }
  const app = groups.get("app");
  if (app?.length) {
    out.push(
      "### Cluster ready with an application under test", "",
      "`bench/app.ts`: examples/jobs (compiled with `MIX_ENV=prod mix compile`) on every node, through",
      "`runScenario`; milliseconds, medians. With app = boot with app + cluster_ready → app_ready;",
      "floor = boot without app + ensure_all_started.", "",
      "| N | with app | boot with app | cluster_ready → app_ready | ensure_all_started (median / slowest node) | boot without app | floor | ratio |",
      "|---:|---:|---:|---:|---:|---:|---:|---:|",
    );
    for (const f of app) {
      const d = f.detail ?? {};
      const ms = (k: string) => fmt(Number(d[k]), "ms");
      out.push(`| ${f.id.replace(/^app\.jobs\.n/, "")} | ${fmt(f.median, "ms")} | ${ms("boot_with_app_ms")} | ${ms("after_boot_ms")} | ${ms("app_started_ms")} / ${ms("app_started_max_ms")} | ${ms("boot_without_app_ms")} | ${fmt(f.floor?.median, "ms")} | ${f.ratio?.toFixed(2) ?? "–"}× |`);
    }
    const loads = app[0]!.detail ?? {};
    const la = (k: string) => (Array.isArray(loads[k]) ? (loads[k] as number[]).join(", ") : "–");
    out.push("", `Load average (1, 5, 15 min) during this measurement (started ${(app[0] as Figure & { measuredAt?: string }).measuredAt ?? "with its run"}): ${la("load_average_start")} at the start, ${la("load_average_end")} at the end, on ${results.machine.cpus} cores.`);
    out.push("", "The figure's note: " + (app[0]!.note ?? "") + ".", "");
  }
  for (const group of ["detection", "docker runtime"]) {
    const figs = groups.get(group);
    if (!figs?.length) continue;
    out.push(`### ${group[0]!.toUpperCase()}${group.slice(1)}`, "");
    for (const f of figs) {
      out.push(`- ${f.label}: median ${fmt(f.median, f.unit)}, samples ${f.samples.map((s) => fmt(s)).join(", ")}.${f.note ? ` ${f.note[0]!.toUpperCase()}${f.note.slice(1)}.` : ""}`);
    }
    out.push("");
  }
  const suite = get(results, "suite.local");
  const scenarios = suite?.detail?.scenarios as { file: string; median_s: number; verdicts: string[] }[] | undefined;
  if (scenarios) {
    out.push(
      "### The shipped suite, per scenario", "",
      "As CI runs it: `runScenario` on every file of scenarios/, one after the other, without Horde",
      "code paths (the horde-* scenarios then skip their Horde workload and checks, which is a pass).", "",
      "| scenario | median wall time | verdicts |", "|---|---:|---|",
    );
    for (const s of scenarios) out.push(`| ${s.file} | ${fmt(s.median_s, "s")} | ${s.verdicts.join(", ")} |`);
    out.push("");
  }
  return out;
}

export function writeReport(results: BenchResults, docPath: string, resultsPath = "bench/results.json"): void {
  writeFileSync(docPath, renderReport(results, resultsPath));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const resultsFile = path.resolve(REPO_ROOT, process.argv[2] ?? "bench/results.json");
  const doc = path.resolve(REPO_ROOT, process.argv[3] ?? "docs/BENCHMARKS.md");
  const results = JSON.parse(readFileSync(resultsFile, "utf8")) as BenchResults;
  writeReport(results, doc, path.relative(REPO_ROOT, resultsFile));
  process.stdout.write(`wrote ${path.relative(process.cwd(), doc)} from ${path.relative(process.cwd(), resultsFile)}\n`);
}
