/**
 * One BEAM node as a local OS process: `erl` running the netsplit agent, distribution on a
 * fixed loopback port, peers resolved through `Netsplit.Epmd` to their Toxiproxy proxies.
 * Secrets never travel on the command line: the cookie is a file in the run's private HOME
 * (node-home.ts), the control secret an environment variable.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, type WriteStream } from "node:fs";
import { ProcessError } from "../errors.js";
import { beamPaths } from "../util/paths.js";
import { nodeHome } from "./node-home.js";
import { track, untrack } from "./reaper.js";

export interface KernelFlags {
  net_ticktime: number;
  prevent_overlapping_partitions: boolean;
  net_setuptime: number;
  connect_all: boolean;
}

export interface NodeProcessSpec {
  /** Short name: `n1`. */
  name: string;
  /** Full node name: `n1@127.0.0.1`. */
  fullName: string;
  host: string;
  distPort: number;
  /** Full peer node name -> "proxyHost:proxyPort" of this node's proxy to that peer. */
  routes: Record<string, string>;
  /**
   * The routes come later, as the first line on the node's stdin (`sendRoutes`), and the agent
   * reports ready only once they came; `routes` is then ignored. Lets a node boot while
   * Toxiproxy is still starting (runtime/local.ts).
   */
  routesOnStdin?: boolean;
  cookie: string;
  secret: string;
  kernel: KernelFlags;
  /** Reconnect loop interval, or null for off. */
  reconnectMs: number | null;
  /** Marker put on the command line so leftover sweeps recognise our processes. */
  runId: string;
  logFile?: string;
  /** Extra code paths (e.g. Horde's ebins). */
  extraCodePaths?: string[];
  /** Default 30000. */
  bootTimeoutMs?: number;
  /** Extra environment (an application under test's `env:`); netsplit's own variables win. */
  env?: Record<string, string>;
  /** "app": the agent never dials its peers (the application forms the cluster). */
  formation?: "netsplit" | "app";
  /**
   * The run's own epmd daemon on loopback (app-process.ts `startRunEpmd`): the node registers its
   * own name and port there (`NETSPLIT_EPMD=daemon`, `ERL_EPMD_PORT`), so `:net_adm.names/0` and
   * `:erl_epmd` calls in the code under test work; peers still resolve only to their proxies.
   */
  epmdPort?: number;
}

export interface RunningNodeProcess {
  pid: number;
  controlPort: number;
  child: ChildProcess;
  /** Resolves with the exit code/signal when the process ends. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The last lines the node printed, for error messages. */
  tail(): string;
}

const READY = /netsplit-agent ready control_port=(\d+)(?: os_pid=(\d+))?/;
/** The agent of a node started by its own command gave up (it distributed under another name, or not at all). */
const FAILED = /netsplit-agent failed: (.*)/;

/** The `-kernel` flags of a scenario, as erl arguments (both runtimes). */
export function kernelArgs(k: KernelFlags): string[] {
  return [
    "-kernel", "net_ticktime", String(k.net_ticktime),
    "-kernel", "prevent_overlapping_partitions", String(k.prevent_overlapping_partitions),
    "-kernel", "net_setuptime", String(k.net_setuptime),
    "-kernel", "connect_all", String(k.connect_all),
  ];
}

export function nodeArgs(spec: NodeProcessSpec): string[] {
  const paths = beamPaths();
  const ip = `{${spec.host.split(".").join(",")}}`;
  return [
    "-noinput",
    "+S", "1:1", "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none",
    "-name", spec.fullName,
    "-start_epmd", "false",
    "-epmd_module", "Elixir.Netsplit.Epmd",
    "-kernel", "inet_dist_use_interface", ip,
    ...kernelArgs(spec.kernel),
    "-netsplit_run", spec.runId,
    "-pa", ...paths.elixirEbins, paths.agentEbin, ...(spec.extraCodePaths ?? []),
    "-eval", "'Elixir.Netsplit.Agent':boot().",
  ];
}

/** Sends a node started with `routesOnStdin` its routes (the agent reads one `routes ...` line). */
export function sendRoutes(child: ChildProcess, routes: Record<string, string>): void {
  child.stdin?.write(`routes ${Object.entries(routes).map(([n, t]) => `${n}=${t}`).join(",")}\n`);
}

/**
 * How a node's process is started: netsplit's own `erl` command line (`erlLaunch`), or an
 * application's own start script or command (app-process.ts). Either way the node runs the agent
 * and `startNodeProcess` waits for its ready line.
 */
export interface NodeLaunch {
  file: string;
  args: readonly string[];
  /** The complete environment of the process. */
  env: Record<string, string>;
  cwd?: string;
  /**
   * The process leads a process group of its own, and every signal (kill, stop, pause, resume)
   * goes to the whole group: a start script that does not `exec` its BEAM is stopped with it.
   * It also gets a pipe on fd 3 that the harness holds open (`NETSPLIT_WATCH_FD=3`): the agent
   * halts the node when it closes, as it does for stdin (which such a node's own input driver reads).
   */
  group?: boolean;
}

/** The environment netsplit gives every node (local runtime); an app's own `env` goes underneath. */
export function netsplitEnv(spec: NodeProcessSpec): Record<string, string> {
  return {
    PATH: spec.env?.PATH ?? process.env.PATH ?? "/usr/bin:/bin",
    // a HOME of the run's own, holding the run's cookie: no -setcookie on any command line (node-home.ts)
    HOME: nodeHome(spec.runId, spec.cookie),
    LANG: "C.UTF-8",
    NETSPLIT_SECRET: spec.secret,
    NETSPLIT_CONTROL_IP: spec.host,
    NETSPLIT_DIST_PORT: String(spec.distPort),
    NETSPLIT_ROUTES: Object.entries(spec.routes).map(([n, t]) => `${n}=${t}`).join(","),
    NETSPLIT_RECONNECT_MS: spec.reconnectMs === null ? "off" : String(spec.reconnectMs),
    NETSPLIT_WATCH_STDIN: "1",
    ...(spec.formation === "app" ? { NETSPLIT_FORMATION: "app" } : {}),
    ...(spec.epmdPort !== undefined ? { NETSPLIT_EPMD: "daemon", ERL_EPMD_PORT: String(spec.epmdPort) } : {}),
    ...(spec.routesOnStdin ? { NETSPLIT_ROUTES_FROM: "stdin" } : {}),
    // faults of the agent itself, for netsplit's own tests (nodes/lib/netsplit/agent/fault_inject.ex)
    ...(process.env.NETSPLIT_FAULT_INJECT ? { NETSPLIT_FAULT_INJECT: process.env.NETSPLIT_FAULT_INJECT } : {}),
  };
}

/** netsplit's own node: `erl` with the agent (the default launch). */
export function erlLaunch(spec: NodeProcessSpec): NodeLaunch {
  return { file: beamPaths().erl, args: nodeArgs(spec), env: { ...spec.env, ...netsplitEnv(spec) } };
}

const groupLeaders = new WeakSet<ChildProcess>();

/** Sends `signal` to a node's process (to its whole process group when it was launched with `group`). */
export function signalNode(child: ChildProcess, signal: NodeJS.Signals): void {
  if (groupLeaders.has(child) && child.pid !== undefined) {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // the group is gone: the leader alone, if still there
    }
  }
  child.kill(signal);
}

/**
 * Starts a node; `onSpawn` sees the child at once, before it is ready (for cleanup on failure).
 * `launch` (default: netsplit's own `erl`) says what runs; the agent inside prints the ready line.
 */
export function startNodeProcess(spec: NodeProcessSpec, onSpawn?: (child: ChildProcess) => void, launch: NodeLaunch = erlLaunch(spec)): Promise<RunningNodeProcess> {
  const child = spawn(launch.file, [...launch.args], {
    stdio: launch.group ? ["pipe", "pipe", "pipe", "pipe"] : ["pipe", "pipe", "pipe"],
    env: launch.group ? { ...launch.env, NETSPLIT_WATCH_FD: "3" } : launch.env,
    cwd: launch.cwd,
    detached: launch.group === true,
  });
  if (launch.group) groupLeaders.add(child);
  let spawnError: Error | undefined;
  child.on("error", (err) => (spawnError = err));
  const pid = child.pid;
  if (pid === undefined) {
    return new Promise((_resolve, reject) => setImmediate(() => reject(new ProcessError("node_spawn_failed", `could not start ${spec.name}: ${launch.file} did not spawn${spawnError ? ` (${spawnError.message})` : ""}${launch.cwd ? ` in ${launch.cwd}` : ""}`))));
  }
  track({ pid, label: `node ${spec.name}`, marker: spec.runId });
  onSpawn?.(child);

  const lines: string[] = [];
  // the first lines from the first one that reports an error: a server's own boot may print
  // its reason long before its last 30 lines (RabbitMQ: a config error, then a crash report)
  const firstErrors: string[] = [];
  const log: WriteStream | undefined = spec.logFile ? createWriteStream(spec.logFile, { flags: "a" }) : undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      untrack(pid);
      log?.end();
      resolve({ code, signal });
    });
  });
  const tail = () => lines.slice(-30).join("\n");
  const timeoutMs = spec.bootTimeoutMs ?? 30_000;

  return new Promise((resolve, reject) => {
    let ready = false;
    const timer = setTimeout(() => {
      signalNode(child, "SIGKILL");
      reject(new ProcessError("node_boot_timeout", `node ${spec.name} did not report ready within ${timeoutMs} ms. Its last output:\n${tail()}`));
    }, timeoutMs);
    const onLine = (line: string) => {
      if (line.trim() === "") return;
      lines.push(line);
      if (lines.length > 200) lines.shift();
      if (firstErrors.length > 0 ? firstErrors.length < 6 : /\berror\b|BOOT FAILED/i.test(line)) firstErrors.push(line);
      const m = !ready && READY.exec(line);
      if (m) {
        ready = true;
        clearTimeout(timer);
        // a start script that does not exec its BEAM: sweep the BEAM too (its command line has the marker)
        const beam: number = m[2] === undefined ? pid : Number(m[2]);
        if (beam !== pid) {
          track({ pid: beam, label: `node ${spec.name} (BEAM)`, marker: spec.runId });
          void exited.then(() => untrack(beam));
        }
        resolve({ pid, controlPort: Number(m[1]), child, exited, tail });
      }
      const failed = !ready && FAILED.exec(line);
      if (failed) {
        clearTimeout(timer);
        signalNode(child, "SIGKILL");
        reject(new ProcessError("node_agent_failed", `node ${spec.name}: ${failed[1]}. Its last output:\n${tail()}`));
      }
    };
    // whole lines only: output comes in chunks that may end mid-line (a crash message arrives
    // a character at a time), per stream
    const flushes: (() => void)[] = [];
    for (const stream of [child.stdout, child.stderr]) {
      if (!stream) continue;
      let rest = "";
      stream.setEncoding("utf8");
      stream.on("data", (text: string) => {
        if (log && !log.writableEnded) log.write(text);
        const parts = (rest + text).split("\n");
        rest = parts.pop() ?? "";
        for (const line of parts) onLine(line);
      });
      flushes.push(() => {
        if (rest !== "") onLine(rest);
        rest = "";
      });
    }
    child.stdin?.on("error", () => undefined);
    const closed = new Promise<void>((resolve) => child.once("close", () => resolve()));
    void exited.then(async ({ code, signal }) => {
      if (ready) return;
      clearTimeout(timer);
      // the output still in the pipes (a grandchild holding them open must not hold us up)
      await Promise.race([closed, new Promise((r) => setTimeout(r, 200))]);
      for (const flush of flushes) flush();
      if (ready) return;
      const last = tail();
      const first = firstErrors.length > 0 && !last.includes(firstErrors[0]!) ? `Its first error lines:\n${firstErrors.join("\n")}\n` : "";
      reject(new ProcessError("node_exited", `node ${spec.name} exited during boot (code ${code}, signal ${signal}). ${first}Its last output:\n${last || "(nothing)"}`));
    });
  });
}
