/** The checks of a scenario: each list item is a map with exactly one check name as its key. */
import { Type, type Static } from "@sinclair/typebox";
import { CheckOptions, GLOBAL_NAME_PATTERN, GLOBAL_NAME_RULE, NodeRef, Within } from "./schema-common.js";

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
    WithinOnly,
    "Passes when every node returns the same members for every workload pg group, equal to the live members.",
  ),
  "pg.partitioned": CheckOptions(
    WithinOnly,
    "Mid-run: passes when each side of the current partition sees only the pg members of its own side.",
  ),
  "global.names_unique": CheckOptions(
    Type.Object(
      {
        within: Type.Optional(Within),
        names: Type.Optional(
          Type.Array(
            Type.String({
              description: "A global name.",
              title: "global name",
              pattern: GLOBAL_NAME_PATTERN,
              patternErrorMessage: GLOBAL_NAME_RULE,
            }),
            { minItems: 1, uniqueItems: true, description: "The global names to check. Default: every workload and global_register name." },
          ),
        ),
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
    WithinOnly,
    "Passes when every Horde key has exactly one live, registered worker and every node's lookup agrees.",
  ),
  "horde.no_loss": CheckOptions(WithinOnly, "Passes when every Horde key has a live worker."),
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
