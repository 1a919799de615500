/**
 * Free TCP ports, chosen by the kernel: listen on port 0, read the port it picked, close.
 *
 * A port returned here is free at the moment we close our socket; someone else may take it
 * before the caller binds it, so callers that bind later should be ready to retry.
 */
import { readFileSync } from "node:fs";
import net from "node:net";

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
 * range: no later port-0 listener (e.g. a Toxiproxy proxy) and no outgoing connection can be
 * handed one of them by the kernel between now and the moment the caller binds it.
 */
export async function freeFixedPorts(host: string, count: number, floor = 10_000): Promise<number[]> {
  const [lo] = ephemeralRange();
  const top = Math.max(floor + count * 4, lo - 1);
  const servers: net.Server[] = [];
  const ports: number[] = [];
  try {
    for (let tries = 0; ports.length < count; tries++) {
      if (tries > count * 50) throw new Error(`cannot find ${count} free ports on ${host} between ${floor} and ${top}`);
      const port = floor + Math.floor(Math.random() * (top - floor));
      if (ports.includes(port)) continue;
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
