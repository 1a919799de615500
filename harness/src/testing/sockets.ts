/**
 * Test helpers: the TCP sockets a set of processes listens on, read from /proc (Linux). A
 * process's sockets are the `socket:[inode]` links under /proc/<pid>/fd; /proc/net/tcp and
 * /proc/net/tcp6 give each socket's state and local address. The security tests use this to
 * prove that everything a run starts listens on loopback only.
 */
import { readdirSync, readFileSync, readlinkSync } from "node:fs";

export interface ListenSocket {
  inode: number;
  /** The local address, as written by people: "127.0.0.1", "::1", "0.0.0.0", "::". */
  address: string;
  port: number;
  family: 4 | 6;
}

/** TCP_LISTEN in the `st` column (include/net/tcp_states.h). */
const LISTEN = "0A";

/**
 * Decodes a /proc/net/tcp{,6} address: hex words in host byte order (little-endian on the
 * machines netsplit runs on), 1 word for IPv4 and 4 for IPv6.
 */
export function decodeAddress(hex: string, family: 4 | 6): string {
  const words = hex.match(/.{8}/g) ?? [];
  if (words.length !== (family === 4 ? 1 : 4) || !/^[0-9A-Fa-f]+$/.test(hex)) throw new Error(`not an IPv${family} address in /proc/net/tcp: ${hex}`);
  const bytes = words.flatMap((w) => [6, 4, 2, 0].map((i) => Number.parseInt(w.slice(i, i + 2), 16)));
  if (family === 4) return bytes.join(".");
  const groups = Array.from({ length: 8 }, (_, i) => (bytes[2 * i]! << 8) | bytes[2 * i + 1]!);
  if (groups.slice(0, 5).every((g) => g === 0) && groups[5] === 0xffff) return `::ffff:${bytes.slice(12).join(".")}`;
  // the longest run of zero groups (at least two) becomes "::"
  let best = { at: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) { i++; continue; }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len && j - i > 1) best = { at: i, len: j - i };
    i = j;
  }
  const hexes = groups.map((g) => g.toString(16));
  if (best.at < 0) return hexes.join(":");
  return `${hexes.slice(0, best.at).join(":")}::${hexes.slice(best.at + best.len).join(":")}`;
}

/** The LISTEN sockets in the text of /proc/net/tcp (family 4) or /proc/net/tcp6 (family 6). */
export function parseProcNetTcp(text: string, family: 4 | 6): ListenSocket[] {
  const out: ListenSocket[] = [];
  for (const line of text.split("\n").slice(1)) {
    const f = line.trim().split(/\s+/);
    if (f.length < 10 || f[3] !== LISTEN) continue;
    const [addr, port] = f[1]!.split(":");
    out.push({ inode: Number(f[9]), address: decodeAddress(addr!, family), port: Number.parseInt(port!, 16), family });
  }
  return out;
}

/** The socket inodes process `pid` has open (empty when it is gone or not ours to read). */
export function socketInodes(pid: number): Set<number> {
  const inodes = new Set<number>();
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return inodes;
  }
  for (const fd of fds) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(Number(m[1]));
    } catch {
      // closed while we looked
    }
  }
  return inodes;
}

/** Every TCP socket the processes `pids` listen on, with the pid that holds it. */
export function listeningSockets(pids: readonly number[]): (ListenSocket & { pid: number })[] {
  const all = [
    ...parseProcNetTcp(readFileSync("/proc/net/tcp", "utf8"), 4),
    ...parseProcNetTcp(readFileSync("/proc/net/tcp6", "utf8"), 6),
  ];
  return pids.flatMap((pid) => {
    const mine = socketInodes(pid);
    return all.filter((s) => mine.has(s.inode)).map((s) => ({ ...s, pid }));
  });
}
