/**
 * docker-compose.yml does what the README says: `up` starts Toxiproxy and three nodes that mesh
 * through it, the README's Toxiproxy calls partition the cluster, `/reset` heals it, the
 * reconnect loop re-meshes, and `netsplit_agent rpc` shows each node's view. Skipped, with the
 * reason in the test name, where no engine or no compose command is there.
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../../util/ports.js";
import { REPO_ROOT } from "../../util/paths.js";
import { dockerUnavailableReason } from "./engine.js";
import { ensureImages } from "./images.js";

function composeCommand(): string[] | null {
  if (spawnSync("docker", ["compose", "version"]).status === 0) return ["docker", "compose"];
  if (spawnSync("docker-compose", ["version"]).status === 0) return ["docker-compose"];
  return null;
}

const engine = await dockerUnavailableReason();
const compose = engine ? null : composeCommand();
const unavailable = engine ?? (compose ? null : "neither `docker compose` nor `docker-compose` is installed");
const project = `netsplit-composetest-${process.pid}`;
let port = 0;
const env = () => ({ ...process.env, NETSPLIT_TOXIPROXY_PORT: String(port) });

function run(args: string[]): string {
  const [cmd, ...pre] = compose!;
  const res = spawnSync(cmd!, [...pre, "-p", project, "-f", path.join(REPO_ROOT, "docker-compose.yml"), ...args], { env: env(), encoding: "utf8", timeout: 60_000 });
  if (res.status !== 0) throw new Error(`${compose!.join(" ")} ${args.join(" ")} failed (${res.status}): ${res.stderr}`);
  return res.stdout;
}

/** Node.list() of `node`, sorted short names, through the release's `rpc` command. */
function view(node: string): string[] {
  const out = run(["exec", "-T", node, "netsplit_agent", "rpc", 'IO.puts(Node.list() |> Enum.map(&(&1 |> Atom.to_string() |> String.split("@") |> hd())) |> Enum.sort() |> Enum.join(","))']);
  return out.trim().split(",").filter((x) => x !== "");
}

async function eventually(what: string, ok: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > deadline) throw new Error(`${what} not reached within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const api = (pathname: string, body: unknown) => fetch(`http://127.0.0.1:${port}${pathname}`, { method: "POST", body: JSON.stringify(body) });

describe.skipIf(unavailable !== null)("docker-compose.yml", () => {
  beforeAll(async () => {
    await ensureImages({ progress: (l) => console.log(l) });
    port = await freePort("127.0.0.1");
    run(["up", "-d"]);
  }, 300_000);
  afterAll(() => {
    if (compose) run(["down", "-v", "--remove-orphans"]);
  });

  it("starts Toxiproxy and three nodes that mesh through it; isolating n3 through the API and /reset heal as the README says", async () => {
    await eventually("a full mesh", () => view("n1").join() === "n2,n3" && view("n3").join() === "n1,n2", 20_000);
    // the README: cut n3 off, both directions of both of its links
    for (const p of ["n1_to_n3", "n3_to_n1", "n2_to_n3", "n3_to_n2"]) expect((await api(`/proxies/${p}`, { enabled: false })).status).toBe(200);
    await eventually("n3 isolated", () => view("n3").length === 0 && view("n1").join() === "n2", 10_000);
    expect((await api("/reset", {})).status).toBe(204);
    await eventually("the mesh again", () => view("n1").join() === "n2,n3" && view("n3").join() === "n1,n2", 10_000);
  });
});

if (unavailable) {
  describe("docker-compose.yml", () => {
    it.skip(`needs a Docker engine and compose: ${unavailable}`, () => undefined);
  });
}
