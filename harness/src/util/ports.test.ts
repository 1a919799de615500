import net from "node:net";
import { describe, expect, it } from "vitest";
import { freePort, freePorts } from "./ports.js";

describe("freePorts", () => {
  it("returns the requested number of distinct ports", async () => {
    const ports = await freePorts("127.0.0.1", 50);
    expect(ports).toHaveLength(50);
    expect(new Set(ports).size).toBe(50);
    for (const port of ports) {
      expect(port).toBeGreaterThan(0);
      expect(port).toBeLessThan(65536);
    }
  });

  it("returns an empty list for zero and rejects negative counts", async () => {
    await expect(freePorts("127.0.0.1", 0)).resolves.toEqual([]);
    await expect(freePorts("127.0.0.1", -1)).rejects.toThrow(/non-negative integer, got -1/);
  });

  it("returns ports that can be bound right away (all sockets were closed)", async () => {
    const ports = await freePorts("127.0.0.1", 5);
    const servers = await Promise.all(
      ports.map(
        (port) =>
          new Promise<net.Server>((resolve, reject) => {
            const server = net.createServer();
            server.once("error", reject);
            server.listen({ host: "127.0.0.1", port }, () => resolve(server));
          }),
      ),
    );
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  });

  it("freePort returns a single usable port", async () => {
    const port = await freePort("127.0.0.1");
    expect(Number.isInteger(port)).toBe(true);
  });

  it("fails with a message quoting the host when it cannot listen", async () => {
    await expect(freePorts("192.0.2.1", 1)).rejects.toThrow(/cannot listen on 192\.0\.2\.1:0/);
  });
});

describe("freeFixedPorts", () => {
  it("returns distinct bindable ports below the kernel's ephemeral range", async () => {
    const { ephemeralRange, freeFixedPorts } = await import("./ports.js");
    const [lo] = ephemeralRange();
    const ports = await freeFixedPorts("127.0.0.1", 24);
    expect(new Set(ports).size).toBe(24);
    for (const p of ports) {
      expect(p).toBeGreaterThanOrEqual(10_000);
      expect(p).toBeLessThan(lo);
    }
  });
});
