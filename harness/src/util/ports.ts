/**
 * Free TCP ports, chosen by the kernel: listen on port 0, read the port it picked, close.
 *
 * A port returned here is free at the moment we close our socket; someone else may take it
 * before the caller binds it, so callers that bind later should be ready to retry.
 *
 * Fixed ports that a process binds later (the nodes' distribution ports) are instead RESERVED
 * machine-wide with `reserveFixedPorts`: two harnesses running at once can never pick the same
 * port, not even while a killed node is down and its port is free until it restarts.
 */
import { closeSync, mkdirSync, chmodSync, openSync, readdirSync, readFileSync, unlinkSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { processExists } from "./process.js";

/** Returns one TCP port that is free on `host` (e.g. "127.0.0.1") right now. */
export async function freePort(host: string): Promise<number> {
  const [port] = await freePorts(host, 1);
  if (port === undefined) throw new Error(`freePorts("${host}", 1) returned no port`);
  return port;
}

/**
 * Returns `count` DISTINCT TCP ports that are free on `host` right now. All `count` sockets
 * stay open until every port has been chosen, so the kernel cannot hand out one port twice.
 */
export async function freePorts(host: string, count: number): Promise<number[]> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`freePorts: count must be a non-negative integer, got ${count}`);
  }
  const servers: net.Server[] = [];
  try {
    const ports: number[] = [];
    for (let i = 0; i < count; i++) {
      const server = net.createServer();
      servers.push(server);
      ports.push(await listenOnAnyPort(server, host));
    }
    return ports;
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

function listenOnAnyPort(server: net.Server, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", (err) =>
      reject(new Error(`cannot listen on ${host}:0 to find a free port: ${err.message}`, { cause: err })),
    );
    server.listen({ host, port: 0, exclusive: true }, () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        reject(new Error(`listening on ${host}:0 gave no TCP address (${String(address)})`));
      } else {
        resolve(address.port);
      }
    });
  });
}

function closeServer(server: net.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
  });
}

/** The kernel's ephemeral port range (ports it hands out for port 0 and outgoing connections). */
export function ephemeralRange(): [number, number] {
  try {
    const [lo, hi] = readFileSync("/proc/sys/net/ipv4/ip_local_port_range", "utf8").trim().split(/\s+/).map(Number);
    if (lo && hi && lo < hi) return [lo, hi];
  } catch {
    // not Linux: the IANA range
  }
  return [49152, 65535];
}

/**
 * Returns `count` distinct ports free on `host`, chosen at random BELOW the kernel's ephemeral
 * range: no later port-0 listener and no outgoing connection can be
 * handed one of them by the kernel between now and the moment the caller binds it. Another
 * harness could still pick the same port meanwhile: use `reserveFixedPorts` for ports bound later.
 */
export async function freeFixedPorts(host: string, count: number, floor = 10_000): Promise<number[]> {
  const [lo] = ephemeralRange();
  const top = Math.max(floor + count * 4, lo - 1);
  const servers: net.Server[] = [];
  const ports: number[] = [];
  // never a port a run has reserved: it may be unbound right now (a proxy's, before Toxiproxy
  // binds it; a killed node's, until its restart)
  const reserved = reservedPorts(portLockDir());
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > count * 50) throw new Error(`cannot find ${count} free ports on ${host} between ${floor} and ${top}`);
      const port = floor + Math.floor(Math.random() * (top - floor));
      if (ports.includes(port) || reserved.has(port)) continue;
      const server = net.createServer();
      const ok = await new Promise<boolean>((resolve) => {
        server.once("error", () => resolve(false));
        server.listen({ host, port, exclusive: true }, () => resolve(true));
      });
      if (ok) {
        servers.push(server);
        ports.push(port);
      }
    }
    return ports;
  } finally {
    await Promise.all(servers.map(closeServer));
  }
}

/**
 * Ports reserved for the caller until `release()` (or until this process exits). Each port also
 * passed a bind check when it was chosen.
 */
export interface PortReservation extends Disposable {
  readonly ports: readonly number[];
  /** True when the reservation is machine-wide; false when the lock folder was unusable. */
  readonly locked: boolean;
  /** Gives the ports back. Idempotent. */
  release(): void;
}

export interface ReserveOptions {
  /** Lowest port to pick. Default 10000. */
  floor: number;
  /** Where the lock files live. Default: `portLockDir()`. */
  lockDir: string;
}

/** The machine-wide lock folder: `NETSPLIT_PORT_LOCK_DIR`, or `<tmpdir>/netsplit-ports`. */
export function portLockDir(): string {
  return process.env.NETSPLIT_PORT_LOCK_DIR ?? path.join(os.tmpdir(), "netsplit-ports");
}

/**
 * Like `freeFixedPorts`, but every port is reserved machine-wide until `release()`.
 *
 * A reservation is a file `<port>-<pid>-<start>` in the lock folder, named after its owner
 * process (pid and start time, so a reused pid is not mistaken for the owner). To reserve a
 * port, a harness creates its own file (O_EXCL) and THEN lists the folder: if any other live
 * owner has a file for that port, it removes its own and picks another port. Of two harnesses
 * racing for one port, at least the later lister sees the other's file, so at most one keeps
 * it (both may back off, which only costs a retry). Files of dead owners are ignored and removed
 * by whoever lists them; no file is ever removed by anyone but its owner while the owner lives,
 * because no one else can create a file of that name. Files are removed by `release()`, at
 * process exit, or (after a SIGKILL) as stale by the next harness.
 */
export async function reserveFixedPorts(host: string, count: number, options: Partial<ReserveOptions> = {}): Promise<PortReservation> {
  if (!Number.isInteger(count) || count < 0) {
    throw new RangeError(`reserveFixedPorts: count must be a non-negative integer, got ${count}`);
  }
  const floor = options.floor ?? 10_000;
  const dir = options.lockDir ?? portLockDir();
  const locked = ensureLockDir(dir);
  const [lo] = ephemeralRange();
  const top = Math.max(floor + count * 4, lo - 1);
  const servers: net.Server[] = [];
  const ports: number[] = [];
  const files: string[] = [];
  const release = () => {
    for (const file of files.splice(0)) unlinkHeld(file);
  };
  let tries = 0;
  try {
    // in rounds: pick the ports still missing, claim them all with one listing of the lock
    // folder (a cluster of N nodes needs N + N·(N−1) ports: 577 at N = 24), then bind-check them
    while (ports.length < count) {
      const wanted: number[] = [];
      while (wanted.length < count - ports.length) {
        if (++tries > count * 50 + 50) {
          throw new Error(`cannot reserve ${count} free ports on ${host} between ${floor} and ${top}: too many were taken or reserved by other runs (lock folder ${dir})`);
        }
        const port = floor + Math.floor(Math.random() * (top - floor));
        if (!ports.includes(port) && !wanted.includes(port)) wanted.push(port);
      }
      const claimed = locked ? claimAll(dir, wanted) : new Map(wanted.map((p) => [p, null] as const));
      const checked = await Promise.all([...claimed].map(async ([port, file]) => {
        const server = net.createServer();
        const ok = await new Promise<boolean>((resolve) => {
          server.once("error", () => resolve(false));
          server.listen({ host, port, exclusive: true }, () => resolve(true));
        });
        return { port, file, server, ok };
      }));
      for (const { port, file, server, ok } of checked) {
        if (!ok) {
          if (file !== null) unlinkHeld(file);
          continue;
        }
        servers.push(server);
        ports.push(port);
        if (file !== null) files.push(file);
      }
    }
  } catch (err) {
    release();
    throw err;
  } finally {
    await Promise.all(servers.map(closeServer));
  }
  return { ports, locked, release, [Symbol.dispose]: release };
}

/** Lock files this process holds, removed at exit whatever happens. */
const held = new Set<string>();
let exitHookInstalled = false;

function unlinkHeld(file: string): void {
  held.delete(file);
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

function ensureLockDir(dir: string): boolean {
  try {
    mkdirSync(dir, { recursive: true, mode: 0o1777 });
    try {
      // shared by every user of the machine, like /tmp (sticky: only owners remove files);
      // mkdir's mode is masked by the umask, hence the chmod
      chmodSync(dir, 0o1777);
    } catch {
      // someone else's folder: fine as long as we can write to it
    }
    return true;
  } catch {
    return false;
  }
}

/** This process's start time token (clock ticks since boot; "0" where /proc is missing). */
let selfStart: string | undefined;

/** A process's start time from /proc/<pid>/stat (field 22), or undefined when unknown. */
export function processStartTime(pid: number): string | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19];
  } catch {
    return undefined;
  }
}

/** True while the process `pid`, started at `start`, exists ("0": start time unknown). */
function ownerAlive(pid: number, start: string): boolean {
  if (!processExists(pid)) return false;
  const actual = processStartTime(pid);
  return start === "0" || actual === undefined || actual === start;
}

/** The lock file name for `port` held by process `pid` started at `start`. */
export function lockName(port: number, pid: number, start: string): string {
  return `${port}-${pid}-${start}`;
}

/** Parses a lock file name; undefined for anything else in the folder. */
export function parseLockName(name: string): { port: number; pid: number; start: string } | undefined {
  const m = /^(\d+)-(\d+)-(\d+)$/.exec(name);
  return m ? { port: Number(m[1]), pid: Number(m[2]), start: m[3]! } : undefined;
}

/**
 * The lock files in `dir`, each with whether its owner lives (asked once per owner), or null
 * when the folder cannot be read.
 */
function listLocks(dir: string): { name: string; port: number; pid: number; start: string; live: boolean }[] | null {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return null;
  }
  const alive = new Map<string, boolean>();
  return names.flatMap((name) => {
    const lock = parseLockName(name);
    if (!lock) return [];
    const owner = `${lock.pid}-${lock.start}`;
    let live = alive.get(owner);
    if (live === undefined) alive.set(owner, (live = ownerAlive(lock.pid, lock.start)));
    return [{ name, ...lock, live }];
  });
}

/** The ports live owners hold in the lock folder `dir` (none when it cannot be read). */
function reservedPorts(dir: string): Set<number> {
  return new Set((listLocks(dir) ?? []).filter((l) => l.live).map((l) => l.port));
}

/**
 * Reserves `ports` in `dir` for this process: creates this process's file for each (O_EXCL),
 * THEN lists the folder once; a port another live owner also has a file for is given up.
 * Returns the ports kept, each with its file. Dead owners' files are removed on the way.
 */
function claimAll(dir: string, ports: readonly number[]): Map<number, string> {
  selfStart ??= processStartTime(process.pid) ?? "0";
  const mine = new Map<number, string>();
  for (const port of ports) {
    const file = path.join(dir, lockName(port, process.pid, selfStart));
    try {
      closeSync(openSync(file, "wx", 0o644));
    } catch {
      continue; // this process holds it already (another cluster of ours), or the folder broke
    }
    held.add(file);
    mine.set(port, file);
  }
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on("exit", () => {
      for (const f of held) unlinkHeld(f);
    });
  }
  const locks = listLocks(dir);
  if (locks === null) {
    for (const file of mine.values()) unlinkHeld(file);
    return new Map();
  }
  for (const lock of locks) {
    if (lock.pid === process.pid && lock.start === selfStart) continue;
    if (lock.live) {
      const file = mine.get(lock.port);
      if (file !== undefined) {
        unlinkHeld(file);
        mine.delete(lock.port);
      }
      continue;
    }
    try {
      unlinkSync(path.join(dir, lock.name)); // a dead owner's (any port): only its owner could have made that name
    } catch {
      // another user's file (sticky folder) or already removed: it is stale either way
    }
  }
  return mine;
}
