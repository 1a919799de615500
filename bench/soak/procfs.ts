/**
 * What the soak measures of a process, read from Linux's /proc: resident memory (VmRSS), the
 * number of open file descriptors (/proc/<pid>/fd), and the processes this harness started
 * (BEAM nodes and toxiproxy-server), found by walking the parent links of every process, since
 * /proc/<pid>/task/<tid>/children is not available on every kernel.
 *
 * Sockets are told apart through /proc/net/tcp{,6} (inode -> ports): the harness's HTTP
 * keep-alive connections to the Toxiproxy API come and go with the API client's connection
 * pool (idle ones close after a few seconds), so they are counted apart from the other fds.
 *
 * Every read is synchronous and cheap (a few files), so a sample can be taken inside the
 * runner's progress callback, at the exact moment a cycle ends. A process that exits while it
 * is read gives null, never an error.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";
import { allProcesses, type ProcInfo } from "../../harness/src/testing/procs.js";
import { fdCount, rssMiB } from "../lib/procs.js";

export interface ProcessFigures {
  /** VmRSS in KiB. */
  rssKb: number;
  /** Open file descriptors (sockets, pipes, files). */
  fds: number;
  /** Of those, TCP connections to or from the Toxiproxy API port (when one was given). */
  apiConns?: number;
}

export interface TcpSocket {
  localPort: number;
  remotePort: number;
  /** /proc/net/tcp's state in hex: "01" established, "0A" listen, ... */
  state: string;
}

/** Every TCP socket of this network namespace, by inode (IPv4 and IPv6). */
export function tcpSockets(): Map<string, TcpSocket> {
  const out = new Map<string, TcpSocket>();
  for (const file of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue;
    }
    for (const line of text.split("\n").slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length < 10) continue;
      const port = (addr: string) => parseInt(addr.slice(addr.lastIndexOf(":") + 1), 16);
      out.set(f[9]!, { localPort: port(f[1]!), remotePort: port(f[2]!), state: f[3]! });
    }
  }
  return out;
}

/**
 * Connections of `pid` that belong to the Toxiproxy API on `apiPort`: the harness's (remote
 * port = apiPort) or the server's accepted ones (local port = apiPort, not the listener).
 */
function countApiConns(pid: number, apiPort: number, sockets: Map<string, TcpSocket>): number {
  let n = 0;
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    let target: string;
    try {
      target = readlinkSync(`/proc/${pid}/fd/${fd}`);
    } catch {
      continue; // closed meanwhile
    }
    const inode = /^socket:\[(\d+)\]$/.exec(target)?.[1];
    const s = inode ? sockets.get(inode) : undefined;
    if (s && (s.remotePort === apiPort || (s.localPort === apiPort && s.state !== "0A"))) n++;
  }
  return n;
}

export interface HarnessChild {
  pid: number;
  kind: "node" | "toxiproxy";
  /** The node's short name (`n1`) for a node, "toxiproxy" for the server. */
  label: string;
  /** The API's base URL and port, for toxiproxy-server (from its `-host`/`-port` arguments). */
  apiUrl?: string;
  apiPort?: number;
}

/**
 * RSS and fd count of one process, or null when it is gone (or /proc is not readable). With
 * `api`, also how many of its fds are connections of the Toxiproxy API on that port.
 */
export function readFigures(pid: number, api?: { port: number; sockets: Map<string, TcpSocket> }): ProcessFigures | null {
  const rss = rssMiB(pid);
  const fds = fdCount(pid);
  // a zombie has no VmRSS line and no fds: it is gone for our purposes
  if (rss === undefined || fds === undefined) return null;
  try {
    return { rssKb: Math.round(rss * 1024), fds, ...(api ? { apiConns: countApiConns(pid, api.port, api.sockets) } : {}) };
  } catch {
    return null; // gone between the reads
  }
}

/** Every live descendant of `root` (children, grandchildren, ...). */
export function descendants(root: number): ProcInfo[] {
  const byParent = new Map<number, ProcInfo[]>();
  for (const p of allProcesses()) byParent.set(p.ppid, [...(byParent.get(p.ppid) ?? []), p]);
  const out: ProcInfo[] = [];
  const queue = [root];
  while (queue.length > 0) {
    for (const child of byParent.get(queue.shift()!) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

function argAfter(argv: readonly string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/**
 * The BEAM nodes and toxiproxy-server started by process `root` (default: this one). A node is a
 * `beam.smp` with `-name n1@host`; the server's comm is truncated by the kernel to 15 characters
 * ("toxiproxy-serve"), so it is matched on its executable's name instead.
 */
export function harnessChildren(root = process.pid): HarnessChild[] {
  const out: HarnessChild[] = [];
  for (const p of descendants(root)) {
    if (p.argv.length === 0) continue; // a zombie
    if (p.comm === "beam.smp") {
      const name = argAfter(p.argv, "-name") ?? argAfter(p.argv, "-sname");
      if (name) out.push({ pid: p.pid, kind: "node", label: name.split("@")[0]! });
    } else if (/toxiproxy-server$/.test(p.argv[0]!)) {
      const host = argAfter(p.argv, "-host") ?? "127.0.0.1";
      const port = argAfter(p.argv, "-port") ?? "8474";
      out.push({ pid: p.pid, kind: "toxiproxy", label: "toxiproxy", apiUrl: `http://${host.includes(":") ? `[${host}]` : host}:${port}`, apiPort: Number(port) });
    }
  }
  return out.sort((a, b) => a.label.localeCompare(b.label, "en", { numeric: true }));
}
