/** The timeline: each step is a map with exactly one key naming its kind. */
import { Type, type Static } from "@sinclair/typebox";
import { CheckItem } from "./schema-checks.js";
import {
  AllOrNodes, CallArgs, CallText, DEFAULTS, Duration, Expect, GLOBAL_NAME_PATTERN, GLOBAL_NAME_RULE, LinkPair, Links, LOG_MESSAGE_MAX, NodeRef, Nodes, PartitionMode, Text,
} from "./schema-common.js";

const Partition = Type.Object(
  {
    groups: Type.Optional(
      Type.Array(Type.Array(NodeRef("A node of this group."), { minItems: 1, uniqueItems: true, description: "A group of nodes that still talk to each other." }), {
        minItems: 2,
        description: "Nodes in different groups cannot talk (both directions). Nodes in no group keep all their links.",
        "x-expect": "a list of at least two groups, e.g. [[n1, n2], [n3]]",
      }),
    ),
    isolate: Type.Optional(Nodes("Cut each listed node off from every other node.")),
    halves: Type.Optional(Type.Literal(true, { description: "Split the nodes into two halves at random (from the seed)." })),
    bridge: Type.Optional(NodeRef("The bridge node sees both halves of the other nodes; the halves do not see each other.")),
    majorities_ring: Type.Optional(Type.Literal(true, { description: "Each node sees a majority, but no two nodes see the same majority (Jepsen)." })),
    grudge: Type.Optional(
      Type.Object({}, {
        additionalProperties: Type.Array(NodeRef("A node it cannot reach."), { uniqueItems: true, description: "The nodes the key node cannot reach." }),
        minProperties: 1,
        "x-keys": "node",
        description: "Explicit: each node and the nodes it cannot reach, e.g. { n1: [n3], n3: [n1] }.",
      }),
    ),
    mode: Type.Optional(PartitionMode),
  },
  {
    additionalProperties: false,
    description: "Cut the network into pieces. Give exactly one shape: groups, isolate, halves, bridge, majorities_ring or grudge.",
  },
);

const Oneway = Type.Object(
  {
    from: Nodes("Bytes sent by these nodes..."),
    to: Nodes("...to these nodes are dropped; the other direction still flows."),
    mode: Type.Optional(PartitionMode),
  },
  { additionalProperties: false, description: "Drop bytes in one direction only." },
);

const Delay = Type.Object(
  {
    links: Links("The links to slow down (both directions)."),
    latency_ms: Type.Integer({ minimum: 0, description: "Added latency in milliseconds." }),
    jitter_ms: Type.Optional(Type.Integer({ minimum: 0, default: DEFAULTS.jitterMs, description: "Random variation of the latency in milliseconds. Default: 0." })),
  },
  { additionalProperties: false, description: "Add latency to links." },
);

const Bandwidth = Type.Object(
  {
    links: Links("The links to throttle (both directions)."),
    rate_kbps: Type.Integer({ minimum: 1, description: "The rate limit in kilobytes per second." }),
  },
  { additionalProperties: false, description: "Throttle links." },
);

const PauseLink = Type.Object(
  { links: Links("The links to pause (both directions).") },
  { additionalProperties: false, description: "Hold every byte on links without dropping it (lossless), until healed." },
);

const LimitData = Type.Object(
  {
    links: Links("The links whose connections are limited (both directions)."),
    bytes: Type.Integer({ minimum: 1, description: "Each connection is closed once this many bytes crossed it in one direction." }),
  },
  { additionalProperties: false, description: "Close every connection on links after a number of bytes (Toxiproxy's limit_data): the link flaps as the nodes reconnect, until healed." },
);

const Heal = Type.Union(
  [
    Type.Literal("all", { description: "Remove every network fault." }),
    Type.Object(
      { links: Type.Array(LinkPair, { minItems: 1, description: "The links to heal, e.g. [[n1, n3]]." }) },
      { additionalProperties: false, description: "Remove the faults on the listed links only." },
    ),
  ],
  {
    description: "Remove network faults. Never reconnects nodes itself: re-meshing is the cluster's job, and that is what the checks observe.",
    "x-expect": "`all` or { links: [[n1, n2]] }",
  },
);

const GlobalRegister = Type.Object(
  {
    name: Type.String({ title: "global name", pattern: GLOBAL_NAME_PATTERN, patternErrorMessage: GLOBAL_NAME_RULE, description: "The global name to register." }),
    on: Nodes("Each listed node registers a fresh process of its own under the name (to create conflicts)."),
  },
  { additionalProperties: false, description: "Register processes under a global name from several nodes." },
);

export const WaitCondition = Type.Union(
  [
    Type.Literal("mesh", { description: "Every running node sees every other running node." }),
    Type.Literal("pg_converged", { description: "Every node agrees on the members of every workload pg group." }),
    Type.Literal("global_converged", { description: "Every node agrees on the global name registry." }),
  ],
  { description: "The condition to wait for." },
);

const WaitCall = Type.Object(
  {
    call: CallText("The function to poll, e.g. \"MyApp.ready?/0\"."),
    args: Type.Optional(CallArgs),
    on: Type.Optional(AllOrNodes("The nodes where the call must pass. Default: all.")),
    expect: Type.Optional(Expect),
  },
  { additionalProperties: false, description: "Until a call passes on the nodes (:ok or true, or the `expect` text)." },
);

const Wait = Type.Union(
  [
    Duration("Sleep for this long."),
    Type.Object(
      {
        until: Type.Union([WaitCondition, WaitCall], {
          description: "The condition to wait for: mesh, pg_converged, global_converged or { call, on, expect }.",
          "x-expect": "mesh, pg_converged, global_converged or { call: \"Mod.fun/0\" }",
        }),
        timeout: Type.Optional(Duration("Give up after this long: the history records a wait_timeout and the run goes on. Default: 30s.", DEFAULTS.waitTimeout)),
      },
      { additionalProperties: false, description: "Wait until a condition holds." },
    ),
  ],
  { description: "Sleep for a duration, or wait until a condition holds: { until: mesh, timeout: 10s }.", "x-expect": "a duration (5s) or { until: mesh, timeout: 10s }" },
);

export const NemesisFault = Type.Union(
  [
    Type.Literal("partition", { description: "Random partitions (the shapes of `partition`)." }),
    Type.Literal("kill", { description: "Kill a random node, then start it again." }),
    Type.Literal("pause", { description: "Pause a random node, then resume it." }),
    Type.Literal("delay", { description: "Add latency to random links." }),
    Type.Literal("restart", { description: "Restart a random node." }),
    Type.Literal("oneway", { description: "Drop bytes in one direction between random nodes." }),
  ],
  { description: "A kind of fault the nemesis may inject." },
);

const Nemesis = Type.Object(
  {
    faults: Type.Array(NemesisFault, { minItems: 1, uniqueItems: true, description: "The kinds of faults to draw from: partition, kill, pause, delay, restart, oneway." }),
    interval: Duration("Time between two faults (at least 100ms); each fault is healed before the next."),
    duration: Duration("How long the nemesis runs; everything it did is healed at the end."),
    mode: Type.Optional(PartitionMode),
  },
  { additionalProperties: false, description: "Random faults drawn from the seed, healed at the end." },
);

export const Step = Type.Recursive(
  (This) =>
    Type.Object(
      {
        partition: Type.Optional(Partition),
        oneway: Type.Optional(Oneway),
        delay: Type.Optional(Delay),
        bandwidth: Type.Optional(Bandwidth),
        pause_link: Type.Optional(PauseLink),
        limit_data: Type.Optional(LimitData),
        kill: Type.Optional(Nodes("SIGKILL the nodes (docker: kill).")),
        stop: Type.Optional(Nodes("Stop the nodes gracefully (docker: stop).")),
        restart: Type.Optional(Nodes("Stop and start the nodes again (docker: restart).")),
        pause: Type.Optional(Nodes("Freeze the nodes with SIGSTOP (docker: pause).")),
        resume: Type.Optional(Nodes("Unfreeze paused nodes with SIGCONT (docker: unpause).")),
        heal: Type.Optional(Heal),
        global_register: Type.Optional(GlobalRegister),
        wait: Type.Optional(Wait),
        repeat: Type.Optional(
          Type.Object(
            {
              times: Type.Integer({ minimum: 1, maximum: 10_000, description: "How many times to run the steps." }),
              steps: Type.Array(This, { description: "The steps to repeat." }),
            },
            { additionalProperties: false, description: "Run steps several times (flapping, loops)." },
          ),
        ),
        nemesis: Type.Optional(Nemesis),
        check: Type.Optional(CheckItem),
        log: Type.Optional(Text("log message", LOG_MESSAGE_MAX, "A note written into the run's history (at most 500 characters).")),
      },
      {
        additionalProperties: false,
        minProperties: 1,
        maxProperties: 1,
        description: "One step: a map with exactly one key naming its kind, e.g. `wait: 5s`.",
        "x-key-noun": "step",
        "x-expect": "a step: a map with exactly one key, such as `wait: 5s`",
      },
    ),
  { $id: "Step" },
);

export type StepFile = Static<typeof Step>;
