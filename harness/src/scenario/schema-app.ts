/** `cluster.app`, the application under test, and `cluster.formation`. */
import { Type } from "@sinclair/typebox";
import {
  ATOM_PATTERN, CallArgs, CallText, DEFAULTS, Duration, Expect, PathText, textPattern,
} from "./schema-common.js";

export const ENV_NAME_PATTERN = "^[A-Z_][A-Z0-9_]*$";
export const ENV_NAME_RULE = "an environment variable name is uppercase letters, digits and _, not starting with a digit (MY_APP_ROLE)";
export const APP_ATOM_RULE = "an OTP application name is a lowercase letter, then letters, digits or _ (it becomes an Erlang atom)";
export const CONFIG_KEY_RULE = "a config key is a lowercase letter, then letters, digits or _ (it becomes an Erlang atom)";
export const ENV_VALUE_MAX = 8192;
export const APP_SOURCES = ["mix", "release", "command"] as const;

const AppAtom = (description: string) =>
  Type.String({ title: "application name", description, pattern: ATOM_PATTERN, patternErrorMessage: APP_ATOM_RULE });

const Ready = Type.Object(
  {
    call: CallText("The readiness call, e.g. \"MyApp.ready?/0\": polled on every node until it passes."),
    args: Type.Optional(CallArgs),
    timeout: Type.Optional(Duration("How long the app may take to become ready on every node. Default: 30s.", DEFAULTS.readyTimeout)),
    expect: Type.Optional(Expect),
  },
  { additionalProperties: false, description: "How netsplit knows the app is up: a call that passes on every node (:ok or true, or the `expect` text)." },
);

const Stop = Type.Object(
  { grace: Type.Optional(Duration("How long a stopped node may take to shut the app down before it is killed. Default: 5s.", DEFAULTS.stopGrace)) },
  { additionalProperties: false, description: "How the app is stopped (the `stop` and `restart` steps, the end of the run)." },
);

const TEMPLATE_NOTE =
  "Placeholders: {node} {full_name} {nodes} (every full name, joined by commas) {index} (1-based) {dist_port} {port:NAME} (a free port per node and NAME) " +
  "{dir} (the node's own directory) {full_name:NODE}; any other braces stay as written.";

export const App = Type.Object(
  {
    mix: Type.Optional(PathText("A Mix project directory, compiled beforehand (its _build/<mix_env>); relative to the scenario file.")),
    mix_env: Type.Optional(Type.Union(
      [
        Type.Literal("prod", { description: "MIX_ENV=prod." }),
        Type.Literal("dev", { description: "MIX_ENV=dev." }),
        Type.Literal("test", { description: "MIX_ENV=test." }),
      ],
      { default: DEFAULTS.mixEnv, description: "The Mix environment whose build is used (mix only). Default: prod." },
    )),
    apps: Type.Optional(Type.Array(AppAtom("An OTP application to start."), {
      minItems: 1, uniqueItems: true, description: "The OTP applications to start (mix only). Default: the project's own application(s).",
    })),
    compile: Type.Optional(Type.Boolean({ default: DEFAULTS.mixCompile, description: "Run `mix compile` before the run (mix only). Default: false." })),
    release: Type.Optional(PathText("A Mix release directory (e.g. _build/prod/rel/my_app); relative to the scenario file.")),
    command: Type.Optional(Type.Array(
      Type.String({ title: "command word", minLength: 1, maxLength: 4096, pattern: textPattern(4096), patternErrorMessage: "a command word is text without control characters", description: "A word of the command line (not run through a shell)." }),
      { minItems: 1, description: "A server that boots its own nodes: the program and its arguments, e.g. [bin/server, start]; a relative program is relative to `cwd`." },
    )),
    cwd: Type.Optional(PathText("The command's working directory (command only), relative to the scenario file. Default: the scenario file's directory.")),
    config: Type.Optional(Type.Object({}, {
      additionalProperties: Type.Object({}, {
        additionalProperties: Type.Unknown({ description: "The value: any YAML value." }),
        propertyNames: { pattern: ATOM_PATTERN },
        "x-key-rule": CONFIG_KEY_RULE,
        "x-key-title": "config key",
        description: "The application's keys and their values.",
      }),
      propertyNames: { pattern: ATOM_PATTERN },
      "x-key-rule": APP_ATOM_RULE,
      "x-key-title": "application name",
      description: "Application environment overrides, applied before the apps start: { my_app: { pool: 4 } }.",
    })),
    env: Type.Optional(Type.Object({}, {
      additionalProperties: Type.Union(
        [
          Type.String({ title: "environment value", maxLength: ENV_VALUE_MAX, pattern: textPattern(ENV_VALUE_MAX), patternErrorMessage: "an environment value is text without control characters", description: "The value, a template." }),
          Type.Number({ description: "A number, turned into its text." }),
        ],
        { description: "The variable's value, a template rendered per node.", "x-expect": "a string or a number", "x-kind": "template" },
      ),
      propertyNames: { pattern: ENV_NAME_PATTERN },
      "x-key-rule": ENV_NAME_RULE,
      "x-key-title": "environment variable name",
      description: `Environment variables of every node, rendered per node. ${TEMPLATE_NOTE}`,
    })),
    files: Type.Optional(Type.Object({}, {
      additionalProperties: PathText("The template file, relative to the scenario file; its contents are rendered per node with the same placeholders."),
      "x-key-kind": "template",
      description: `Per-node files: "target": "template". The target is a template too (relative targets are relative to {dir}). ${TEMPLATE_NOTE}`,
    })),
    ready: Type.Optional(Ready),
    stop: Type.Optional(Stop),
  },
  {
    additionalProperties: false,
    description: "The application under test, started on every node: exactly one of mix, release or command. Paths are relative to the scenario file.",
  },
);

export const Formation = Type.Union(
  [
    Type.Literal("netsplit", { description: "netsplit connects the nodes and its agents' reconnect loop re-meshes them." }),
    Type.Literal("app", { description: "The application forms and re-forms the cluster itself; netsplit's reconnect loop is off." }),
  ],
  { default: DEFAULTS.formation, description: "Who forms the cluster: netsplit (default) or the app under test. Default: netsplit." },
);

