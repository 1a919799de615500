/**
 * Starts a real toxiproxy-server process for a run and hands back a StartedToxiproxyServer
 * (url, pid, version, a ToxiproxyApi, stop). Readiness = `GET /version` answers, polled with a
 * short backoff. toxiproxy-server does NOT exit when its API port is taken: it logs
 * "bind: address already in use" and idles, so we watch its output for that, kill it and, when
 * we chose the port ourselves, retry on a new free port (3 attempts in all).
 * Whatever goes wrong during startup, the process is killed before the error is thrown.
 * Every server is registered with the process reaper (runtime/reaper.ts) from spawn to exit, so
 * it is killed on SIGINT/SIGTERM and, if the harness is SIGKILLed, by the next run's sweep.
 * (ServerProcess keeps its own process-"exit" SIGKILL as well: harmless, and it keeps that
 * class self-sufficient.)
 */
import net from "node:net";
import { ProcessError, ToxiproxyApiError, UsageError } from "../errors.js";
import { track, untrack } from "../runtime/reaper.js";
import { freePort } from "../util/ports.js";
import { ToxiproxyApi } from "./api.js";
import { assertExecutable, resolveToxiproxyServer } from "./binary.js";
import { toxiproxyVersion } from "./version.js";
import { describeExit, ServerProcess } from "./server-process.js";

export interface ToxiproxyServerOptions {
  /** Path of toxiproxy-server. Default: resolveToxiproxyServer(). */
  binary: string;
  /** API host. Default "127.0.0.1". Non-loopback hosts are refused unless allowNonLoopback. */
  host: string;
  /** API port. Default: a free port chosen on `host` (retried up to 3 times if taken meanwhile). */
  port: number;
  /** Append the server's stdout+stderr to this file. Default: output kept in memory only (last 20 lines). */
  logFile: string;
  /** Max time for the server to answer GET /version, in ms. Default 10000. */
  startupTimeoutMs: number;
  /** Pass -proxy-metrics so GET /metrics has per-proxy counters. Default false. */
  proxyMetrics: boolean;
  /** Allow an API host other than loopback (the API has no authentication). Default false. */
  allowNonLoopback: boolean;
  /** Timeout of each call made through `api`, in ms. Default 5000. */
  requestTimeoutMs: number;
}

/** A running toxiproxy-server. Use it, then `stop()` it (or `await using` it). */
export interface StartedToxiproxyServer extends AsyncDisposable {
  /** API base URL, e.g. "http://127.0.0.1:40123". */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly pid: number;
  /** As reported by GET /version; for a `go install` build (which says "git"), the version in its build info (version.ts). */
  readonly version: string;
  readonly api: ToxiproxyApi;
  /** SIGTERM, then SIGKILL after 2 s; resolves once the process is gone. Idempotent. */
  stop(): Promise<void>;
  /**
   * Resolves when the server ends, however it ends (after `stop()` too), with why; never
   * rejects. Absent where the runtime cannot watch it (docker: the API calls fail instead).
   */
  readonly exited?: Promise<string>;
}

const MAX_PORT_ATTEMPTS = 3;
const PORT_TAKEN = /address already in use/i;
const LISTEN_FAILED = /Server finished with error/;

/** Thrown inside this module only: our port was taken between choosing and binding it. */
class PortTaken extends ProcessError {}

/** Starts toxiproxy-server and waits until its API answers. */
export async function startToxiproxyServer(
  options: Partial<ToxiproxyServerOptions> = {},
): Promise<StartedToxiproxyServer> {
  const binary = options.binary ?? resolveToxiproxyServer();
  if (options.binary !== undefined) assertExecutable(options.binary, "the `binary` option");
  const host = options.host ?? "127.0.0.1";
  if (!isLoopback(host) && options.allowNonLoopback !== true) {
    throw new UsageError(
      "toxiproxy_host_not_loopback",
      `Toxiproxy API host "${host}" is not a loopback address; its API has no authentication, so pass allowNonLoopback: true if you really mean it.`,
    );
  }
  const attempts = options.port === undefined ? MAX_PORT_ATTEMPTS : 1;
  for (let attempt = 1; ; attempt++) {
    const port = options.port ?? (await freePort(host));
    try {
      return await startOnce(binary, host, port, options);
    } catch (err) {
      if (!(err instanceof PortTaken) || attempt >= attempts) throw err;
    }
  }
}

async function startOnce(
  binary: string,
  host: string,
  port: number,
  options: Partial<ToxiproxyServerOptions>,
): Promise<StartedToxiproxyServer> {
  const args = ["-host", host, "-port", String(port)];
  if (options.proxyMetrics === true) args.push("-proxy-metrics");
  // LOG_LEVEL info, not toxiproxy-server's default (trace): its trace and debug lines, a few per
  // connection and per toxic, are ~70% of its output (~0.7 MB for a 24-node cluster's boot) and
  // cost Toxiproxy, and the harness reading them, CPU time the nodes' boot needs; info lines
  // (proxies started, clients accepted), warnings and errors remain
  const proc = new ServerProcess(binary, args, options.logFile, { ...process.env, LOG_LEVEL: "info" });
  if (proc.pid > 0) {
    const pid = proc.pid;
    track({ pid, label: "toxiproxy-server", marker: reaperMarker(host, port) });
    void proc.exited.then(() => untrack(pid));
  }
  const url = `http://${net.isIPv6(host) ? `[${host}]` : host}:${port}`;
  const startupTimeoutMs = options.startupTimeoutMs ?? 10_000;
  try {
    const version = await waitUntilReady(proc, new ToxiproxyApi(url, { requestTimeoutMs: Math.min(1000, startupTimeoutMs) }), {
      binary,
      host,
      port,
      startupTimeoutMs,
    });
    const api = new ToxiproxyApi(url, { requestTimeoutMs: options.requestTimeoutMs ?? 5000 });
    const stop = () => proc.stop(2000);
    const exited = proc.exited.then((e) => describeExit(e));
    // a go-installed server says "git": its build info knows better (version.ts)
    return { url, host, port, pid: proc.pid, version: toxiproxyVersion(version, { binary }), api, stop, exited, [Symbol.asyncDispose]: stop };
  } catch (err) {
    await proc.stop(2000);
    throw err;
  }
}

interface Target {
  binary: string;
  host: string;
  port: number;
  startupTimeoutMs: number;
}

async function waitUntilReady(proc: ServerProcess, probe: ToxiproxyApi, target: Target): Promise<string> {
  const deadline = Date.now() + target.startupTimeoutMs;
  let backoffMs = 10;
  let lastError: unknown;
  for (;;) {
    await checkAlive(proc, target);
    try {
      const version = await probe.version();
      // The answer may have come from whoever took our port; our server logs the bind error
      // within milliseconds of starting, so this catches all but a sub-millisecond race.
      await checkAlive(proc, target);
      return version;
    } catch (err) {
      if (!(err instanceof ToxiproxyApiError)) throw err;
      lastError = err;
    }
    const remainingMs = deadline - Date.now();
    if (remainingMs <= 0) {
      throw new ProcessError(
        "toxiproxy_server_start_timeout",
        `${describe(target)} did not answer GET /version within ${target.startupTimeoutMs}ms ` +
          `(last error: ${(lastError as Error).message}).${formatTail(proc)}`,
      );
    }
    await Promise.race([sleep(Math.min(backoffMs, remainingMs)), proc.exited]);
    backoffMs = Math.min(backoffMs * 2, 200);
  }
}

async function checkAlive(proc: ServerProcess, target: Target): Promise<void> {
  if (proc.exit !== undefined) {
    await proc.drained();
    throw new ProcessError(
      "toxiproxy_server_exited",
      `${describe(target)} ${describeExit(proc.exit)} before its API answered.${formatTail(proc)}`,
    );
  }
  const output = proc.outputTail();
  if (output.some((line) => PORT_TAKEN.test(line))) {
    throw new PortTaken(
      "toxiproxy_server_port_taken",
      `${describe(target)} could not listen: port ${target.port} is already in use.${formatTail(proc)}`,
    );
  }
  if (output.some((line) => LISTEN_FAILED.test(line))) {
    throw new ProcessError(
      "toxiproxy_server_listen_failed",
      `${describe(target)} could not start its API server.${formatTail(proc)}`,
    );
  }
}

/**
 * What the reaper's sweep looks for in /proc/<pid>/cmdline (NUL-separated, read with every NUL
 * turned into a space, so each argument is followed by a space). The trailing space makes the
 * port a whole token: "-port 4012 " does not match a server on port 40123.
 */
export function reaperMarker(host: string, port: number): string {
  return `-host ${host} -port ${port} `;
}

function describe(target: Target): string {
  return `toxiproxy-server "${target.binary}" on ${target.host}:${target.port}`;
}

function formatTail(proc: ServerProcess): string {
  const lines = proc.outputTail().slice(-10);
  return lines.length === 0 ? " It printed nothing." : ` Its last output:\n  ${lines.join("\n  ")}`;
}

function isLoopback(host: string): boolean {
  if (host === "localhost" || host === "::1") return true;
  return net.isIPv4(host) && host.startsWith("127.");
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
