/**
 * The progress callback both soaks give `runScenario`: every line to the soak's log file (and
 * the console with --verbose), and the run's landmarks turned into sampler actions — the run
 * directory, the cluster ready, each heal, each cycle's end — plus failures on the console.
 */
import { appendFileSync } from "node:fs";
import type { Sample, Sampler } from "./sampler.js";

export interface SoakProgressOptions {
  logFile: string;
  verbose: boolean;
  sampler: Sampler;
  /** A cycle ended: the sampler's sample of that moment. */
  onCycle: (sample: Sample) => void;
  /** Another line; true when it was handled (shown or kept) and needs nothing else. */
  onLine?: (line: string) => boolean;
}

export function soakProgress(o: SoakProgressOptions): { progress: (line: string) => void; runDir: () => string } {
  let runDir = "";
  const progress = (line: string) => {
    appendFileSync(o.logFile, `${line}\n`);
    if (o.verbose) console.log(line);
    const dir = /^netsplit: .* -> (.+)$/.exec(line);
    if (dir) {
      runDir = dir[1]!;
      o.sampler.setRunDir(runDir);
    } else if (/ cluster of \d+ ready /.test(line)) {
      o.sampler.refreshChildren();
    } else if (/ heal all \(/.test(line)) {
      o.sampler.afterHeal();
    } else if (/ soak cycle done$/.test(line)) {
      o.onCycle(o.sampler.cycleEnd());
    } else if (o.onLine?.(line)) {
      // handled by the soak
    } else if (!o.verbose && /\bcheck \S+: (FAIL|UNKNOWN)\b|wait until \S+: NOT reached|^error: /.test(line)) {
      console.log(`  ${line.trim()}`);
    }
  };
  return { progress, runDir: () => runDir };
}
