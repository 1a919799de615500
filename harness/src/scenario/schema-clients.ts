/**
 * `workload.clients` (issue 15): clients that invoke operations against the application under
 * test while faults happen, recorded as a history (ops.jsonl) that the `history.*` checks judge.
 * The keys are those of harness/src/clients/README.md; `clientsFromYaml` (clients/yaml.ts)
 * turns a validated value into the runner's `ClientsWorkload`.
 */
import { Type } from "@sinclair/typebox";
import { CallArgs, CallText, Duration, NodeRef, textPattern } from "./schema-common.js";

export const OP_NAME_PATTERN = "^[a-z][a-z0-9_]{0,31}$";
export const OP_NAME_RULE = "an op name is 1 to 32 characters: a lowercase letter, then lowercase letters, digits or _";
export const CLIENT_DEFAULT_TEXT = { count: 1, rate: 10, timeout: "5s", weight: 1, within: "10s" } as const;

/** An op's name, as the history and the history checks write it. */
export function OpName(description: string, defaultValue?: string) {
  return Type.String({
    title: "op name", pattern: OP_NAME_PATTERN, patternErrorMessage: OP_NAME_RULE, description,
    ...(defaultValue === undefined ? {} : { default: defaultValue }),
  });
}

const ValueSpec = Type.Union(
  [
    Type.Literal("unique_int", { description: "1, 2, 3... unique across every client of the run (client p's k-th value is k·P + p + 1)." }),
    Type.Object(
      {
        random_int: Type.Object(
          {
            min: Type.Integer({ description: "The smallest value." }),
            max: Type.Integer({ description: "The largest value (at least min)." }),
          },
          { additionalProperties: false, description: "A uniform integer from min to max, both included, drawn from the seed." },
        ),
      },
      { additionalProperties: false, description: "A seeded random integer." },
    ),
    Type.Object(
      { constant: Type.Unknown({ description: "Any YAML value." }) },
      { additionalProperties: false, description: "The same value every time." },
    ),
  ],
  {
    description: "The op's value, seeded (the same seed repeats every client's values). Default: none.",
    "x-expect": "unique_int, { random_int: { min, max } } or { constant: value }",
  },
);

const ClientOp = Type.Object(
  {
    f: OpName("The op's name in the history and in the history checks, e.g. add or read."),
    call: CallText("The function of your app to run inside the client's node, e.g. \"Jobs.submit/1\"."),
    args: Type.Optional(Type.Array(Type.Unknown({ description: "One argument; \"{value}\" stands for the op's value, \"job {value}\" for its text." }), {
      maxItems: 8,
      description: "The call's arguments, as many as its arity; \"{value}\" is replaced by the value. Default: [value] for a /1 call with a value, else [].",
    })),
    value: Type.Optional(ValueSpec),
    weight: Type.Optional(Type.Number({ minimum: 0, default: CLIENT_DEFAULT_TEXT.weight, description: "The op's relative weight in the mix. Default: 1." })),
    indeterminate: Type.Optional(Type.Array(
      Type.String({ minLength: 1, maxLength: 200, pattern: textPattern(200), description: "The start of a printed error reason, e.g. \":timeout\"." }),
      { description: "{:error, reason} returns whose printed reason starts with one of these are recorded info (may have happened), not fail. Default: none." },
    )),
  },
  { additionalProperties: false, description: "One operation of the clients' mix." },
);

export const ClientGroup = Type.Object(
  {
    count: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: CLIENT_DEFAULT_TEXT.count, description: "How many concurrent clients (one op in flight each). Default: 1." })),
    nodes: Type.Optional(Type.Union(
      [
        Type.Literal("round_robin", { description: "Client p uses the p-th node, cycling." }),
        Type.Literal("random", { description: "Each client's node is drawn from the seed." }),
        Type.Array(NodeRef("A node."), { minItems: 1, description: "The listed nodes, cycled: client p uses nodes[p % n]." }),
      ],
      { default: "round_robin", description: "Which node each client calls. Default: round_robin.", "x-expect": "round_robin, random or a list of node names" },
    )),
    rate: Type.Optional(Type.Number({ minimum: 0.01, maximum: 1000, default: CLIENT_DEFAULT_TEXT.rate, description: "Ops per second per client: the next op starts 1/rate after the previous one started. Default: 10." })),
    think: Type.Optional(Duration("A pause after each op completes, instead of `rate`.")),
    timeout: Type.Optional(Duration("Per op, given to the agent's call; the harness gives up on a reply 5 s later. Default: 5s.", CLIENT_DEFAULT_TEXT.timeout)),
    window: Type.Optional(Type.Object(
      {
        start: Type.Optional(Duration("When the clients start invoking, since the run started. Default: at once.")),
        end: Type.Optional(Duration("When they stop invoking. Default: the end of the steps.")),
      },
      { additionalProperties: false, description: "When clients invoke, as times since the run started. Default: from the end of the workload setup to the end of the steps." },
    )),
    ops: Type.Array(ClientOp, { minItems: 1, description: "The operations, picked by weight." }),
  },
  { additionalProperties: false, description: "A group of clients: how many, on which nodes, how fast, doing what." },
);

export const Clients = Type.Union(
  [
    ClientGroup,
    Type.Array(ClientGroup, { minItems: 1, description: "Several groups; process ids continue across groups." }),
  ],
  {
    description: "Clients that invoke operations of the application under test while faults happen; every op is recorded in ops.jsonl for the history.* checks.",
    "x-expect": "a client group { count, ops, ... } or a list of them",
  },
);

const AddOpt = OpName("The client op whose values are added. Default: add.", "add");
const ReadOpt = OpName("The client op that reads. Default: read.", "read");
const HistoryWithin = Duration("How long the final read may be retried after the final heal until the check passes. Default: 10s.", CLIENT_DEFAULT_TEXT.within);

/** The `history.*` checks: they judge the clients' history (workload.clients). */
export const HISTORY_CHECK_SCHEMAS = {
  "history.set": Type.Object(
    { add: Type.Optional(AddOpt), read: Type.Optional(ReadOpt), within: Type.Optional(HistoryWithin) },
    { additionalProperties: false },
  ),
  "history.counter": Type.Object(
    { add: Type.Optional(OpName("The client op that increments (by its value, 1 when none). Default: add.", "add")), read: Type.Optional(ReadOpt) },
    { additionalProperties: false },
  ),
  "history.unique_ids": Type.Object(
    { f: Type.Optional(OpName("The client op whose ok results must be distinct. Default: add.", "add")) },
    { additionalProperties: false },
  ),
  "history.availability": Type.Object(
    {
      min: Type.Optional(Type.Number({ minimum: 0, maximum: 1, description: "Passes when at least this share of the ops ended ok (0 to 1). Default: none (informational)." })),
      during: Type.Optional(Type.Union(
        [
          Type.Literal("all", { description: "Every op." }),
          Type.Literal("fault", { description: "Ops invoked while a fault was in force." }),
          Type.Literal("calm", { description: "Ops invoked while no fault was in force." }),
        ],
        { default: "all", description: "Which ops `min` judges. Default: all." },
      )),
      f: Type.Optional(Type.Union(
        [OpName("One op."), Type.Array(OpName("An op."), { minItems: 1, uniqueItems: true, description: "Several ops." })],
        { description: "The ops to count. Default: every op.", "x-expect": "an op name or a list of op names" },
      )),
    },
    { additionalProperties: false },
  ),
  "history.exactly_once": Type.Object(
    {
      add: Type.Optional(AddOpt),
      effects: Type.Object(
        {
          call: CallText("A function of your app returning a map value -> times its effect happened, e.g. \"Jobs.runs/0\"."),
          args: Type.Optional(CallArgs),
          timeout: Type.Optional(Duration("Per call. Default: 5s.", CLIENT_DEFAULT_TEXT.timeout)),
        },
        { additionalProperties: false, description: "How to read the effects after the final heal." },
      ),
      within: Type.Optional(HistoryWithin),
    },
    { additionalProperties: false },
  ),
} as const;

export const HISTORY_CHECK_DESCRIPTIONS: Record<keyof typeof HISTORY_CHECK_SCHEMAS, string> = {
  "history.set": "Clients' history: after the final heal, the `read` op's final result must hold every acknowledged `add` (lost), once (duplicated), and nothing never attempted or that returned fail.",
  "history.counter": "Clients' history: every ok `read` lies between the increments completed before it began and those invoked before it ended.",
  "history.unique_ids": "Clients' history: the results of the ok `f` ops are distinct.",
  "history.availability": "Clients' history: share of ok ops and latency percentiles, overall, during faults and in calm; with `min`, fails below it.",
  "history.exactly_once": "Clients' history: after the final heal, `effects` (value -> times) shows every acknowledged `add` done exactly once, and no add that returned fail done.",
};
