/**
 * The tool to beat for cluster ready: OTP's own `peer` module starting the same N nodes from one
 * controlling BEAM node (what LocalCluster and ex_unit_clustered_case do), all at once, until
 * every peer is up and the N peers see each other in a full mesh (bench/peer_mesh.erl). No
 * Toxiproxy and no agent: plain distribution through epmd on loopback, no fault injection.
 *
 * The time runs from the controller's first `peer:start_link` (the controller's own boot is
 * excluded, and reported separately) until the mesh. The nodes register with an epmd daemon of
 * the sample's own (started before the controller, on a free port: ERL_EPMD_PORT), so no epmd
 * is left running afterwards and a system one is never touched. Peers get the harness nodes' emulator and
 * kernel flags (`+S 1:1 +sbwt none ...`, `-kernel net_ticktime ...`), so each does the same work
 * per boot as a bare node of the floor; the controller runs with the same emulator flags.
 *
 * Every process started here is killed before the function returns, whatever happens.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { DEFAULT_KERNEL } from "../harness/src/runtime/cluster.js";
import { LOCAL_HOST } from "../harness/src/runtime/local.js";
import { nodeHome, removeNodeHome } from "../harness/src/runtime/node-home.js";
import { kernelArgs, nodeArgs } from "../harness/src/runtime/node-process.js";
import { track, untrack } from "../harness/src/runtime/reaper.js";
import { startRunEpmd } from "../harness/src/runtime/app-process.js";
import { freeFixedPorts } from "../harness/src/util/ports.js";
import { beamPaths, REPO_ROOT } from "../harness/src/util/paths.js";
import { cpuMs, now } from "./lib/procs.js";

export interface PeerSample {
  /** From the controller's first peer:start_link until the N peers are in a full mesh. */
  meshMs: number;
  /** From the same moment until every peer:start_link returned (all peers up, each connected to the controller). */
  startedMs: number;
  /** The controller's own boot (spawn until it is ready to start peers): excluded from meshMs. */
  controllerBootMs: number;
  /** CPU time each peer had used at the mesh (read just after; ms, 10 ms resolution). */
  nodeCpuMs: number[];
  /** CPU time the controller had used (its boot included). */
  controllerCpuMs: number;
}

let compiled: string | undefined;

/** Compiles bench/peer_mesh.erl once per process into a temporary folder; returns the folder. */
function peerMeshEbin(): string {
  if (compiled && existsSync(path.join(compiled, "peer_mesh.beam"))) return compiled;
  const dir = mkdtempSync(path.join(os.tmpdir(), "netsplit-bench-peer-"));
  const erlc = path.join(path.dirname(beamPaths().erl), "erlc");
  const r = spawnSync(existsSync(erlc) ? erlc : "erlc", ["-o", dir, path.join(REPO_ROOT, "bench/peer_mesh.erl")], { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`erlc bench/peer_mesh.erl failed: ${r.error?.message ?? ""}${r.stdout}${r.stderr}`);
  compiled = dir;
  return dir;
}

/** The emulator flags of a harness node (everything before its `-name`), e.g. `+S 1:1 +sbwt none`. */
function emulatorFlags(): string[] {
  const args = nodeArgs({
    name: "x", fullName: `x@${LOCAL_HOST}`, host: LOCAL_HOST, distPort: 1, routes: {}, cookie: "", secret: "",
    kernel: DEFAULT_KERNEL, reconnectMs: 500, runId: "x",
  });
  return args.slice(args.indexOf("-noinput") + 1, args.indexOf("-name"));
}

/** One sample: a controller starting `n` peers, timed until their full mesh; everything killed after. */
export async function peerSample(n: number): Promise<PeerSample> {
  const runId = `netsplit-bench-${randomBytes(6).toString("hex")}`;
  const cookie = randomBytes(24).toString("hex");
  const tag = runId.slice(-6);
  const ebin = peerMeshEbin();
  const flags = emulatorFlags();
  const peerArgs = [...flags, "-start_epmd", "false", ...kernelArgs(DEFAULT_KERNEL), "-netsplit_run", runId];
  const [epmdPort] = await freeFixedPorts(LOCAL_HOST, 1);
  const epmd = await startRunEpmd(runId, epmdPort!, LOCAL_HOST);
  const t0 = now();
  const child: ChildProcess = spawn(beamPaths().erl, [
    "-noinput", ...flags, "-start_epmd", "false", "-name", `pmctl${tag}@${LOCAL_HOST}`, ...kernelArgs(DEFAULT_KERNEL), "-netsplit_run", runId,
    "-pa", ebin, "-eval", "peer_mesh:main().",
  ], {
    stdio: ["pipe", "pipe", "pipe"],
    env: {
      PATH: process.env.PATH ?? "/usr/bin:/bin", HOME: nodeHome(runId, cookie), LANG: "C.UTF-8", ERL_EPMD_PORT: String(epmdPort),
      PEER_MESH_N: String(n), PEER_MESH_PREFIX: `pm${tag}_`, PEER_MESH_ERL: beamPaths().erl, PEER_MESH_ARGS: peerArgs.join("\n"),
    },
  });
  const pid = child.pid;
  if (pid !== undefined) {
    track({ pid, label: "bench :peer controller", marker: runId });
    child.once("exit", () => untrack(pid));
  }
  let peerPids: number[] = [];
  try {
    return await new Promise<PeerSample>((resolve, reject) => {
      let out = "";
      let bootMs: number | undefined;
      const timer = setTimeout(() => reject(new Error(`the :peer controller did not finish within 180 s: ${out.slice(-500)}`)), 180_000);
      const onData = (chunk: Buffer) => {
        out += chunk.toString("utf8");
        if (bootMs === undefined && out.includes("peer-mesh controller ready")) bootMs = now() - t0;
        const failed = /peer-mesh failed: (.*)/.exec(out);
        if (failed) {
          clearTimeout(timer);
          reject(new Error(`the :peer controller failed: ${failed[1]}`));
          return;
        }
        const done = /peer-mesh done started_us=(\d+) mesh_us=(\d+) os_pids=([\d,]+)/.exec(out);
        if (done && bootMs !== undefined) {
          clearTimeout(timer);
          peerPids = done[3]!.split(",").map(Number);
          resolve({
            meshMs: Number(done[2]) / 1000,
            startedMs: Number(done[1]) / 1000,
            controllerBootMs: bootMs,
            nodeCpuMs: peerPids.map((p) => cpuMs(p)).filter((x): x is number => x !== undefined),
            controllerCpuMs: cpuMs(pid!) ?? Number.NaN,
          });
        }
      };
      child.stdout?.on("data", onData);
      child.stderr?.on("data", onData);
      child.once("exit", (code, signal) => {
        clearTimeout(timer);
        reject(new Error(`the :peer controller exited (code ${code}, signal ${signal}) before the mesh: ${out.slice(-500)}`));
      });
    });
  } finally {
    // closing its stdin stops the peers and halts the controller; anything left is killed
    const gone = new Promise((r) => child.once("exit", r));
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin?.end();
      const kill = setTimeout(() => child.kill("SIGKILL"), 5_000);
      await gone;
      clearTimeout(kill);
    }
    for (const p of peerPids) {
      try {
        // only a peer of this sample (its command line carries the run id), never a reused pid
        if (readFileSync(`/proc/${p}/cmdline`, "utf8").includes(runId)) process.kill(p, "SIGKILL");
      } catch {
        // already gone
      }
    }
    await epmd.stop();
    removeNodeHome(runId);
  }
}
