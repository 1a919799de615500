import { describe, expect, it } from "vitest";
import { debianSource } from "./base-image.js";
import { splitTag } from "./build.js";
import { baseImage, localToxiproxyImage, publicToxiproxyImage, toxiproxyVersion } from "./images.js";

describe("image names", () => {
  it("Toxiproxy's version comes from scripts/versions.env, the one place it is pinned", () => {
    expect(toxiproxyVersion()).toMatch(/^\d+\.\d+\.\d+$/);
    expect(publicToxiproxyImage()).toBe(`ghcr.io/shopify/toxiproxy:${toxiproxyVersion()}`);
    expect(localToxiproxyImage()).toBe(`netsplit/toxiproxy:${toxiproxyVersion()}`);
    expect(baseImage("bookworm")).toBe("netsplit/base:bookworm");
  });

  it("splits image references into repository and tag, registry ports included", () => {
    expect(splitTag("netsplit/node:abc")).toEqual(["netsplit/node", "abc"]);
    expect(splitTag("ghcr.io/shopify/toxiproxy:2.12.0")).toEqual(["ghcr.io/shopify/toxiproxy", "2.12.0"]);
    expect(splitTag("localhost:5000/netsplit/node")).toEqual(["localhost:5000/netsplit/node", "latest"]);
  });

  it("the debootstrap suite and mirror: NETSPLIT_DEBIAN_* first, else the host's", () => {
    expect(debianSource({ NETSPLIT_DEBIAN_SUITE: "trixie", NETSPLIT_DEBIAN_MIRROR: "http://mirror.example/debian" })).toEqual({ suite: "trixie", mirror: "http://mirror.example/debian" });
    const host = debianSource({});
    expect(host.suite).toMatch(/^[a-z]+$/);
    expect(host.mirror).toMatch(/^https?:\/\/\S+[^/]$/);
  });
});
