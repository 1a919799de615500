/** The docker runtime's public surface: start a cluster in containers, manage its images, clean up. */
export { startDockerCluster, DockerBackend } from "./cluster.js";
export { dockerClient, dockerUnavailableReason, probeDockerEngine, type DockerEngineInfo } from "./engine.js";
export { ensureImages, imageSet, resolveImageMode, toxiproxyVersion, type EnsureOptions, type ImageMode, type ImageSet, type ImageStep } from "./images.js";
export { LABEL, ownerState, ownerToken, runLabels } from "./labels.js";
export { removeRun, sweepDockerLeftovers, type Removed } from "./sweep.js";
