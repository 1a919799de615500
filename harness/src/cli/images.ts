/**
 * `netsplit images`: makes sure the docker runtime's images exist on the Docker engine, building
 * or pulling what is missing, and says what it does and how long each took. The docker runtime
 * itself (and testcontainers) loads only when the command really runs.
 */
import { parseArgs } from "node:util";
import { UsageError } from "../errors.js";
import type { CliIo } from "./io.js";
import { now } from "../util/clock.js";

export const IMAGES_HELP = `Usage: netsplit images [--local | --pull] [--force] [--prune]

Makes sure the images of the docker runtime are on the Docker engine, building or pulling what is
missing, and prints what it does and how long each image took.

  --pull    public images: ghcr.io/shopify/toxiproxy (pinned in scripts/versions.env) is pulled,
            and netsplit/node:<hash> is built: the node agent's mix release, made on this machine,
            on NETSPLIT_NODE_BASE_IMAGE (default debian:<host suite>-slim, pulled as usual)
  --local   no registry needed, nothing is pulled: netsplit/base:<suite> from debootstrap (root,
            about 40 s, once per machine), netsplit/toxiproxy:<version> from this machine's
            toxiproxy-server, netsplit/node:<hash> on that base
  --force   build (or pull) again even what exists
  --prune   then remove netsplit's other images (node images of older agent sources, images a
            rebuild replaced); images a container uses stay

Without --local or --pull: NETSPLIT_IMAGES=local|pull, else local where netsplit/base was built,
else pull. \`netsplit run --runtime docker\` does the same for missing images before it starts.
The node image's tag is a hash of the agent's sources, the host's OTP/Elixir and the base image.
netsplit/node:latest and netsplit/toxiproxy:latest point at the images just ensured:
docker-compose.yml runs those.

Examples:
  netsplit images --local
  NETSPLIT_IMAGES=local netsplit run scenarios/majority-minority-split.yaml --runtime docker
`;

export async function imagesCommand(argv: string[], io: CliIo): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: {
      local: { type: "boolean" },
      pull: { type: "boolean" },
      force: { type: "boolean" },
      prune: { type: "boolean" },
      help: { type: "boolean", short: "h" },
    },
    strict: true,
  });
  if (values.help) {
    io.out(IMAGES_HELP);
    return 0;
  }
  if (values.local && values.pull) throw new UsageError("bad_flag", "--local and --pull exclude each other: choose one");
  const { ensureImages, pruneImages } = await import("../runtime/docker/images.js");
  const t0 = now();
  const { set, steps } = await ensureImages({
    ...(values.local ? { mode: "local" as const } : values.pull ? { mode: "pull" as const } : {}),
    force: values.force === true,
    progress: (line) => io.out(`${line}\n`),
  });
  io.out(`\n${set.mode} image set ready in ${((now() - t0) / 1000).toFixed(1)} s:\n`);
  for (const s of steps) {
    io.out(`  ${s.image.padEnd(36)} ${s.action.padEnd(8)} ${s.action === "present" ? "" : `${(s.ms / 1000).toFixed(1)} s`}\n`);
  }
  io.out(`  ${"netsplit/node:latest".padEnd(36)} -> ${set.node}\n  ${"netsplit/toxiproxy:latest".padEnd(36)} -> ${set.toxiproxy}\n`);
  io.out("\n`docker compose up` (docker-compose.yml) runs the :latest images.\n");
  if (values.prune) {
    const { dockerClient } = await import("../runtime/docker/engine.js");
    const removed = await pruneImages((await dockerClient()).client.container.dockerode, set);
    io.out(removed.length ? `\nRemoved ${removed.length} other netsplit image(s): ${removed.join(", ")}\n` : "\nNo other netsplit image to remove.\n");
  }
  return 0;
}
