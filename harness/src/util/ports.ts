/**
 * Free TCP ports, chosen by the kernel: listen on port 0, read the port it picked, close.
 *
 * A port returned here is free at the moment we close our socket; someone else may take it
 * before the caller binds it, so callers that bind later should be ready to retry.
 */
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
