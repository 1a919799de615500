/** `cluster.app`, `formation`, calls, invariants and the app-aware options of the checks: good files to the exact model. */
import { readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { formatIssue } from "./issues.js";
import { loadScenarioFile, loadScenarioText, normalizeScenarioObject, unwrapScenario } from "./load.js";
import type { Scenario } from "./model.js";

const here = dirname(fileURLToPath(import.meta.url));
const good = join(here, "testdata", "good");
const testdata = join(here, "testdata");
const load = async (file: string): Promise<Scenario> => unwrapScenario(await loadScenarioFile(join(good, file)));
const ref = (file: string, line: number, column: number, path: string) => ({ file: join(good, file), line, column, path });

function errors(text: string): string[] {
  const result = loadScenarioText(text, "s.yaml");
  if (result.ok) throw new Error("expected issues");
  return result.errors.map(formatIssue);
}

describe("cluster.app", () => {
  it("normalises a mix app, its paths relative to the scenario file", async () => {
    const s = await load("app-mix.yaml");
    expect(s.cluster.app).toEqual({
      source: { kind: "mix", projectDir: join(testdata, "my_app"), mixEnv: "prod", apps: ["my_app"], compile: false },
      config: { my_app: { pool: 4 } },
      env: { MY_APP_ROLE: "worker-{index}" },
      files: [],
      ready: {
        call: { text: "MyApp.ready?/0", module: "Elixir.MyApp", function: "ready?", arity: 0, args: [] },
        timeoutMs: 30_000,
        expect: undefined,
      },
      stopGraceMs: 5000,
      at: ref("app-mix.yaml", 6, 3, "cluster.app"),
      sourceAt: ref("app-mix.yaml", 7, 5, "cluster.app.mix"),
    });
    expect(s.cluster.formation).toBe("netsplit");
    expect(s.cluster.reconnect).toEqual({ intervalMs: 500 });
  });

  it("normalises a command app: files, env numbers as text, ready expect, stop grace, formation app", async () => {
    const s = await load("app-command.yaml");
    expect(s.cluster.formation).toBe("app");
    expect(s.cluster.reconnect).toBe(false);
    expect(s.cluster.app).toEqual({
      source: { kind: "command", command: ["/usr/lib/rabbitmq/bin/rabbitmq-server"], cwd: join(testdata, "rabbit") },
      config: {},
      env: {
        RABBITMQ_NODENAME: "{full_name}",
        RABBITMQ_DIST_PORT: "{dist_port}",
        RABBITMQ_CONFIG_FILE: "{dir}/rabbitmq.conf",
        RABBITMQ_NODE_PORT: "{port:amqp}",
        RABBITMQ_SEED: "{full_name:n1}",
        RABBITMQ_ERL_ARGS: "{rabbit, [{x, 1}]}",
        RABBITMQ_LOGS: "5672",
      },
      files: [
        { target: "{dir}/rabbitmq.conf", source: join(good, "rabbitmq", "pause_minority.conf"), at: ref("app-command.yaml", 11, 7, 'cluster.app.files["{dir}/rabbitmq.conf"]') },
        { target: "advanced-{node}.config", source: join(good, "rabbitmq", "pause_minority.conf"), at: ref("app-command.yaml", 12, 7, 'cluster.app.files["advanced-{node}.config"]') },
      ],
      ready: {
        call: { text: ":rabbit.is_running/0", module: "rabbit", function: "is_running", arity: 0, args: [] },
        timeoutMs: 90_000,
        expect: "true",
      },
      stopGraceMs: 20_000,
      at: ref("app-command.yaml", 7, 3, "cluster.app"),
      sourceAt: ref("app-command.yaml", 8, 5, "cluster.app.command"),
    });
  });

  it("normalises a release app next to a workload; absolute paths stay as written", async () => {
    const s = await load("app-release.yaml");
    expect(s.cluster.app?.source).toEqual({ kind: "release", releaseDir: "/opt/my_app/_build/prod/rel/my_app" });
    expect(s.cluster.app?.sourceAt).toEqual(ref("app-release.yaml", 5, 10, "cluster.app.release"));
    expect(s.workload.pg).toHaveLength(1);
    expect(s.checks).toEqual([
      { name: "pg.converged", withinMs: 5000, scope: undefined, groups: "all", at: ref("app-release.yaml", 10, 5, "checks[0]") },
      { name: "horde.unique", withinMs: 5000, registry: "MyApp.Registry", supervisor: undefined, at: ref("app-release.yaml", 11, 5, "checks[1]") },
    ]);
  });

  it("applies the defaults: mix_env prod, apps undefined, compile false, cwd the file's directory", () => {
    const s = unwrapScenario(loadScenarioText("netsplit: 1\ncluster: { nodes: 2, app: { mix: . } }\n", "/srv/scenarios/a.yaml"));
    expect(s.cluster.app).toMatchObject({
      source: { kind: "mix", projectDir: "/srv/scenarios", mixEnv: "prod", apps: undefined, compile: false },
      config: {}, env: {}, files: [], ready: undefined, stopGraceMs: 5000,
    });
    const c = unwrapScenario(loadScenarioText("netsplit: 1\ncluster: { nodes: 2, app: { command: [bin/server, start] } }\n", "/srv/scenarios/b.yaml"));
    expect(c.cluster.app?.source).toEqual({ kind: "command", command: ["bin/server", "start"], cwd: "/srv/scenarios" });
    expect(c.cluster.formation).toBe("netsplit");
    expect(unwrapScenario(loadScenarioText("netsplit: 1\ncluster: { nodes: 2 }\n", "c.yaml")).cluster).toMatchObject({ app: undefined, formation: "netsplit" });
  });

  it("resolves a JS object's paths against the process's working directory", () => {
    const s = unwrapScenario(normalizeScenarioObject({
      netsplit: 1,
      cluster: { nodes: 2, formation: "app", app: { release: "rel/x", files: { "{dir}/a.conf": "t/a.conf" }, env: { N: 3 } } },
    }, "obj"));
    expect(s.cluster.app).toMatchObject({
      source: { kind: "release", releaseDir: resolve(process.cwd(), "rel/x") },
      files: [{ target: "{dir}/a.conf", source: resolve(process.cwd(), "t/a.conf"), at: { file: "obj", line: 0, column: 0 } }],
      env: { N: "3" },
      sourceAt: { file: "obj", line: 0, column: 0, path: "cluster.app.release" },
    });
    expect(s.cluster.reconnect).toBe(false);
  });

  it("accepts formation: app with reconnect: false (it is off anyway)", () => {
    const s = unwrapScenario(loadScenarioText("netsplit: 1\ncluster: { nodes: 2, formation: app, reconnect: false, app: { release: r } }\n", "s.yaml"));
    expect(s.cluster.reconnect).toBe(false);
  });

  it("prints each app error with its position and how to fix it", () => {
    expect(errors("netsplit: 1\ncluster:\n  nodes: 2\n  app: { mix: a, command: [b] }\n")).toEqual([[
      "s.yaml:4:18: cluster.app: give exactly one of mix, release or command (found mix and command)",
      "    app: { mix: a, command: [b] }",
      "                   ^^^^^^^",
      "  hint: one application per scenario: keep one of them",
    ].join("\n")]);
    expect(errors('netsplit: 1\ncluster:\n  nodes: 2\n  app: { release: r, env: { X: "{full_name:n9}" } }\n')).toEqual([[
      "s.yaml:4:32: unknown node `n9` in placeholder `{full_name:n9}`",
      '    app: { release: r, env: { X: "{full_name:n9}" } }',
      "                                 ^^^^^^^^^^^^^^^^",
      "  hint: the cluster's nodes are: `n1`, `n2`",
    ].join("\n")]);
  });
});

describe("calls, invariants and app-aware checks", () => {
  it("normalises invariant checks, wait-until-call steps and the extended checks exactly", async () => {
    const s = await load("app-mix.yaml");
    const call = (text: string, module: string, fn: string) => ({ text, module, function: fn, arity: 0, args: [] });
    expect(s.checks).toEqual([
      { name: "invariant", call: call("MyApp.Check.no_duplicates/0", "Elixir.MyApp.Check", "no_duplicates"), nodes: "all", withinMs: 5000,
        timeoutMs: 5000, expect: undefined, at: ref("app-mix.yaml", 16, 5, "checks[0]") },
      { name: "pg.converged", withinMs: 5000, scope: "my_scope", groups: ["jobs"], at: ref("app-mix.yaml", 17, 5, "checks[1]") },
      { name: "global.names_unique", withinMs: 5000, names: "all", at: ref("app-mix.yaml", 18, 5, "checks[2]") },
      { name: "horde.unique", withinMs: 10_000, registry: "MyApp.Registry", supervisor: "MyApp.Sup", at: ref("app-mix.yaml", 19, 5, "checks[3]") },
    ]);
    expect(s.steps).toEqual([
      { kind: "wait_until", until: { kind: "call", call: call("MyApp.ready?/0", "Elixir.MyApp", "ready?"), nodes: "all", expect: undefined },
        timeoutMs: 10_000, at: ref("app-mix.yaml", 21, 5, "steps[0]") },
      { kind: "check", at: ref("app-mix.yaml", 22, 5, "steps[1]"), check: {
        name: "invariant", call: call("MyApp.Check.no_duplicates/0", "Elixir.MyApp.Check", "no_duplicates"), nodes: ["n1"], withinMs: 0,
        timeoutMs: 5000, expect: undefined, at: ref("app-mix.yaml", 22, 12, "steps[1].check") } },
    ]);
  });

  it("turns expect numbers and booleans into their printed text; keeps args and single nodes", async () => {
    const s = await load("app-command.yaml");
    expect(s.checks.slice(0, 4)).toMatchObject([
      { name: "invariant", call: { module: "rabbit_node_monitor", function: "partitions" }, nodes: "all", withinMs: 30_000, expect: "[]" },
      { name: "invariant", call: { module: "erlang", function: "is_process_alive", arity: 1, args: ["x"] }, nodes: ["n2"], timeoutMs: 1000, expect: "42" },
      { name: "pg.partitioned", scope: "rabbit_pg", groups: "all", withinMs: 5000 },
      { name: "horde.no_loss", registry: "My.Reg", supervisor: undefined },
    ]);
    expect(s.steps[0]).toMatchObject({ kind: "wait_until", timeoutMs: 90_000, until: { kind: "call", nodes: ["n1", "n3"], expect: "true" } });
    expect(s.steps[1]).toMatchObject({ kind: "check", check: { name: "invariant", call: { text: "Kernel.is_atom/1", module: "Elixir.Kernel", args: ["ok"] } } });
  });

  it("allows invariants and wait-until-call without cluster.app (OTP's own modules)", () => {
    const s = unwrapScenario(loadScenarioText([
      "netsplit: 1", "cluster: { nodes: 2 }",
      "steps:", '  - wait: { until: { call: ":erlang.node/0", on: n1, expect: ":n1@127.0.0.1" }, timeout: 2s }',
      "checks:", '  - invariant: { call: ":erlang.is_alive/0", expect: true, within: 1s, timeout: 250ms }',
      '  - invariant: { call: ":lists.member/2", args: [1, [1, 2]], on: [n1, n2] }',
    ].join("\n"), "s.yaml"));
    expect(s.cluster.app).toBeUndefined();
    expect(s.steps[0]).toMatchObject({ until: { kind: "call", nodes: ["n1"], expect: ":n1@127.0.0.1" }, timeoutMs: 2000 });
    expect(s.checks).toMatchObject([
      { name: "invariant", withinMs: 1000, timeoutMs: 250, expect: "true" },
      { name: "invariant", call: { arity: 2, args: [1, [1, 2]] }, nodes: ["n1", "n2"], withinMs: 0, expect: undefined },
    ]);
  });

  it("keeps today's checks and waits as they were (names list, no scope, no registry)", async () => {
    const s = await load("majority-minority-split.yaml");
    expect(s.checks.filter((c) => c.name === "pg.converged")).toMatchObject([{ scope: undefined, groups: "all" }]);
    expect(s.checks.filter((c) => c.name === "global.names_unique")).toMatchObject([{ names: ["leader"] }]);
    expect(s.checks.filter((c) => c.name === "horde.unique")).toMatchObject([{ registry: undefined, supervisor: undefined }]);
    expect(s.steps.at(-1)).toMatchObject({ kind: "wait_until", until: "mesh" });
  });

  it("accepts pg scopes and horde registries without a workload, with or without an app", () => {
    const text = [
      "netsplit: 1", "cluster: { nodes: 2 }", "checks:",
      "  - pg.converged: { scope: my_scope }", "  - pg.partitioned: { scope: other, groups: [a, \"b c\"] }",
      "  - horde.unique: { registry: MyApp.Registry }", "  - global.names_unique: { names: all }",
    ].join("\n");
    const s = unwrapScenario(loadScenarioText(text, "s.yaml"));
    expect(s.checks).toMatchObject([{ scope: "my_scope", groups: "all" }, { scope: "other", groups: ["a", "b c"] }, { registry: "MyApp.Registry" }, { names: "all" }]);
  });
});
