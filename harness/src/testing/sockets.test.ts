import { existsSync } from "node:fs";
import net from "node:net";
import { describe, expect, it } from "vitest";
import { decodeAddress, listeningSockets, parseProcNetTcp } from "./sockets.js";

// Lines as the kernel writes them (header, then one socket per line).
const TCP = `  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 0100007F:5BA0 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1972196 1 0000000096d14d81 100 0 0 10 0
   1: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 1061 1 00000000e78dca8b 100 0 0 10 0
   2: 0100007F:D26E 0100007F:75D0 06 00000000:00000000 03:0000085F 00000000     0        0 0 3 00000000b62f6948
   3: 0200A8C0:0016 0100007F:9C40 01 00000000:00000000 02:000AF0A8 00000000     0        0 4242 2 0000000000000000 20 4 30 10 -1
`;
const TCP6 = `  sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
   0: 00000000000000000000000001000000:1F90 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 555 1 0000000000000000 100 0 0 10 0
   1: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 556 1 0000000000000000 100 0 0 10 0
   2: 0000000000000000FFFF00000100007F:2710 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 557 1 0000000000000000 100 0 0 10 0
   3: B80D0120000000000000000001000000:01BB 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 558 1 0000000000000000 100 0 0 10 0
`;

describe("/proc/net/tcp parsing", () => {
  it("keeps LISTEN sockets only, with decoded addresses, ports and inodes", () => {
    expect(parseProcNetTcp(TCP, 4)).toEqual([
      { inode: 1972196, address: "127.0.0.1", port: 0x5ba0, family: 4 },
      { inode: 1061, address: "0.0.0.0", port: 2024, family: 4 },
    ]);
  });

  it("decodes IPv6 words in host byte order, compressing the longest zero run", () => {
    expect(parseProcNetTcp(TCP6, 6).map((s) => [s.address, s.port, s.inode])).toEqual([
      ["::1", 8080, 555],
      ["::", 80, 556],
      ["::ffff:127.0.0.1", 10000, 557],
      ["2001:db8::1", 443, 558],
    ]);
  });

  it("refuses what is not an address", () => {
    expect(() => decodeAddress("0100007", 4)).toThrow(/not an IPv4 address/);
    expect(() => decodeAddress("0100007F", 6)).toThrow(/not an IPv6 address/);
    expect(decodeAddress("0200A8C0", 4)).toBe("192.168.0.2");
  });

  it.skipIf(!existsSync("/proc/net/tcp"))("finds a real listener of this process, on its address and port", async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen({ host: "127.0.0.1", port: 0 }, resolve));
    const { port } = server.address() as net.AddressInfo;
    try {
      const found = listeningSockets([process.pid]).filter((s) => s.port === port);
      expect(found.map((s) => [s.address, s.family, s.pid])).toEqual([["127.0.0.1", 4, process.pid]]);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
    expect(listeningSockets([process.pid]).some((s) => s.port === port)).toBe(false);
  });
});
