/**
 * The floors of harness/src, checked on the sources (docs/ARCHITECTURE.md draws them): every
 * module's imports (static, type-only, re-exports and dynamic `import()`) are read with the
 * TypeScript compiler, and the test fails on
 *
 * - an import circle between modules (a -> b -> ... -> a), and
 * - an import from `runner/` by a module of a floor below it: the runner is the top floor that
 *   drives a run; what it drives (the run's ground floor, checks, report, faults, runtimes, ...)
 *   never reaches back up.
 *
 * Tests (`*.test.ts`) sit above every floor and are not walked. The rules are tried on a small
 * made-up graph first, so a rule that stopped matching would fail here too.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.dirname(fileURLToPath(import.meta.url));

/** Folders below `runner/`: none of their modules may import from it. */
export const BELOW_RUNNER = ["run", "checks", "report", "horde", "app", "clients", "narrative", "faults", "runtime", "scenario", "toxiproxy", "agent", "util", "workloads"];

/** The relative module specifiers `text` imports, in any form. */
export function importsOf(text: string): string[] {
  const source = ts.createSourceFile("m.ts", text, ts.ScriptTarget.ES2022, true);
  const out: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      out.push(node.moduleSpecifier.text);
    } else if (ts.isCallExpression(node) && node.expression.kind === ts.SyntaxKind.ImportKeyword && node.arguments[0] && ts.isStringLiteralLike(node.arguments[0])) {
      out.push(node.arguments[0].text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      out.push(node.argument.literal.text);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out.filter((s) => s.startsWith("."));
}

/** Module (path relative to SRC, with .ts) -> the modules it imports. */
export function importGraph(root: string): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  const walk = (dir: string): void => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name.endsWith(".ts") && !entry.name.endsWith(".test.ts") && !entry.name.endsWith(".d.ts")) {
        const from = path.relative(root, full);
        const targets = importsOf(readFileSync(full, "utf8")).map((s) => path.join(path.dirname(from), s.replace(/\.js$/, ".ts")));
        graph.set(from.split(path.sep).join("/"), [...new Set(targets.map((t) => t.split(path.sep).join("/")))]);
      }
    }
  };
  walk(root);
  return graph;
}

/** Every import circle, each once, as "a -> b -> a" (strongly connected components, Tarjan). */
export function circles(graph: ReadonlyMap<string, readonly string[]>): string[] {
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const out: string[] = [];
  const connect = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        connect(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const scc: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        scc.push(w);
      } while (w !== v);
      if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) out.push(pathThrough(graph, scc.sort()));
    }
  };
  for (const v of [...graph.keys()].sort()) if (!idx.has(v)) connect(v);
  return out.sort();
}

/** One concrete circle inside a strongly connected component, for a readable failure. */
function pathThrough(graph: ReadonlyMap<string, readonly string[]>, scc: string[]): string {
  const inside = new Set(scc);
  const start = scc[0]!;
  const prev = new Map<string, string>();
  const queue = [start];
  while (queue.length) {
    const v = queue.shift()!;
    for (const w of graph.get(v) ?? []) {
      if (!inside.has(w)) continue;
      if (w === start) {
        const chain = [v];
        while (chain[0] !== start) chain.unshift(prev.get(chain[0]!)!);
        return [...chain, start].join(" -> ");
      }
      if (!prev.has(w)) {
        prev.set(w, v);
        queue.push(w);
      }
    }
  }
  return scc.join(" <-> ");
}

/** Imports of `runner/` by modules of the floors below it, as "module -> runner/x.ts". */
export function upwardImports(graph: ReadonlyMap<string, readonly string[]>): string[] {
  const out: string[] = [];
  for (const [from, targets] of graph) {
    if (!BELOW_RUNNER.includes(from.split("/")[0]!)) continue;
    for (const t of targets) if (t.startsWith("runner/")) out.push(`${from} -> ${t}`);
  }
  return out.sort();
}

describe("the import rules", () => {
  it("find a circle and an upward import in a made-up graph", () => {
    const graph = new Map([
      ["runner/steps.ts", ["runner/nemesis.ts", "run/history.ts"]],
      ["runner/nemesis.ts", ["runner/steps.ts"]],
      ["run/history.ts", []],
      ["checks/pg.ts", ["runner/context.ts", "run/history.ts"]],
      ["runner/context.ts", []],
      ["report/x.ts", ["report/x.ts"]],
    ]);
    expect(circles(graph)).toEqual(["report/x.ts -> report/x.ts", "runner/nemesis.ts -> runner/steps.ts -> runner/nemesis.ts"]);
    expect(upwardImports(graph)).toEqual(["checks/pg.ts -> runner/context.ts"]);
  });

  it("read every form of import", () => {
    const text = `import a from "./a.js";\nimport type { B } from "../b.js";\nexport { c } from "./c.js";\nconst d = await import("./d.js");\ntype E = import("./e.js").E;\nimport fs from "node:fs";`;
    expect(importsOf(text)).toEqual(["./a.js", "../b.js", "./c.js", "./d.js", "./e.js"]);
  });
});

/** Circles that are known and accepted: none (the test also fails when a listed one is gone). */
const KNOWN_CIRCLES: string[] = [];

describe("harness/src", () => {
  const graph = importGraph(SRC);

  it("is walked (a sanity check on the walker)", () => {
    expect(graph.get("runner/run.ts")?.length).toBeGreaterThan(3);
  });

  it("has no import circle (but the known ones, which are still there)", () => {
    const found = circles(graph);
    expect(found.filter((c) => !KNOWN_CIRCLES.includes(c))).toEqual([]);
    for (const known of KNOWN_CIRCLES) expect(found, `${known} is broken now: delete it from KNOWN_CIRCLES`).toContain(known);
  });

  it("has no import of runner/ from a floor below it", () => {
    expect(upwardImports(graph)).toEqual([]);
  });
});
