import { mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { binaryModuleVersion, pinnedToxiproxyVersion, toxiproxyVersion } from "./version.js";

describe("Toxiproxy's version for the reports", () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), "netsplit-tpv-"));
  // what `go version -m` reads: the module line of the build info embedded in the binary
  const fake = path.join(dir, "toxiproxy-server");
  writeFileSync(fake, Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]), Buffer.from("\xff Go buildinf:\0path\tgithub.com/Shopify/toxiproxy/v2/cmd/server\nmod\tgithub.com/Shopify/toxiproxy/v2\tv2.12.0\th1:d1x++=\n", "latin1")]));

  it("keeps a real version", () => expect(toxiproxyVersion("2.9.0")).toBe("2.9.0"));
  it("reads a go-installed binary's build info when the server says git", () => {
    expect(binaryModuleVersion(fake)).toBe("2.12.0");
    expect(toxiproxyVersion("git", { binary: fake })).toBe("2.12.0");
  });
  it("else an image tag, else the pinned version, said to be pinned", () => {
    expect(toxiproxyVersion("git", { image: "netsplit/toxiproxy:2.12.0" })).toBe("2.12.0");
    expect(pinnedToxiproxyVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(toxiproxyVersion("git", { binary: path.join(dir, "missing") })).toBe(`${pinnedToxiproxyVersion()} (pinned; the server says "git")`);
  });
  it("the installed server, where there is one", () => {
    const installed = path.join(path.dirname(new URL(import.meta.url).pathname), "../../../.netsplit/tools/bin/toxiproxy-server");
    const v = binaryModuleVersion(installed);
    if (v !== undefined) expect(v).toMatch(/^\d+\.\d+\.\d+/);
  });
});
