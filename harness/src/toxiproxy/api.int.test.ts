// Integration: ToxiproxyApi against a REAL toxiproxy-server, with real TCP traffic on loopback.
import http from "node:http";
import net from "node:net";
import { afterEach, describe, expect, it, vi } from "vitest";
import { ToxiproxyApiError } from "../errors.js";
import { freePorts } from "../util/ports.js";
import { ToxiproxyApi } from "./api.js";
import { PooledHttpClient } from "./pooled-http.js";
import { startToxiproxyServer, type StartedToxiproxyServer } from "./server.js";

const HOST = "127.0.0.1";
const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function server(options: Parameters<typeof startToxiproxyServer>[0] = {}): Promise<StartedToxiproxyServer> {
  const started = await startToxiproxyServer(options);
  cleanups.push(() => started.stop());
  return started;
}

/** A loopback TCP echo server; returns its port. */
async function echoServer(): Promise<number> {
  const sockets = new Set<net.Socket>();
  const srv = net.createServer((socket) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    socket.pipe(socket);
  });
  await new Promise<void>((resolve) => srv.listen({ host: HOST, port: 0 }, resolve));
  cleanups.push(async () => {
    for (const s of sockets) s.destroy();
    await new Promise((resolve) => srv.close(resolve));
  });
  return (srv.address() as net.AddressInfo).port;
}

async function connect(port: number): Promise<net.Socket> {
  const socket = net.connect({ host: HOST, port });
  cleanups.push(() => void socket.destroy());
  await new Promise<void>((resolve, reject) => {
    socket.once("connect", resolve);
    socket.once("error", reject);
  });
  return socket;
}

/** Writes `payload` and resolves with the ms until it is fully echoed back, or "silent" after `waitMs`. */
function roundTrip(socket: net.Socket, payload: string, waitMs = 3000): Promise<number | "silent"> {
  return new Promise((resolve) => {
    let received = "";
    const startedAt = performance.now();
    const onData = (chunk: Buffer) => {
      received += chunk.toString();
      if (received.length >= payload.length) done(performance.now() - startedAt);
    };
    const timer = setTimeout(() => done("silent"), waitMs);
    const done = (result: number | "silent") => {
      clearTimeout(timer);
      socket.off("data", onData);
      resolve(result);
    };
    socket.on("data", onData);
    socket.write(payload);
  });
}

/** One proxy in front of an echo server; returns the proxy's real listen port. */
async function proxiedEcho(api: ToxiproxyApi, name = "a_to_b"): Promise<number> {
  const upstreamPort = await echoServer();
  const [proxy] = await api.populate([{ name, listen: `${HOST}:0`, upstream: `${HOST}:${upstreamPort}` }]);
  return Number(proxy?.listen.split(":").pop());
}

const timeoutToxic = (stream: "upstream" | "downstream") =>
  ({ name: `blackhole_${stream}`, type: "timeout", stream, attributes: { timeout: 0 } }) as const;

describe("ToxiproxyApi against a real toxiproxy-server", () => {
  it("creates 20 proxies in one populate call and lists them", async () => {
    const { api } = await server();
    const ports = await freePorts(HOST, 20);
    const specs = ports.map((port, i) => ({ name: `p${String(i).padStart(2, "0")}`, listen: `${HOST}:${port}`, upstream: `${HOST}:9` }));
    const created = await api.populate(specs);
    expect(created).toHaveLength(20);
    const listed = await api.listProxies();
    expect(listed.map((p) => [p.name, p.listen, p.enabled, p.toxics])).toEqual(
      specs.map((s) => [s.name, s.listen, true, []]),
    );
  });

  it("carries bytes both ways through a proxy", async () => {
    const { api } = await server();
    const socket = await connect(await proxiedEcho(api));
    expect(await roundTrip(socket, "hello through toxiproxy")).not.toBe("silent");
  });

  it("a timeout toxic with timeout 0 on both streams silences the link; removing it works", async () => {
    const { api } = await server();
    const port = await proxiedEcho(api);
    const socket = await connect(port);
    expect(await roundTrip(socket, "before")).not.toBe("silent");
    await api.addToxic("a_to_b", timeoutToxic("upstream"));
    await api.addToxic("a_to_b", timeoutToxic("downstream"));
    expect((await api.listToxics("a_to_b")).map((t) => t.name).sort()).toEqual(["blackhole_downstream", "blackhole_upstream"]);
    expect(await roundTrip(socket, "into the void", 300)).toBe("silent");
    await api.removeToxic("a_to_b", "blackhole_upstream");
    await api.removeToxic("a_to_b", "blackhole_downstream");
    expect(await api.listToxics("a_to_b")).toEqual([]);
    // Removing a timeout toxic closes the old link (DESIGN §3); a new connection works.
    expect(await roundTrip(await connect(port), "after")).not.toBe("silent");
  });

  it("setEnabled(false) closes existing connections and refuses new ones", async () => {
    const { api } = await server();
    const port = await proxiedEcho(api);
    const socket = await connect(port);
    expect(await roundTrip(socket, "ping")).not.toBe("silent");
    const closed = new Promise<string>((resolve) => {
      socket.once("close", () => resolve("closed"));
      setTimeout(() => resolve("still open after 5000ms"), 5000).unref();
    });
    expect((await api.setEnabled("a_to_b", false)).enabled).toBe(false);
    expect(await closed).toBe("closed");
    await expect(connect(port)).rejects.toMatchObject({ code: "ECONNREFUSED" });
    expect((await api.setEnabled("a_to_b", true)).enabled).toBe(true);
    expect(await roundTrip(await connect(port), "back")).not.toBe("silent");
  });

  it("a 100 ms latency toxic adds at least 100 ms per direction", async () => {
    const { api } = await server();
    const socket = await connect(await proxiedEcho(api));
    const latency = (stream: "upstream" | "downstream") =>
      ({ name: `lat_${stream}`, type: "latency", stream, attributes: { latency: 100, jitter: 0 } }) as const;
    const added = await api.addToxic("a_to_b", latency("upstream"));
    expect(added).toEqual({ ...latency("upstream"), toxicity: 1 });
    expect(await roundTrip(socket, "one way")).toBeGreaterThanOrEqual(99);
    await api.addToxic("a_to_b", latency("downstream"));
    expect(await roundTrip(socket, "both ways")).toBeGreaterThanOrEqual(199);
  });

  it("reset() removes all toxics and re-enables all proxies", async () => {
    const { api } = await server();
    const port = await proxiedEcho(api);
    await api.populate([{ name: "b_to_a", listen: `${HOST}:0`, upstream: `${HOST}:9`, enabled: false }]);
    await api.addToxic("a_to_b", timeoutToxic("downstream"));
    await api.setEnabled("a_to_b", false);
    await api.reset();
    const proxies = await api.listProxies();
    expect(proxies.map((p) => [p.name, p.enabled, p.toxics])).toEqual([
      ["a_to_b", true, []],
      ["b_to_a", true, []],
    ]);
    expect(await roundTrip(await connect(port), "after reset")).not.toBe("silent");
  });

  it("deleteProxy removes a proxy", async () => {
    const { api } = await server();
    await proxiedEcho(api);
    await api.deleteProxy("a_to_b");
    expect(await api.listProxies()).toEqual([]);
  });

  it("metrics() is empty without -proxy-metrics and Prometheus text with it", async () => {
    expect(await (await server()).api.metrics()).toBe("");
    const withMetrics = await server({ proxyMetrics: true });
    await proxiedEcho(withMetrics.api);
    expect(await withMetrics.api.metrics()).toMatch(/^# (HELP|TYPE) /m);
  });
});

describe("ToxiproxyApi errors", () => {
  // toxiproxy-node-client throws before reading an error body, so messages carry the status and
  // its reason phrase, not Toxiproxy's own text ("toxic already exists"); see api.ts.
  it("adding the same toxic twice is toxiproxy_conflict (409)", async () => {
    const { api } = await server();
    await proxiedEcho(api, "n1_to_n2");
    await api.addToxic("n1_to_n2", timeoutToxic("upstream"));
    const err = await api.addToxic("n1_to_n2", timeoutToxic("upstream")).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToxiproxyApiError);
    expect(err).toMatchObject({
      code: "toxiproxy_conflict",
      status: 409,
      message: "Toxiproxy POST /proxies/n1_to_n2/toxics failed (409 Conflict)",
    });
  });

  it("an unknown proxy or toxic is toxiproxy_not_found (404)", async () => {
    const { api } = await server();
    // "nope" is in no cache, so the request that fails is the lookup of its Proxy object.
    await expect(api.addToxic("nope", timeoutToxic("upstream"))).rejects.toMatchObject({
      code: "toxiproxy_not_found",
      status: 404,
      message: "Toxiproxy GET /proxies/nope failed (404 Not Found)",
    });
    await expect(api.setEnabled("nope", false)).rejects.toMatchObject({ code: "toxiproxy_not_found", status: 404 });
    await expect(api.deleteProxy("nope")).rejects.toMatchObject({ code: "toxiproxy_not_found", status: 404 });
    await proxiedEcho(api);
    await expect(api.removeToxic("a_to_b", "ghost")).rejects.toMatchObject({
      code: "toxiproxy_not_found",
      message: "Toxiproxy DELETE /proxies/a_to_b/toxics/ghost failed (404 Not Found)",
    });
  });

  it("a toxic type the server does not know is toxiproxy_bad_request (400)", async () => {
    const { api } = await server();
    await proxiedEcho(api);
    const bogus = { name: "x", type: "bogus", stream: "upstream", attributes: {} } as unknown as Parameters<ToxiproxyApi["addToxic"]>[1];
    await expect(api.addToxic("a_to_b", bogus)).rejects.toMatchObject({ code: "toxiproxy_bad_request", status: 400 });
  });

  it("a failed populate names the proxies that exist afterwards", async () => {
    const { api } = await server();
    const [port] = await freePorts(HOST, 1);
    const err = await api
      .populate([
        { name: "ok", listen: `${HOST}:${port}`, upstream: `${HOST}:9` },
        { name: "clash", listen: `${HOST}:${port}`, upstream: `${HOST}:9` },
      ])
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "toxiproxy_server_error", status: 500 });
    expect((err as Error).message).toBe(
      "Toxiproxy POST /populate failed (500 Internal Server Error); the reason is in toxiproxy-server's output " +
        "(toxiproxy-node-client drops the error text); proxies that exist now: ok",
    );
  });

  it("a stopped server is toxiproxy_unreachable", async () => {
    const started = await server();
    await started.stop();
    const err = await started.api.version().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ToxiproxyApiError);
    expect(err).toMatchObject({ code: "toxiproxy_unreachable", status: undefined });
    expect((err as Error).message).toContain(`Toxiproxy GET /version failed: cannot reach Toxiproxy at ${started.url}`);
  });

  it("a server that never answers is toxiproxy_timeout after requestTimeoutMs", async () => {
    const silent = net.createServer((socket) => socket.on("error", () => {}));
    const held: net.Socket[] = [];
    silent.on("connection", (s) => held.push(s));
    await new Promise<void>((resolve) => silent.listen({ host: HOST, port: 0 }, resolve));
    cleanups.push(async () => {
      held.forEach((s) => s.destroy());
      await new Promise((resolve) => silent.close(resolve));
    });
    const url = `http://${HOST}:${(silent.address() as net.AddressInfo).port}`;
    const api = new ToxiproxyApi(url, { requestTimeoutMs: 200 });
    await expect(api.listProxies()).rejects.toMatchObject({
      code: "toxiproxy_timeout",
      message: `Toxiproxy GET /proxies failed: no answer from ${url} within 200ms`,
    });
  });
});

/** Records every HTTP request made from now on (the client's pooled transport, and request.ts's global fetch). */
function recordRequests(): Array<{ call: string; body: string | undefined }> {
  const seen: Array<{ call: string; body: string | undefined }> = [];
  const realFetch = globalThis.fetch;
  const spy = vi.spyOn(globalThis, "fetch").mockImplementation((input, init) => {
    const url = new URL(String(input));
    seen.push({ call: `${init?.method ?? "GET"} ${url.pathname}`, body: typeof init?.body === "string" ? init.body : undefined });
    return realFetch(input, init);
  });
  type Send = (method: string, url: string, body: string | undefined, retry?: boolean) => Promise<string>;
  const proto = PooledHttpClient.prototype as unknown as { send: Send };
  const realSend = proto.send;
  const pooled = vi.spyOn(proto, "send").mockImplementation(function (this: unknown, method, url, body, retry) {
    seen.push({ call: `${method} ${new URL(url).pathname}`, body });
    return realSend.call(this, method, url, body, retry);
  });
  cleanups.push(() => {
    spy.mockRestore();
    pooled.mockRestore();
  });
  return seen;
}

describe("ToxiproxyApi through toxiproxy-node-client", () => {
  it("after populate, addToxic, setEnabled and removeToxic cost one request each", async () => {
    const { api } = await server();
    const port = await proxiedEcho(api);
    const seen = recordRequests();
    await api.addToxic("a_to_b", timeoutToxic("upstream"));
    expect((await api.setEnabled("a_to_b", false)).listen).toBe(`${HOST}:${port}`);
    expect((await api.setEnabled("a_to_b", true)).listen).toBe(`${HOST}:${port}`);
    await api.removeToxic("a_to_b", "blackhole_upstream");
    expect(seen.map((r) => r.call)).toEqual([
      "POST /proxies/a_to_b/toxics",
      "POST /proxies/a_to_b",
      "POST /proxies/a_to_b",
      "DELETE /proxies/a_to_b/toxics/blackhole_upstream",
    ]);
    // Only the flag is sent, so a stale cached listen/upstream can never move the proxy.
    expect(seen[1]?.body).toBe(JSON.stringify({ enabled: false }));
  });

  it("a proxy it never saw is looked up once, even by concurrent calls, then cached", async () => {
    const started = await server();
    await proxiedEcho(started.api);
    const fresh = new ToxiproxyApi(started.url);
    const seen = recordRequests();
    const toxic = (i: number) => ({ name: `lat${i}`, type: "latency", stream: "upstream", attributes: { latency: 1, jitter: 0 } }) as const;
    await Promise.all([0, 1, 2, 3, 4].map((i) => fresh.addToxic("a_to_b", toxic(i))));
    await fresh.addToxic("a_to_b", toxic(5));
    expect(seen.map((r) => r.call)).toEqual(["GET /proxies/a_to_b", ...Array(6).fill("POST /proxies/a_to_b/toxics")]);
  });

  it("removes a toxic it holds no object for with one DELETE", async () => {
    const started = await server();
    await proxiedEcho(started.api);
    await started.api.addToxic("a_to_b", timeoutToxic("downstream"));
    const fresh = new ToxiproxyApi(started.url);
    const seen = recordRequests();
    await fresh.removeToxic("a_to_b", "blackhole_downstream");
    expect(seen.map((r) => r.call)).toEqual(["DELETE /proxies/a_to_b/toxics/blackhole_downstream"]);
    expect(await started.api.listToxics("a_to_b")).toEqual([]);
    // The adapter that added it still holds its Toxic object: the server's 404 comes through.
    await expect(started.api.removeToxic("a_to_b", "blackhole_downstream")).rejects.toMatchObject({ code: "toxiproxy_not_found", status: 404 });
  });

  it("listProxies reports each proxy's real toxics; reset empties them and re-enables", async () => {
    const { api } = await server();
    await proxiedEcho(api);
    await api.addToxic("a_to_b", timeoutToxic("upstream"));
    await api.setEnabled("a_to_b", false);
    expect((await api.listProxies()).map((p) => [p.name, p.enabled, p.toxics.map((t) => t.name)])).toEqual([
      ["a_to_b", false, ["blackhole_upstream"]],
    ]);
    await api.reset();
    const seen = recordRequests();
    await api.addToxic("a_to_b", timeoutToxic("upstream")); // the reset dropped it: no 409
    expect(seen.map((r) => r.call)).toEqual(["POST /proxies/a_to_b/toxics"]);
  });

  it("deleteProxy forgets the proxy; populating it again makes it usable in one request", async () => {
    const { api } = await server();
    await proxiedEcho(api);
    await api.deleteProxy("a_to_b");
    await expect(api.setEnabled("a_to_b", false)).rejects.toMatchObject({
      code: "toxiproxy_not_found",
      message: "Toxiproxy GET /proxies/a_to_b failed (404 Not Found)",
    });
    await api.populate([{ name: "a_to_b", listen: `${HOST}:0`, upstream: `${HOST}:9` }]);
    const seen = recordRequests();
    expect((await api.setEnabled("a_to_b", false)).enabled).toBe(false);
    expect(seen.map((r) => r.call)).toEqual(["POST /proxies/a_to_b"]);
  });

  it("refuses names the client would put into a URL unescaped, without any request", async () => {
    const api = new ToxiproxyApi("http://127.0.0.1:9");
    const seen = recordRequests();
    await expect(api.addToxic("a/b", timeoutToxic("upstream"))).rejects.toMatchObject({ code: "toxiproxy_bad_request" });
    await expect(api.removeToxic("a_to_b", "x?y")).rejects.toMatchObject({ code: "toxiproxy_bad_request" });
    expect(seen).toEqual([]);
  });

  it("a 2xx answer the client cannot read is toxiproxy_bad_response", async () => {
    const fake = http.createServer((req, res) => {
      res.writeHead(req.url === "/populate" ? 201 : 200, { "content-type": "text/plain" });
      res.end(req.url === "/populate" ? "{}" : "not json");
    });
    await new Promise<void>((resolve) => fake.listen({ host: HOST, port: 0 }, resolve));
    cleanups.push(() => new Promise<void>((resolve) => fake.close(() => resolve())));
    const api = new ToxiproxyApi(`http://${HOST}:${(fake.address() as net.AddressInfo).port}`);
    expect(await api.version()).toBe("not json"); // plain text, as Toxiproxy before 2.6 answered
    await expect(api.listProxies()).rejects.toMatchObject({
      code: "toxiproxy_bad_response",
      message: expect.stringMatching(/^Toxiproxy GET \/proxies answered with a body that is not JSON/) as unknown,
    });
    await expect(api.populate([{ name: "p", listen: `${HOST}:0`, upstream: `${HOST}:9` }])).rejects.toMatchObject({
      code: "toxiproxy_bad_response",
      message: expect.stringMatching(/^Toxiproxy POST \/populate answered something toxiproxy-node-client could not read/) as unknown,
    });
  });
});
