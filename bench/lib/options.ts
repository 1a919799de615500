/**
 * Command-line options of `npm run bench` (bench/run.ts):
 *
 *   --quick       fewer repetitions and sizes, for development (results.quick.json)
 *   --only a,b    only these measurements (cluster, phases, boot, fault, detection, memory,
 *                 docker, suite, app, stability, rabbitmq); their figures replace the same figures in the
 *                 results file
 *   --reps K      K repetitions of every measurement (overrides the defaults)
 *   --out FILE    the results file (default bench/results.json, quick: bench/results.quick.json)
 *   --doc FILE    the Markdown written from the results (default docs/BENCHMARKS.md for the
 *                 default results file, none otherwise); --no-doc writes none
 */
export const MEASUREMENTS = ["cluster", "phases", "boot", "fault", "detection", "memory", "docker", "suite", "app", "stability", "rabbitmq"] as const;
export type Measurement = (typeof MEASUREMENTS)[number];

export interface BenchOptions {
  quick: boolean;
  only: Measurement[];
  reps: number | null;
  out: string;
  doc: string | null;
}

export interface Plan {
  clusterSizes: number[];
  clusterReps: number;
  phaseSizes: number[];
  phaseReps: number;
  bootReps: number;
  faultSizes: number[];
  faultReps: number;
  detectionSize: number;
  detectionReps: number;
  memorySizes: number[];
  memoryReps: number;
  dockerSizes: number[];
  dockerReps: number;
  suiteReps: number;
  /** Cluster ready with examples/jobs vs without it (bench/app.ts). */
  appSizes: number[];
  appReps: number;
  /** The shipped suite with --jobs 1 and --jobs `stabilityJobs`, K times each (bench/stability.ts). */
  stabilityReps: number;
  stabilityJobs: number;
  /** RabbitMQ's 3-node cluster under netsplit vs by its own scripts (bench/rabbitmq.ts). */
  rabbitmqReps: number;
}

export const DEFAULT_OUT = "bench/results.json";
export const QUICK_OUT = "bench/results.quick.json";
export const DEFAULT_DOC = "docs/BENCHMARKS.md";

export function parseOptions(argv: readonly string[]): BenchOptions {
  let quick = false;
  let only: Measurement[] = [...MEASUREMENTS];
  let reps: number | null = null;
  let out: string | undefined;
  let doc: string | null | undefined;
  const value = (i: number, flag: string): string => {
    const v = argv[i + 1];
    if (v === undefined || v.startsWith("--")) throw new Error(`${flag} needs a value, e.g. ${flag === "--only" ? "--only cluster,fault" : flag === "--reps" ? "--reps 3" : `${flag} FILE`}`);
    return v;
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--quick") quick = true;
    else if (arg === "--only") {
      const names = value(i++, arg).split(",").map((s) => s.trim()).filter(Boolean);
      const bad = names.filter((n) => !(MEASUREMENTS as readonly string[]).includes(n));
      if (bad.length || names.length === 0) throw new Error(`--only takes a comma-separated list of ${MEASUREMENTS.join(", ")}; got "${bad.join(", ") || "nothing"}"`);
      only = MEASUREMENTS.filter((m) => names.includes(m));
    } else if (arg === "--reps") {
      const k = Number(value(i++, arg));
      if (!Number.isInteger(k) || k < 1 || k > 100) throw new Error(`--reps takes a whole number from 1 to 100, got "${argv[i]}"`);
      reps = k;
    } else if (arg === "--out") out = value(i++, arg);
    else if (arg === "--doc") doc = value(i++, arg);
    else if (arg === "--no-doc") doc = null;
    else throw new Error(`unknown option "${arg}"; options: --quick, --only ${MEASUREMENTS.join(",")}, --reps K, --out FILE, --doc FILE, --no-doc`);
  }
  const outFile = out ?? (quick ? QUICK_OUT : DEFAULT_OUT);
  return { quick, only, reps, out: outFile, doc: doc === undefined ? (outFile === DEFAULT_OUT ? DEFAULT_DOC : null) : doc };
}

/** Sizes and repetitions: the full defaults take about 15 minutes on a 2-core machine. */
export function plan(o: Pick<BenchOptions, "quick" | "reps">): Plan {
  const r = (full: number, quick: number) => o.reps ?? (o.quick ? quick : full);
  return {
    clusterSizes: o.quick ? [3, 5, 16] : [3, 5, 10, 16, 24],
    clusterReps: r(5, 2),
    phaseSizes: o.quick ? [16] : [16, 24],
    phaseReps: r(3, 1),
    bootReps: r(7, 2),
    faultSizes: [5, 16],
    faultReps: r(9, 3),
    detectionSize: 5,
    detectionReps: r(7, 3),
    memorySizes: o.quick ? [5, 16] : [5, 16, 24],
    memoryReps: r(3, 1),
    dockerSizes: o.quick ? [3] : [3, 5],
    dockerReps: r(3, 1),
    suiteReps: r(3, 1),
    appSizes: o.quick ? [3] : [3, 5],
    appReps: r(9, 3),
    stabilityReps: r(2, 1),
    stabilityJobs: 2,
    rabbitmqReps: r(3, 1),
  };
}
