/**
 * Building blocks shared by the scenario schema: names, node references, durations, links, and
 * the documented defaults. Keywords starting with `x-` steer our own validator (see validate.ts)
 * and are stripped from the JSON Schema written for editors.
 */
import { Type, type TSchema } from "@sinclair/typebox";
import { CALL_PATTERN, CALL_RULE, ELIXIR_MODULE_PATTERN, ELIXIR_MODULE_RULE, MAX_CALL_ARITY } from "./call.js";
import { DURATION_PATTERN } from "./durations.js";

export const NODE_NAME_PATTERN = "^[a-z][a-z0-9_]{0,30}$";
export const GLOBAL_NAME_PATTERN = "^[A-Za-z][A-Za-z0-9_.-]{0,63}$";
export const SCENARIO_NAME_PATTERN = "^[A-Za-z0-9][A-Za-z0-9_.-]{0,80}$";
export const ATOM_PATTERN = "^[a-z][A-Za-z0-9_]{0,63}$";

/**
 * Free text (a description, a log message): any characters except control characters, which
 * could rewrite the terminal that prints them (tabs and newlines are fine), and at most `max`
 * characters. Text is only ever data: recorded, printed and escaped in reports, never run.
 */
export function textPattern(max: number): string {
  return `^[^\\u0000-\\u0008\\u000B-\\u001F\\u007F-\\u009F]{0,${max}}$`;
}

/** A free-text string of at most `max` characters (see textPattern). */
export function Text(title: string, max: number, description: string) {
  return Type.String({
    title,
    description,
    maxLength: max,
    pattern: textPattern(max),
    patternErrorMessage: `${/^[aeiou]/.test(title) ? "an" : "a"} ${title} is text of at most ${max} characters without control characters (tabs and newlines are fine)`,
    "x-kind": "text",
  });
}

export const DESCRIPTION_MAX = 2000;
export const LOG_MESSAGE_MAX = 500;

/** Every default the schema documents; the normaliser applies exactly these. */
export const DEFAULTS = {
  runtime: "local",
  netTicktimeSeconds: 4,
  netSetuptimeSeconds: 2,
  preventOverlappingPartitions: true,
  connectAll: true,
  reconnectIntervalMs: 500,
  bootTimeout: "30s",
  runTimeout: "10m",
  pgScope: "netsplit",
  pgPerNode: 1,
  probeEveryMs: 200,
  probeTimeoutMs: 30_000,
  partitionMode: "blackhole",
  jitterMs: 0,
  waitTimeout: "30s",
  checkWithin: "5s",
  hordeDistribution: "uniform",
  hordeRestart: "ignore_already_started",
  hordeTrapExit: false,
  formation: "netsplit",
  mixEnv: "prod",
  mixCompile: false,
  readyTimeout: "30s",
  stopGrace: "5s",
  invariantWithin: "0ms",
  callTimeout: "5s",
} as const;

export const NODE_NAME_RULE =
  "a node name is 1 to 31 characters: a lowercase letter, then lowercase letters, digits or _ " +
  "(it becomes an Erlang node name and a Toxiproxy proxy name)";
export const GLOBAL_NAME_RULE =
  "a global name is 1 to 64 characters: a letter, then letters, digits, _, . or -";
export const SCENARIO_NAME_RULE =
  "a scenario name is 1 to 81 characters: a letter or digit, then letters, digits, _, . or - " +
  "(it names the run's directory)";
export const ATOM_RULE =
  "a pg scope is 1 to 64 characters: a lowercase letter, then letters, digits or _ (it becomes an Erlang atom)";

/** A duration: integer milliseconds, or a string with ms, s or m. */
export function Duration(description: string, defaultValue?: string) {
  return Type.Union(
    [
      Type.Integer({ minimum: 0, description: "Milliseconds." }),
      Type.String({ pattern: DURATION_PATTERN, description: "A number with a unit: 250ms, 5s, 1.5s, 2m." }),
    ],
    {
      description,
      ...(defaultValue === undefined ? {} : { default: defaultValue }),
      "x-kind": "duration",
      "x-expect": "a duration (500, 250ms, 5s, 1.5s, 2m)",
    },
  );
}

/** A reference to one of `cluster.nodes`. */
export function NodeRef(description: string) {
  return Type.String({
    description,
    title: "node name",
    pattern: NODE_NAME_PATTERN,
    patternErrorMessage: NODE_NAME_RULE,
    "x-kind": "node",
  });
}

/** One node, or a non-empty list of distinct nodes. */
export function Nodes(description: string) {
  return Type.Union(
    [
      NodeRef("One node."),
      Type.Array(NodeRef("A node."), { minItems: 1, uniqueItems: true, description: "Several nodes." }),
    ],
    { description, "x-expect": "a node name or a list of node names" },
  );
}

/** A link between two nodes, written as a pair. */
export const LinkPair = Type.Array(NodeRef("One end of the link."), {
  minItems: 2,
  maxItems: 2,
  description: "A link: a pair of two different nodes, e.g. [n1, n2].",
  "x-expect": "a link: a pair of nodes such as [n1, n2]",
});

/** `all`, or a list of node pairs. */
export function Links(description: string) {
  return Type.Union(
    [
      Type.Literal("all", { description: "Every link between two nodes of the cluster." }),
      Type.Array(LinkPair, { minItems: 1, description: "The listed links, e.g. [[n1, n2], [n1, n3]]." }),
    ],
    { description, "x-expect": "`all` or a list of links such as [[n1, n2]]" },
  );
}

export const PartitionMode = Type.Union(
  [
    Type.Literal("blackhole", { description: "Drop bytes silently; nodes notice after net_ticktime." }),
    Type.Literal("reset", { description: "Close connections at once; nodes notice immediately." }),
  ],
  { description: "How cut links fail. Default: blackhole.", default: DEFAULTS.partitionMode },
);

/** The value a check accepts: its options map, `{}` or nothing (null = all defaults). */
export function CheckOptions<T extends TSchema>(options: T, description: string) {
  return Type.Union([Type.Null({ description: "All defaults." }), options], {
    description,
    "x-expect": "a map of options, {} or nothing",
  });
}

/** The `within` option shared by the checks. */
export const Within = Duration(
  "How long the check may keep retrying until it passes (0: evaluate once). Default: 5s.",
  DEFAULTS.checkWithin,
);

/** `all` (every node), one node, or a non-empty list of distinct nodes. */
export function AllOrNodes(description: string) {
  return Type.Union(
    [
      Type.Literal("all", { description: "Every node of the cluster." }),
      NodeRef("One node."),
      Type.Array(NodeRef("A node."), { minItems: 1, uniqueItems: true, description: "Several nodes." }),
    ],
    { description, default: "all", "x-expect": "`all`, a node name or a list of node names" },
  );
}

/** A call into the nodes, `Mod.fun/N` or `:mod.fun/N` (see call.ts). */
export function CallText(description: string) {
  return Type.String({
    title: "call",
    description,
    pattern: CALL_PATTERN,
    patternErrorMessage: CALL_RULE,
    "x-kind": "call",
  });
}

/** The arguments of a call: any YAML values, as many as its arity. */
export const CallArgs = Type.Array(Type.Unknown({ description: "One argument: any YAML value (a string becomes an Elixir string)." }), {
  maxItems: MAX_CALL_ARITY,
  description: "The call's arguments, as many as its arity. Default: none.",
});

export const EXPECT_MAX = 10_000;
/** An expected printed result: a string as written, a number or boolean as printed. */
export const Expect = Type.Union(
  [
    Type.String({ maxLength: EXPECT_MAX, pattern: textPattern(EXPECT_MAX), description: "The printed result (Elixir's inspect), e.g. \"[]\" or \":ok\"." }),
    Type.Number({ description: "A number, compared as printed (42)." }),
    Type.Boolean({ description: "true or false, compared as printed." }),
  ],
  {
    description: "Passes when the result, printed as Elixir's inspect prints it, equals this text (a number or boolean is printed first). " +
      "Without it, :ok and true pass, false and {:error, reason} fail.",
    "x-expect": "the expected printed result, e.g. \"[]\", 42 or true",
  },
);

export const PATH_MAX = 4096;
/** A file system path; relative paths are relative to the scenario file. */
export function PathText(description: string) {
  return Type.String({
    title: "path",
    description,
    minLength: 1,
    maxLength: PATH_MAX,
    pattern: `^[^\\u0000-\\u001F\\u007F-\\u009F]{1,${PATH_MAX}}$`,
    patternErrorMessage: `a path is 1 to ${PATH_MAX} characters without control characters`,
    "x-kind": "text",
  });
}

export const MODULE_RULE = ELIXIR_MODULE_RULE;
/** An Elixir module name as written, e.g. MyApp.Registry. */
export function ModuleName(description: string) {
  return Type.String({ title: "module", description, pattern: ELIXIR_MODULE_PATTERN, patternErrorMessage: ELIXIR_MODULE_RULE });
}
