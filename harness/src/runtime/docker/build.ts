/**
 * The engine calls behind `netsplit images`: build from a Dockerfile, import a root file system,
 * inspect (pulls go through testcontainers' client, which reads registry credentials as usual).
 * The engine streams JSON progress objects; an `error` among them is a failure even though the
 * HTTP call succeeded, so every stream is read to its end and checked.
 *
 * Our Dockerfiles have no RUN step: nothing runs while they build. The classic builder still
 * creates a container per step to commit it; `rm` and `forcerm` have the engine remove them, and
 * a build whose client is gone (SIGINT, SIGKILL) is cancelled and cleaned up by the engine
 * (build.int.test.ts). A docker run's sweep removes any step container an engine left anyway.
 */
import type { Readable } from "node:stream";
import { NetsplitError } from "../../errors.js";
import type { Dockerode } from "./engine.js";

interface Progress {
  stream?: string;
  status?: string;
  error?: string;
  errorDetail?: { message?: string };
  aux?: { ID?: string };
}

/** Reads a progress stream to its end; rejects with the first `error` it carried. */
function follow(docker: Dockerode, stream: NodeJS.ReadableStream, what: string): Promise<Progress[]> {
  return new Promise((resolve, reject) => {
    docker.modem.followProgress(stream, (err: Error | null, output: Progress[]) => {
      if (err) return reject(new NetsplitError("docker_image_failed", `${what} failed: ${err.message}`, { cause: err }));
      const failed = output.find((o) => o.error !== undefined || o.errorDetail !== undefined);
      if (failed) return reject(new NetsplitError("docker_image_failed", `${what} failed: ${failed.error ?? failed.errorDetail?.message}`));
      resolve(output);
    });
  });
}

export async function imageExists(docker: Dockerode, image: string): Promise<boolean> {
  try {
    await docker.getImage(image).inspect();
    return true;
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return false;
    throw err;
  }
}

export async function imageLabels(docker: Dockerode, image: string): Promise<Record<string, string> | null> {
  try {
    const info = await docker.getImage(image).inspect();
    return info.Config?.Labels ?? {};
  } catch (err) {
    if ((err as { statusCode?: number }).statusCode === 404) return null;
    throw err;
  }
}

/** `docker build` of `contextDir` (all its files) without pulling; tags `tags` (the first is the build's). */
export async function buildImage(docker: Dockerode, contextDir: string, files: string[], tags: string[], buildargs: Record<string, string>, labels: Record<string, string>): Promise<void> {
  const what = `docker build of ${tags[0]}`;
  const stream = await docker.buildImage({ context: contextDir, src: files }, { t: tags[0], buildargs, labels, rm: true, forcerm: true, pull: false });
  await follow(docker, stream, what);
  for (const tag of tags.slice(1)) {
    const [repo, version] = splitTag(tag);
    await docker.getImage(tags[0]!).tag({ repo, tag: version });
  }
}

/** `docker import` of a tar stream of a root file system, with Dockerfile `changes` applied. */
export async function importImage(docker: Dockerode, tar: Readable, tag: string, changes: string[]): Promise<void> {
  const [repo, version] = splitTag(tag);
  const stream = await docker.importImage(tar, { repo, tag: version, changes } as unknown as object);
  await follow(docker, stream, `docker import of ${tag}`);
}

export function splitTag(image: string): [string, string] {
  const colon = image.lastIndexOf(":");
  if (colon <= image.lastIndexOf("/")) return [image, "latest"];
  return [image.slice(0, colon), image.slice(colon + 1)];
}
