/**
 * Nodes that netsplit does not start with its own `erl` command line (local runtime): an
 * application's `mix release` (`app: { release: DIR }`, its own `bin/<name> start`, its own ERTS
 * and boot file) or any BEAM program started by its own command (`app: { command: [...], cwd }`).
 * The application is started by its own boot, not by the agent's `app_start`.
 *
 * What the node needs (the routing EPMD module, the agent, the run marker, the scenario's kernel
 * flags) goes in through what `erl` and release scripts already honour:
 *
 * - `ERL_AFLAGS` (erlexec puts it FIRST on the BEAM's command line, so the node's own flags,
 *   e.g. a release's vm.args, come after it and win): `-start_epmd false -epmd_module
 *   Elixir.Netsplit.Epmd -kernel inet_dist_use_interface {127,0,0,1}`, the scenario's
 *   `-kernel` flags, `-netsplit_run <runId>` (the marker leftover sweeps look for in
 *   /proc/<pid>/cmdline), `-pa <agent ebin> ...`, `-s Elixir.Netsplit.Agent boot` (runs after
 *   the node's boot script started its applications).
 * - `NETSPLIT_ERL_FLAGS`: the same text, for a program that builds its own `erl` command line.
 * - `NETSPLIT_NODE` (short name), `NETSPLIT_FULL_NAME` (the full name the node must distribute
 *   under: the agent waits, bounded by `NETSPLIT_DIST_WAIT_MS`, for a program that starts
 *   distribution itself, and fails naming both names if it picked another), `NETSPLIT_DIST_PORT`.
 * - `NETSPLIT_COOKIE_FILE`: the run's cookie file in the run's private HOME (node-home.ts). A
 *   release script puts `--cookie <releases/COOKIE>` on its command line; `Netsplit.Epmd` sets
 *   the run's cookie from this file while distribution starts (before any connection is
 *   accepted), and the agent again once the node is distributed. The run's cookie is on no
 *   command line.
 * - Routes in `NETSPLIT_ROUTES` (not on stdin: the node's own boot, which may dial its peers,
 *   runs before the agent could read stdin), so these nodes are spawned once the proxies exist.
 *   `NETSPLIT_WATCH_STDIN=1` with `NETSPLIT_WATCH_FD=3`: the BEAM halts when the harness dies and
 *   a pipe on fd 3 closes (stdin itself is read by such a node's own `-noshell` input driver).
 * - release only: `RELEASE_DISTRIBUTION=name`, `RELEASE_NODE=<full name>`, `RELEASE_MODE=interactive`
 *   (in the default `embedded` mode nothing outside the boot script loads: not the EPMD module,
 *   not the agent), `RELEASE_TMP=<private per-node folder>` unless `env:` sets it (the release
 *   folder is shared by every node and may be read-only).
 * - `ERL_CRASH_DUMP=<log dir>/<node>.erl_crash.dump` unless `env:` sets it.
 * - `NETSPLIT_EPMD=daemon`, `ERL_EPMD_PORT=<port>` (`netsplitEnv`, as for every local node): the
 *   run's own epmd daemon (`startRunEpmd`), where each node registers itself (DESIGN.md §8: a
 *   server that asks epmd about itself).
 *
 * The process runs in its own process group; kill, stop, pause and resume signal the group, so a
 * start script that runs its BEAM as a child (instead of `exec`) goes with it. The agent's ready
 * line carries the BEAM's OS pid, which is tracked for sweeps too.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { ProcessError, UsageError } from "../errors.js";
import type { AppSource } from "../scenario/model.js";
import { renderTemplate } from "../scenario/placeholders.js";
import { beamPaths } from "../util/paths.js";
import type { NodeIdentity } from "./backend.js";
import { nodeHome } from "./node-home.js";
import { track, untrack } from "./reaper.js";
import { kernelArgs, netsplitEnv, type NodeLaunch, type NodeProcessSpec } from "./node-process.js";

/**
 * An application that starts its nodes itself: `cluster.app.release` / `cluster.app.command`
 * (the scenario model's AppSource without `mix`). Paths absolute.
 */
export type AppProcess = Exclude<AppSource, { readonly kind: "mix" }>;

export interface AppProcessOptions {
  readonly app: AppProcess;
  /** The node's own folder, for `{dir}` in command arguments (the runner's, app/prepare.ts `dirOf`). */
  readonly dirOf?: (name: string) => string;
  /**
   * Renders the placeholders of one command argument for a node, replacing the default: every
   * placeholder of the node's identity (`{node}` `{full_name}` `{nodes}` `{index}` `{dist_port}`
   * `{full_name:NODE}`), `{dir}` through `dirOf`; `{port:NAME}` needs this function.
   */
  readonly render?: (node: NodeIdentity, text: string) => string;
}

/** A release or command that cannot run; found before any node starts. */
export class AppProcessProblem extends UsageError {}

/** The OTP major release of an ERTS version (ERTS 13 = OTP 25, 14 = OTP 26, 15 = OTP 27, 12 = OTP 24). */
export function otpOfErts(ertsVsn: string): number {
  return Number.parseInt(ertsVsn, 10) + 12;
}

export interface ReleaseInfo {
  /** The release's name: its start script is `bin/<name>`. */
  name: string;
  script: string;
  ertsVsn: string;
  relVsn: string;
  /** Names of the applications in the release's lib/ (without versions). */
  libApps: Set<string>;
}

/** Reads what netsplit needs from a `mix release` folder; throws AppProcessProblem saying what is wrong. */
export function readRelease(releaseDir: string): ReleaseInfo {
  const startErl = path.join(releaseDir, "releases", "start_erl.data");
  if (!existsSync(releaseDir)) throw new AppProcessProblem("release_missing", `the release folder ${releaseDir} does not exist: build it with \`MIX_ENV=prod mix release\` (app.release names the folder with bin/ and releases/, e.g. _build/prod/rel/my_app)`);
  if (!existsSync(startErl)) throw new AppProcessProblem("release_invalid", `${releaseDir} is not a mix release (no releases/start_erl.data): app.release names the folder with bin/ and releases/, e.g. _build/prod/rel/my_app`);
  const [ertsVsn = "", relVsn = ""] = readFileSync(startErl, "utf8").trim().split(/\s+/);
  const binDir = path.join(releaseDir, "bin");
  const scripts = existsSync(binDir) ? readdirSync(binDir).filter((f) => !f.endsWith(".bat") && (statSync(path.join(binDir, f)).mode & 0o111) !== 0) : [];
  // the start script is named as the release, and so is releases/<vsn>/<name>.rel
  const rels = existsSync(path.join(releaseDir, "releases", relVsn)) ? readdirSync(path.join(releaseDir, "releases", relVsn)).filter((f) => f.endsWith(".rel")).map((f) => f.slice(0, -4)) : [];
  const name = scripts.find((s) => rels.includes(s)) ?? (scripts.length === 1 ? scripts[0] : undefined);
  if (!name) throw new AppProcessProblem("release_invalid", `${releaseDir} has no start script bin/<release name> (found ${scripts.length ? scripts.join(", ") : "none"}): build the release with include_executables_for: [:unix]`);
  const libDir = path.join(releaseDir, "lib");
  const libApps = new Set(existsSync(libDir) ? readdirSync(libDir).map((d) => d.replace(/-[^-]*$/, "")) : []);
  return { name, script: path.join(binDir, name), ertsVsn, relVsn, libApps };
}

/** The OTP major release netsplit's agent was compiled with (the host's Erlang), if it can be read. */
export function agentOtp(): number | undefined {
  try {
    const root = path.dirname(path.dirname(realpathSync(beamPaths().erl)));
    const [, otp] = readFileSync(path.join(root, "releases", "start_erl.data"), "utf8").trim().split(/\s+/);
    const n = Number.parseInt(otp ?? "", 10);
    return Number.isInteger(n) ? n : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Problems of an app process found before anything starts, as a sentence saying what to do, or
 * undefined. For scenario-level preflight (which adds the position of `cluster.app`).
 */
export function appProcessProblem(app: AppProcess): string | undefined {
  try {
    checkAppProcess(app);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Throws AppProcessProblem when the release or command cannot run here (local.ts calls it before booting). */
export function checkAppProcess(app: AppProcess): void {
  if (app.kind === "command") {
    if (app.command.length === 0) throw new AppProcessProblem("command_empty", "app.command is empty: name the program that starts the node, e.g. [erl, -noshell, -name, \"{full_name}\"]");
    if (!existsSync(app.cwd)) throw new AppProcessProblem("command_cwd_missing", `app.cwd ${app.cwd} does not exist`);
    return;
  }
  const rel = readRelease(app.releaseDir);
  const agent = agentOtp();
  const otp = otpOfErts(rel.ertsVsn);
  if (agent !== undefined && Number.isInteger(otp) && otp !== agent) {
    throw new AppProcessProblem(
      "release_otp_mismatch",
      `the release ${rel.name} at ${app.releaseDir} runs ERTS ${rel.ertsVsn} (OTP ${otp}), but netsplit's node agent is compiled with OTP ${agent} (ERTS ${agent - 12}.x) and must run inside every node: rebuild the release with OTP ${agent}, or run netsplit with an OTP ${otp} Erlang (then \`npm run setup\` recompiles the agent)`,
    );
  }
}

/** The `-pa` folders a node needs for the agent: its ebin, extra paths, and what the node itself lacks. */
function agentCodePaths(spec: NodeProcessSpec, release: ReleaseInfo | undefined): string[] {
  const paths = beamPaths();
  const otpLib = path.join(path.dirname(path.dirname(realpathSync(paths.erl))), "lib");
  // the agent needs elixir (Elixir's logger ebin comes along: the agent does not start Logger,
  // the node's own Elixir code may) and the node may need crypto (net_kernel can draw the node's
  // creation with crypto:strong_rand_bytes: Netsplit.Epmd hands out none): a release brings its
  // own elixir and logger, and crypto only if its apps use it; a command's erl has crypto but
  // maybe no Elixir
  const elixir = paths.elixirEbins.filter((ebin) => !release?.libApps.has(path.basename(path.dirname(ebin)).replace(/-[^-]*$/, "")));
  const crypto = release && !release.libApps.has("crypto") ? readdirSync(otpLib).filter((d) => /^crypto-/.test(d)).map((d) => path.join(otpLib, d, "ebin")) : [];
  return [paths.agentEbin, ...elixir, ...crypto, ...(spec.extraCodePaths ?? [])];
}

/** One flag for erlexec's parsing of ERL_AFLAGS (whitespace splits; double quotes group). */
function flag(text: string): string {
  return /[\s"'\\]/.test(text) ? `"${text.replaceAll("\\", "\\\\").replaceAll('"', '\\"')}"` : text;
}

/** What the node must add to its `erl` command line: the text of NETSPLIT_ERL_FLAGS and ERL_AFLAGS. */
export function appErlFlags(spec: NodeProcessSpec, release?: ReleaseInfo): string {
  const ip = `{${spec.host.split(".").join(",")}}`;
  return [
    "-start_epmd", "false",
    "-epmd_module", "Elixir.Netsplit.Epmd",
    "-kernel", "inet_dist_use_interface", ip,
    ...kernelArgs(spec.kernel),
    "-netsplit_run", spec.runId,
    "-pa", ...agentCodePaths(spec, release),
    "-s", "Elixir.Netsplit.Agent", "boot",
  ].map(flag).join(" ");
}

function defaultRender(options: AppProcessOptions, node: NodeIdentity, text: string): string {
  const missing = (what: string, fix: string) => {
    throw new AppProcessProblem("placeholder_unavailable", `${what} in an app.command argument has no value here: ${fix}`);
  };
  return renderTemplate(text, {
    node: node.name,
    fullName: node.fullName,
    nodes: node.names.map((n) => node.fullNameOf(n)),
    index: node.index,
    distPort: node.distPort,
    get dir(): string {
      return options.dirOf?.(node.name) ?? missing("{dir}", "the cluster was started without dirOf");
    },
    port: (name) => missing(`{port:${name}}`, `put it in an env: variable and use that variable in the command`),
    fullNameOf: node.fullNameOf,
  });
}

/** How node `spec` of an app process starts (for startNodeProcess). */
export function appLaunch(spec: NodeProcessSpec, options: AppProcessOptions, node: NodeIdentity): NodeLaunch {
  const { app } = options;
  const user = spec.env ?? {};
  const home = nodeHome(spec.runId, spec.cookie);
  const common = {
    NETSPLIT_NODE: spec.name,
    NETSPLIT_FULL_NAME: spec.fullName,
    NETSPLIT_COOKIE_FILE: path.join(home, ".erlang.cookie"),
    // the agent gives up waiting for distribution a little before the harness gives up on the boot
    NETSPLIT_DIST_WAIT_MS: String(Math.max(1000, (spec.bootTimeoutMs ?? 30_000) - 2000)),
  };
  // a crashing boot leaves its erl_crash.dump next to the node's log (not in the release folder)
  const dump: Record<string, string> = spec.logFile && !user.ERL_CRASH_DUMP ? { ERL_CRASH_DUMP: spec.logFile.replace(/\.log$/, "") + ".erl_crash.dump" } : {};
  if (app.kind === "release") {
    const rel = readRelease(app.releaseDir);
    const flags = appErlFlags(spec, rel);
    const tmp = path.join(home, "release-tmp", spec.name);
    mkdirSync(tmp, { recursive: true, mode: 0o700 });
    return {
      file: rel.script,
      args: ["start"],
      // the script finds its release from its own path; the working folder is the node's own
      cwd: tmp,
      group: true,
      env: {
        RELEASE_TMP: tmp,
        ...dump,
        ...user,
        // the scenario's env may add flags; they come after netsplit's, so they win
        ERL_AFLAGS: user.ERL_AFLAGS ? `${flags} ${user.ERL_AFLAGS}` : flags,
        NETSPLIT_ERL_FLAGS: flags,
        RELEASE_DISTRIBUTION: "name",
        RELEASE_NODE: spec.fullName,
        RELEASE_MODE: "interactive",
        ...common,
        ...netsplitEnv(spec),
      },
    };
  }
  const flags = appErlFlags(spec);
  const render = options.render ?? ((n: NodeIdentity, text: string) => defaultRender(options, n, text));
  const [file, ...args] = app.command.map((a) => render(node, a));
  return {
    file: file!,
    args,
    cwd: app.cwd,
    group: true,
    env: {
      ...dump,
      ...user,
      ERL_AFLAGS: user.ERL_AFLAGS ?? flags,
      NETSPLIT_ERL_FLAGS: flags,
      ...common,
      ...netsplitEnv(spec),
    },
  };
}

/** The run's own epmd daemon (see `startRunEpmd`). */
export interface RunEpmd {
  readonly port: number;
  readonly pid: number;
  /** SIGKILLs it now (signal handlers). */
  killSync(): void;
  stop(): Promise<void>;
}

/**
 * Starts the run's own `epmd` daemon on loopback port `port`, for every node of a local run: a
 * server that boots itself may ask epmd about its own name (`names/1`, `:erl_epmd.port_please/2`;
 * RabbitMQ fails its boot without an answer), and code under test may call `:net_adm.names/0`.
 * Each node registers its own name and port there (`NETSPLIT_EPMD=daemon`, `ERL_EPMD_PORT`);
 * peers still resolve only to their proxies. Its argv[0] carries the run marker, so a sweep after
 * a SIGKILLed harness finds it.
 */
export async function startRunEpmd(runId: string, port: number, host = "127.0.0.1"): Promise<RunEpmd> {
  const beside = path.join(path.dirname(beamPaths().erl), "epmd");
  const child = spawn(existsSync(beside) ? beside : "epmd", ["-port", String(port), "-address", host], {
    argv0: `netsplit-epmd-${runId}`,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString()));
  child.stderr.on("data", (d: Buffer) => (out += d.toString()));
  let spawnError: Error | undefined;
  child.on("error", (err) => (spawnError = err));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  if (child.pid === undefined) {
    await new Promise((r) => setImmediate(r));
    throw new ProcessError("epmd_spawn_failed", `could not start the run's epmd daemon${spawnError ? `: ${spawnError.message}` : ""}`);
  }
  const pid = child.pid;
  track({ pid, label: "epmd", marker: runId });
  void exited.then(() => untrack(pid));
  const deadline = performance.now() + 5000;
  for (;;) {
    if (child.exitCode !== null || child.signalCode !== null) throw new ProcessError("epmd_exited", `the run's epmd daemon (port ${port}) exited at once: ${out.trim() || "(no output)"}`);
    if (await canConnect(host, port)) break;
    if (performance.now() > deadline) {
      child.kill("SIGKILL");
      throw new ProcessError("epmd_timeout", `the run's epmd daemon did not listen on ${host}:${port} within 5000 ms: ${out.trim() || "(no output)"}`);
    }
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    port,
    pid,
    killSync: () => void child.kill("SIGKILL"),
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill("SIGKILL");
        await exited;
      }
    },
  };
}

function canConnect(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect({ host, port });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}
