/** The checks of a scenario: each list item is a map with exactly one check name as its key. */
import { Type, type Static } from "@sinclair/typebox";
import {
  AllOrNodes, ATOM_PATTERN, CallArgs, CallText, CheckOptions, DEFAULTS, Duration, Expect, GLOBAL_NAME_PATTERN, GLOBAL_NAME_RULE,
  ModuleName, NodeRef, textPattern, Within,
} from "./schema-common.js";
import { HISTORY_CHECK_DESCRIPTIONS, HISTORY_CHECK_SCHEMAS } from "./schema-clients.js";

export const PG_SCOPE_RULE =
  "a pg scope is 1 to 64 characters: a lowercase letter, then letters, digits or _ (it becomes an Erlang atom)";
export const PG_GROUP_TEXT_MAX = 200;

/** `scope` + `groups`: a pg scope of the app under test and the groups to look at. */
const PgScopeOptions = {
  within: Type.Optional(Within),
  scope: Type.Optional(Type.String({
    title: "pg scope", pattern: ATOM_PATTERN, patternErrorMessage: PG_SCOPE_RULE,
    description: "Look at this pg scope (e.g. the app's own) instead of the workload's groups.",
  })),
  groups: Type.Optional(Type.Union(
    [
      Type.Literal("all", { description: "Every group of the scope." }),
      Type.Array(
        Type.String({
          title: "pg group", minLength: 1, maxLength: PG_GROUP_TEXT_MAX, pattern: textPattern(PG_GROUP_TEXT_MAX),
          patternErrorMessage: `a pg group is text of at most ${PG_GROUP_TEXT_MAX} characters without control characters`,
          description: "A group, as printed (an atom without the colon, a string as written).",
        }),
        { minItems: 1, uniqueItems: true, description: "The listed groups." },
      ),
    ],
    { default: "all", description: "The groups of `scope` to look at (needs `scope`). Default: all.", "x-expect": "`all` or a list of group names" },
  )),
};

const HordeOptions = Type.Object(
  {
    within: Type.Optional(Within),
    registry: Type.Optional(ModuleName("The app's Horde.Registry module (e.g. MyApp.Registry), instead of the workload's.")),
    supervisor: Type.Optional(ModuleName("The app's Horde.DynamicSupervisor module (e.g. MyApp.Sup), instead of the workload's.")),
  },
  { additionalProperties: false },
);

const Invariant = Type.Object(
  {
    call: CallText("The function to call, e.g. \"MyApp.Check.no_duplicates/0\" or \":rabbit_node_monitor.partitions/0\"."),
    args: Type.Optional(CallArgs),
    on: Type.Optional(AllOrNodes("The nodes to call it on (each must pass). Default: all.")),
    within: Type.Optional(Duration("How long the check may keep retrying until it passes (0: evaluate once). Default: 0.", DEFAULTS.invariantWithin)),
    timeout: Type.Optional(Duration("How long one call may take before its verdict is unknown. Default: 5s.", DEFAULTS.callTimeout)),
    expect: Type.Optional(Expect),
  },
  { additionalProperties: false },
);

const WithinOnly = Type.Object({ within: Type.Optional(Within) }, { additionalProperties: false });

export const CHECK_SCHEMAS = {
  "cluster.mesh": CheckOptions(
    WithinOnly,
    "Passes when every running node sees every other running node (Node.list()).",
  ),
  "cluster.sees": CheckOptions(
    Type.Object(
      { within: Type.Optional(Within) },
      {
        additionalProperties: Type.Array(NodeRef("A node the key node must see."), {
          uniqueItems: true,
          description: "Exactly the nodes this node must see ([] = none).",
        }),
        "x-keys": "node",
        description: "Each other key is a node name whose Node.list() must equal the given list.",
      },
    ),
    "Passes when each listed node's Node.list() equals the given set, e.g. { n1: [n2], n3: [] }.",
  ),
  "pg.converged": CheckOptions(
    Type.Object(PgScopeOptions, { additionalProperties: false }),
    "Passes when every node returns the same members for every workload pg group (or every `groups` group of `scope`), equal to the live members.",
  ),
  "pg.partitioned": CheckOptions(
    Type.Object(PgScopeOptions, { additionalProperties: false }),
    "Mid-run: passes when each side of the current partition sees only the pg members of its own side.",
  ),
  "global.names_unique": CheckOptions(
    Type.Object(
      {
        within: Type.Optional(Within),
        names: Type.Optional(Type.Union(
          [
            Type.Literal("all", { description: "Every name registered in :global on any node." }),
            Type.Array(
              Type.String({
                description: "A global name.",
                title: "global name",
                pattern: GLOBAL_NAME_PATTERN,
                patternErrorMessage: GLOBAL_NAME_RULE,
              }),
              { minItems: 1, uniqueItems: true, description: "The listed global names." },
            ),
          ],
          { description: "The global names to check: `all` or a list. Default: every workload and global_register name.", "x-expect": "`all` or a list of global names" },
        )),
      },
      { additionalProperties: false },
    ),
    "Passes when every global name resolves to the same single live pid on all nodes. " +
      "`names` defaults to every name of the `global` workload and of `global_register` steps.",
  ),
  "global.blocking": CheckOptions(
    Type.Object(
      {
        max_ms: Type.Optional(
          Type.Integer({ minimum: 0, description: "Passes when every timed global operation took at most this many ms." }),
        ),
        min_ms: Type.Optional(
          Type.Integer({ minimum: 0, description: "Passes when at least one timed global operation took at least this many ms." }),
        ),
      },
      { additionalProperties: false },
    ),
    "Judges the durations of the `global` probe operations; give max_ms, min_ms or both.",
  ),
  "horde.unique": CheckOptions(
    HordeOptions,
    "Passes when every Horde key has exactly one live, registered worker and every node's lookup agrees.",
  ),
  "horde.no_loss": CheckOptions(HordeOptions, "Passes when every Horde key has a live worker."),
  invariant: Type.Union([Invariant], {
    description: "Calls a function on the nodes: passes when every call returns :ok or true (or prints as `expect`), " +
      "fails on false or {:error, reason}; a raise or a timeout is unknown. Needs `call`.",
    "x-expect": "a map with `call`, e.g. { call: \"MyApp.Check.ok?/0\" }",
  }),
  "history.set": CheckOptions(HISTORY_CHECK_SCHEMAS["history.set"], HISTORY_CHECK_DESCRIPTIONS["history.set"]),
  "history.counter": CheckOptions(HISTORY_CHECK_SCHEMAS["history.counter"], HISTORY_CHECK_DESCRIPTIONS["history.counter"]),
  "history.unique_ids": CheckOptions(HISTORY_CHECK_SCHEMAS["history.unique_ids"], HISTORY_CHECK_DESCRIPTIONS["history.unique_ids"]),
  "history.availability": CheckOptions(HISTORY_CHECK_SCHEMAS["history.availability"], HISTORY_CHECK_DESCRIPTIONS["history.availability"]),
  "history.exactly_once": Type.Union([HISTORY_CHECK_SCHEMAS["history.exactly_once"]], {
    description: HISTORY_CHECK_DESCRIPTIONS["history.exactly_once"] + " Needs `effects`.",
    "x-expect": "a map with `effects`, e.g. { effects: { call: \"Jobs.runs/0\" } }",
  }),
} as const;

export type CheckName = keyof typeof CHECK_SCHEMAS;
export const CHECK_NAMES = Object.keys(CHECK_SCHEMAS) as CheckName[];

export const CheckItem = Type.Partial(Type.Object(CHECK_SCHEMAS), {
  additionalProperties: false,
  minProperties: 1,
  maxProperties: 1,
  description: "One check: a map with exactly one check name as its key, e.g. `cluster.mesh: { within: 5s }`.",
  "x-key-noun": "check",
  "x-expect": "a check: a map with exactly one key, such as `cluster.mesh: { within: 5s }`",
});

export type CheckItemFile = Static<typeof CheckItem>;
