import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";
import { ephemeralRange, freeFixedPorts, freePort, freePorts, lockName, parseLockName, processStartTime, reserveFixedPorts } from "./ports.js";

const here = path.dirname(fileURLToPath(import.meta.url));

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

describe("reserveFixedPorts: machine-wide reservations", () => {
  const dirs: string[] = [];
  const children: ChildProcess[] = [];
  const lockDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "netsplit-ports-test-"));
    dirs.push(dir);
    return dir;
  };
  /** A narrow range just below the ephemeral range: `size` candidate ports, to force contention. */
  const narrowFloor = (size: number) => ephemeralRange()[0] - 1 - size;
  const sleeper = () => {
    const child = spawn(process.execPath, ["-e", "setTimeout(() => {}, 60000)"], { stdio: "ignore" });
    children.push(child);
    return child.pid!;
  };
  /** Runs ports.ts in another process: it reserves, prints its ports, and holds them until its stdin closes. */
  const holder = (dir: string, count: number, floor: number) => {
    const code = `const { reserveFixedPorts } = await import(${JSON.stringify(path.join(here, "ports.ts"))});
      const r = await reserveFixedPorts("127.0.0.1", ${count}, { lockDir: ${JSON.stringify(dir)}, floor: ${floor} });
      console.log(JSON.stringify(r.ports));
      process.stdin.on("end", () => process.exit(0)); process.stdin.resume();`;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], { stdio: ["pipe", "pipe", "inherit"] });
    children.push(child);
    const ports = new Promise<number[]>((resolve, reject) => {
      let out = "";
      child.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(JSON.parse(out) as number[]);
      });
      child.once("exit", (code) => reject(new Error(`holder exited (${code}) before printing its ports`)));
    });
    return { child, ports };
  };
  afterEach(() => {
    for (const c of children.splice(0)) c.kill("SIGKILL");
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it("reserves distinct ports with one lock file each, named after this process; release removes them", async () => {
    const dir = lockDir();
    const r = await reserveFixedPorts("127.0.0.1", 6, { lockDir: dir });
    expect(r.locked).toBe(true);
    expect(new Set(r.ports).size).toBe(6);
    const files = readdirSync(dir).map(parseLockName);
    expect(files.map((f) => f?.port).sort()).toEqual([...r.ports].sort());
    expect(files.every((f) => f?.pid === process.pid && f.start === processStartTime(process.pid))).toBe(true);
    r.release();
    r.release();
    expect(readdirSync(dir)).toEqual([]);
  });

  it("freeFixedPorts never hands out a port a live run has reserved (it may be unbound right now)", async () => {
    const dir = lockDir();
    const [lo] = ephemeralRange();
    const floor = lo - 40;
    const open = [floor + 3, floor + 11, floor + 19, floor + 27, floor + 35];
    // every port of freeFixedPorts' range (floor .. lo - 2) is reserved by this live process, but five
    for (let port = floor; port < lo - 1; port++) if (!open.includes(port)) writeFileSync(path.join(dir, lockName(port, process.pid, processStartTime(process.pid)!)), "");
    const saved = process.env.NETSPLIT_PORT_LOCK_DIR;
    process.env.NETSPLIT_PORT_LOCK_DIR = dir;
    try {
      const ports = await freeFixedPorts("127.0.0.1", 2, floor);
      expect(ports.filter((p) => !open.includes(p))).toEqual([]);
    } finally {
      if (saved === undefined) delete process.env.NETSPLIT_PORT_LOCK_DIR;
      else process.env.NETSPLIT_PORT_LOCK_DIR = saved;
    }
  });

  it("two reservations of one process at once never share a port", async () => {
    const dir = lockDir();
    const floor = narrowFloor(24);
    const [a, b] = await Promise.all([1, 2].map(() => reserveFixedPorts("127.0.0.1", 10, { lockDir: dir, floor })));
    expect(new Set([...a!.ports, ...b!.ports]).size).toBe(20);
    a!.release();
    b!.release();
  });

  it("skips every port a live process of another harness holds, even when it is not bound", async () => {
    const dir = lockDir();
    const floor = narrowFloor(12);
    const top = ephemeralRange()[0] - 1;
    const owner = sleeper();
    const start = processStartTime(owner)!;
    const free = [floor + 2, floor + 5, floor + 9];
    for (let p = floor; p < top; p++) if (!free.includes(p)) writeFileSync(path.join(dir, lockName(p, owner, start)), "");
    const r = await reserveFixedPorts("127.0.0.1", 3, { lockDir: dir, floor });
    expect([...r.ports].sort()).toEqual(free);
    // every port of the range is now held: by the other owner, or by `r`
    await expect(reserveFixedPorts("127.0.0.1", 3, { lockDir: dir, floor })).rejects.toThrow(/cannot reserve 3 free ports .* reserved by other runs/);
    r.release();
  });

  it("ignores and removes the locks of dead owners and of reused pids", async () => {
    const dir = lockDir();
    const floor = narrowFloor(12);
    const top = ephemeralRange()[0] - 1;
    const dead = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
    await new Promise((resolve) => dead.once("exit", resolve));
    const live = sleeper();
    // the range's other ports are held by a live owner, so only the stale ones can be chosen
    for (let p = floor + 3; p < top; p++) writeFileSync(path.join(dir, lockName(p, live, processStartTime(live)!)), "");
    // stale: a dead owner's, a reused pid's (another start time), an old run of our own pid; and one of another port
    const stale = [lockName(floor, dead.pid!, "1"), lockName(floor + 1, live, "999999999"), lockName(floor + 2, process.pid, "1"), lockName(floor - 5000, dead.pid!, "1")];
    for (const name of stale) writeFileSync(path.join(dir, name), "");
    const r = await reserveFixedPorts("127.0.0.1", 3, { lockDir: dir, floor });
    expect([...r.ports].sort()).toEqual([floor, floor + 1, floor + 2]);
    expect(readdirSync(dir).filter((n) => stale.includes(n))).toEqual([]);
    r.release();
  });

  it("processes reserving at the same moment from one narrow range never get the same port", async () => {
    const dir = lockDir();
    const floor = narrowFloor(40);
    const holders = [0, 1, 2, 3].map(() => holder(dir, 8, floor));
    const all = (await Promise.all(holders.map((h) => h.ports))).flat();
    expect(all).toHaveLength(32);
    expect(new Set(all).size).toBe(32);
    expect(readdirSync(dir)).toHaveLength(32);
    // a holder that exits releases its ports; one that is SIGKILLed leaves stale files that do not block
    holders[0]!.child.stdin!.end();
    holders[1]!.child.kill("SIGKILL");
    await Promise.all([0, 1].map((i) => new Promise((resolve) => holders[i]!.child.once("exit", resolve))));
    expect(readdirSync(dir)).toHaveLength(24);
    const again = await reserveFixedPorts("127.0.0.1", 16, { lockDir: dir, floor });
    const others = (await Promise.all(holders.slice(2).map((h) => h.ports))).flat();
    expect(again.ports.filter((p) => others.includes(p))).toEqual([]);
    again.release();
  });

  it("works unreserved (locked: false) when the lock folder cannot be made", async () => {
    const r = await reserveFixedPorts("127.0.0.1", 2, { lockDir: "/dev/null/netsplit-ports" });
    expect(r.locked).toBe(false);
    expect(new Set(r.ports).size).toBe(2);
  });

  it("parses only its own file names", () => {
    expect(parseLockName(lockName(12345, 678, "9012"))).toEqual({ port: 12345, pid: 678, start: "9012" });
    expect(parseLockName("12345-678")).toBeUndefined();
    expect(parseLockName("x-1-2")).toBeUndefined();
  });
});
