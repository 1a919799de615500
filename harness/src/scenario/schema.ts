/**
 * The scenario file schema: the one source of truth. Static types derive from it
 * (`Static<typeof ScenarioFileSchema>`), `json-schema.ts` turns it into the JSON Schema that
 * editors use, and `validate.ts` walks it to report errors with positions. Every key carries a
 * description and its default. Shared pieces live in schema-common.ts; steps and checks in
 * schema-steps.ts and schema-checks.ts.
 */
import { Type, type Static } from "@sinclair/typebox";
import { CheckItem } from "./schema-checks.js";
import {
  ATOM_PATTERN, ATOM_RULE, DEFAULTS, DESCRIPTION_MAX, Duration, Text, GLOBAL_NAME_PATTERN, GLOBAL_NAME_RULE, NODE_NAME_PATTERN,
  NODE_NAME_RULE, NodeRef, Nodes, SCENARIO_NAME_PATTERN, SCENARIO_NAME_RULE,
} from "./schema-common.js";
import { App, Formation } from "./schema-app.js";
import { Step } from "./schema-steps.js";
import { Clients } from "./schema-clients.js";

export { CHECK_NAMES, CHECK_SCHEMAS, CheckItem, type CheckName } from "./schema-checks.js";
export { NemesisFault, Step, WaitCondition } from "./schema-steps.js";
export * from "./schema-common.js";

export const MIN_NODES = 2;
export const MAX_NODES = 64;

const NodeNameDef = Type.String({
  description: "A node name.",
  title: "node name",
  pattern: NODE_NAME_PATTERN,
  patternErrorMessage: NODE_NAME_RULE,
});

export const Runtime = Type.Union(
  [
    Type.Literal("local", { description: "Nodes are local OS processes." }),
    Type.Literal("docker", { description: "Nodes run in Docker containers." }),
  ],
  { description: "Where the nodes run; the CLI's --runtime overrides it. Default: local.", default: DEFAULTS.runtime },
);

const Kernel = Type.Object(
  {
    net_ticktime: Type.Optional(Type.Integer({ minimum: 1, maximum: 3600, default: DEFAULTS.netTicktimeSeconds, description: "Seconds until an unresponsive peer is declared down (kernel net_ticktime). Default: 4 (short, for tests)." })),
    prevent_overlapping_partitions: Type.Optional(Type.Boolean({ default: DEFAULTS.preventOverlappingPartitions, description: "kernel prevent_overlapping_partitions: global disconnects nodes to keep partitions from overlapping. Default: true (the OTP default)." })),
    net_setuptime: Type.Optional(Type.Integer({ minimum: 1, maximum: 120, default: DEFAULTS.netSetuptimeSeconds, description: "Seconds allowed to set up a connection (kernel net_setuptime). Default: 2." })),
    connect_all: Type.Optional(Type.Boolean({ default: DEFAULTS.connectAll, description: "kernel connect_all: connecting to one node connects to all it knows. Default: true." })),
  },
  { additionalProperties: false, description: "-kernel flags for every node." },
);

const Reconnect = Type.Union(
  [
    Type.Boolean({ description: "false disables the reconnect loop; true enables it with the defaults." }),
    Type.Object(
      { interval_ms: Type.Optional(Type.Integer({ minimum: 10, default: DEFAULTS.reconnectIntervalMs, description: "Milliseconds between two re-dial rounds. Default: 500." })) },
      { additionalProperties: false, description: "The agent's reconnect loop." },
    ),
  ],
  {
    description: "The agent re-dials known peers every interval_ms; `false` disables it. Off with `formation: app`. Default: { interval_ms: 500 }.",
    "x-expect": "false or { interval_ms: 500 }",
  },
);

const Cluster = Type.Object(
  {
    nodes: Type.Union(
      [
        Type.Integer({ minimum: MIN_NODES, maximum: MAX_NODES, description: "How many nodes, named n1, n2, ..." }),
        Type.Array(NodeNameDef, { minItems: MIN_NODES, maxItems: MAX_NODES, uniqueItems: true, description: "The node names, e.g. [a, b, c]." }),
      ],
      { description: "The nodes: a count from 2 to 64 (named n1..nN) or a list of distinct names.", "x-expect": "a node count (2 to 64) or a list of node names" },
    ),
    runtime: Type.Optional(Runtime),
    kernel: Type.Optional(Kernel),
    reconnect: Type.Optional(Reconnect),
    boot_timeout: Type.Optional(Duration("How long the nodes may take to start and form the mesh. Default: 30s.", DEFAULTS.bootTimeout)),
    app: Type.Optional(App),
    formation: Type.Optional(Formation),
  },
  { additionalProperties: false, description: "The cluster under test." },
);

const PgWorkload = Type.Object(
  {
    scope: Type.Optional(Type.String({ title: "pg scope", pattern: ATOM_PATTERN, patternErrorMessage: ATOM_RULE, default: DEFAULTS.pgScope, description: "The pg scope (an atom). Default: netsplit." })),
    group: Type.String({ title: "pg group", pattern: GLOBAL_NAME_PATTERN, patternErrorMessage: GLOBAL_NAME_RULE.replace("a global name", "a pg group"), description: "The pg group name." }),
    per_node: Type.Optional(Type.Integer({ minimum: 0, maximum: 1000, default: DEFAULTS.pgPerNode, description: "Member processes each node joins to the group. Default: 1." })),
    on: Type.Optional(Nodes("The nodes that run members. Default: every node.")),
  },
  { additionalProperties: false, description: "Processes joined to a pg group." },
);

const GlobalName = Type.Object(
  {
    name: Type.String({ title: "global name", pattern: GLOBAL_NAME_PATTERN, patternErrorMessage: GLOBAL_NAME_RULE, description: "The global name." }),
    on: Type.Optional(NodeRef("The node that starts and registers the process. Default: the first node.")),
  },
  { additionalProperties: false, description: "A process registered under a global name." },
);

export const GlobalProbeOp = Type.Union(
  [
    Type.Literal("register_name", { description: "Time :global.register_name/2 (and unregister)." }),
    Type.Literal("whereis_name", { description: "Time :global.whereis_name/1." }),
    Type.Literal("trans", { description: "Time :global.trans/2 (a global lock)." }),
  ],
  { description: "The global operation to time." },
);

const GlobalProbe = Type.Object(
  {
    probe: GlobalProbeOp,
    every_ms: Type.Optional(Type.Integer({ minimum: 10, default: DEFAULTS.probeEveryMs, description: "Milliseconds between two operations on a node. Default: 200." })),
    timeout_ms: Type.Optional(Type.Integer({ minimum: 1, default: DEFAULTS.probeTimeoutMs, description: "The agent gives up on one operation after this many ms. Default: 30000." })),
    on: Type.Optional(Nodes("The nodes that run the probe. Default: every node.")),
  },
  { additionalProperties: false, description: "Timed global operations, run in a loop (for global.blocking)." },
);

const HordeWorkload = Type.Object(
  {
    keys: Type.Integer({ minimum: 1, maximum: 100_000, description: "How many keyed workers to start." }),
    sync_interval_ms: Type.Optional(Type.Integer({ minimum: 1, description: "Horde's delta-CRDT sync interval in ms. Default: Horde's own." })),
    distribution: Type.Optional(Type.Union([Type.Literal("uniform", { description: "Horde.UniformDistribution." }), Type.Literal("uniform_quorum", { description: "Horde.UniformQuorumDistribution." })], { default: DEFAULTS.hordeDistribution, description: "The distribution strategy. Default: uniform." })),
    restart: Type.Optional(Type.Union([Type.Literal("ignore_already_started", { description: "Treat {:error, {:already_started, pid}} as success." }), Type.Literal("naive", { description: "Start again on every failure." })], { default: DEFAULTS.hordeRestart, description: "How the workload restarts missing workers. Default: ignore_already_started." })),
    trap_exit: Type.Optional(Type.Boolean({ default: DEFAULTS.hordeTrapExit, description: "Whether workers trap exits. Default: false." })),
  },
  { additionalProperties: false, description: "Keyed workers under Horde, registered by name (skipped where Horde is not available)." },
);

const Workload = Type.Object(
  {
    pg: Type.Optional(Type.Array(PgWorkload, { description: "pg groups and their members." })),
    global: Type.Optional(
      Type.Array(Type.Union([GlobalName, GlobalProbe], { description: "A registered name { name, on } or a probe { probe, every_ms }.", "x-expect": "{ name, on } or { probe, every_ms }" }), { description: "Globally registered processes and timed global operations." }),
    ),
    horde: Type.Optional(Type.Array(HordeWorkload, { description: "Horde workers." })),
    clients: Type.Optional(Clients),
  },
  { additionalProperties: false, description: "What runs on the nodes while faults happen." },
);

export const ScenarioFileSchema = Type.Object(
  {
    netsplit: Type.Literal(1, { description: "The format version (required): 1.", "x-kind": "version" }),
    name: Type.Optional(Type.String({ title: "scenario name", pattern: SCENARIO_NAME_PATTERN, patternErrorMessage: SCENARIO_NAME_RULE, description: "The scenario's name; it names the run directory. Default: the file name without its extension." })),
    description: Type.Optional(Text("description", DESCRIPTION_MAX, "What the scenario does, in a sentence or two (at most 2000 characters).")),
    seed: Type.Optional(Type.Integer({ minimum: 0, maximum: 4_294_967_295, description: "Seed for every random choice (nemesis, halves); an unsigned 32-bit integer. Default: the runner picks one and records it." })),
    cluster: Cluster,
    workload: Type.Optional(Workload),
    steps: Type.Optional(Type.Array(Step, { description: "The timeline, run in order. Default: no steps." })),
    checks: Type.Optional(Type.Array(CheckItem, { description: "Evaluated after the steps and a final heal. Default: no checks." })),
    limits: Type.Optional(
      Type.Object(
        { run_timeout: Type.Optional(Duration("The whole run is aborted after this long. Default: 10m.", DEFAULTS.runTimeout)) },
        { additionalProperties: false, description: "Limits for the whole run." },
      ),
    ),
  },
  {
    additionalProperties: false,
    title: "netsplit scenario",
    description: "A netsplit scenario file, format version 1: a cluster, a workload, a timeline of faults and the checks that judge it.",
  },
);

/** A scenario file as written (before defaults and normalisation). */
export type ScenarioFile = Static<typeof ScenarioFileSchema>;
