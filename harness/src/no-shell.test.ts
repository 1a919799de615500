/**
 * "No shell command is ever built from scenario text" (issue 8), checked on the sources: every
 * non-test module under harness/src is parsed with the TypeScript compiler and every use of
 * child_process is inspected. Processes may only be started with an executable and an argument
 * array (spawn, spawnSync, execFile, execFileSync), never through a shell: no exec/execSync, no
 * `shell` option, no shell as the program, no command line in one string. The rules are tested
 * on snippets first, so a rule that stopped matching would fail here too.
 */
import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const SRC = path.dirname(fileURLToPath(import.meta.url));
const CHILD_PROCESS = new Set(["child_process", "node:child_process"]);
/** What may be imported from child_process: argument-array launchers and types. */
const ALLOWED = new Set(["spawn", "spawnSync", "execFile", "execFileSync", "ChildProcess", "SpawnOptions", "SpawnSyncReturns", "ChildProcessWithoutNullStreams", "ChildProcessByStdio", "StdioOptions"]);
const LAUNCHERS = new Set(["spawn", "spawnSync", "execFile", "execFileSync"]);
const SHELLS = /^(?:.*\/)?(?:sh|bash|dash|zsh|ksh|csh|tcsh|fish|busybox|env|cmd(?:\.exe)?|powershell|pwsh)$/;

function literalText(node: ts.Node): string | undefined {
  if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) return node.text;
  if (ts.isTemplateExpression(node)) return node.head.text + node.templateSpans.map((s) => `\${}${s.literal.text}`).join("");
  return undefined;
}

/** Every way `text` (a module's source) could start a process through a shell, as "line: what". */
export function shellUses(text: string, file = "snippet.ts"): string[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const problems: string[] = [];
  const launchers = new Set<string>();
  const at = (node: ts.Node) => source.getLineAndCharacterOfPosition(node.getStart(source)).line + 1;
  const flag = (node: ts.Node, what: string) => problems.push(`${at(node)}: ${what}`);

  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node) && ts.isStringLiteral(node.moduleSpecifier) && CHILD_PROCESS.has(node.moduleSpecifier.text)) {
      const bindings = node.importClause?.namedBindings;
      if (node.importClause?.name || (bindings && ts.isNamespaceImport(bindings))) flag(node, "child_process imported whole (import the launchers by name)");
      if (bindings && ts.isNamedImports(bindings)) {
        for (const el of bindings.elements) {
          const imported = (el.propertyName ?? el.name).text;
          if (!ALLOWED.has(imported)) flag(el, `imports ${imported} from child_process (it runs a shell or is not allowed)`);
          if (LAUNCHERS.has(imported)) launchers.add(el.name.text);
        }
      }
    }
    if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const [first] = node.arguments;
      // require("child_process") and import("child_process") bypass the import check
      const isRequire = ts.isIdentifier(callee) && callee.text === "require";
      if ((isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) && first && CHILD_PROCESS.has(literalText(first) ?? "")) {
        flag(node, "child_process loaded dynamically (import the launchers by name)");
      }
      if (ts.isIdentifier(callee) && launchers.has(callee.text)) {
        const program = first && literalText(first);
        if (program !== undefined && /\s/.test(program)) flag(node, `${callee.text}("${program}"): a command line in one string`);
        if (program !== undefined && SHELLS.test(program)) flag(node, `${callee.text}("${program}"): a shell as the program`);
        if (first && !(program !== undefined) && node.arguments.length === 1 && ts.isTemplateExpression(first)) flag(node, `${callee.text}(template): a command line in one string`);
        for (const arg of node.arguments) {
          if (!ts.isObjectLiteralExpression(arg)) continue;
          for (const prop of arg.properties) {
            const name = prop.name && (ts.isIdentifier(prop.name) || ts.isStringLiteral(prop.name)) ? prop.name.text : undefined;
            const isFalse = ts.isPropertyAssignment(prop) && prop.initializer.kind === ts.SyntaxKind.FalseKeyword;
            if (name === "shell" && !isFalse) flag(prop, `${callee.text}(..., { shell }): runs through a shell`);
            if (ts.isSpreadAssignment(prop)) flag(prop, `${callee.text}(..., { ...spread }): options must be written out (a spread could carry shell: true)`);
          }
        }
      }
      // docker's exec and the like: a command as one string is run by a shell
      if (ts.isPropertyAccessExpression(callee) && callee.name.text === "exec" && !ts.isRegularExpressionLiteral(callee.expression) && first) {
        const command = literalText(first);
        if (command !== undefined && /\s/.test(command)) flag(node, `.exec("${command}"): a command line in one string`);
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return problems;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) return e.name === "testdata" ? [] : sourceFiles(full);
    return e.name.endsWith(".ts") && !e.name.endsWith(".test.ts") ? [full] : [];
  });
}

describe("the shell rules catch what they should", () => {
  it.each([
    ['import { exec } from "node:child_process";', /imports exec/],
    ['import { execSync as run } from "child_process";', /imports execSync/],
    ['import * as cp from "node:child_process";', /imported whole/],
    ['import cp from "node:child_process";', /imported whole/],
    ['const cp = require("child_process");', /loaded dynamically/],
    ['const cp = await import("node:child_process");', /loaded dynamically/],
    ['import { spawn } from "node:child_process"; spawn("erl -name n1", []);', /command line in one string/],
    ['import { spawn } from "node:child_process"; spawn(`touch ${file}`);', /command line in one string/],
    ['import { spawn as go } from "node:child_process"; go("sh", ["-c", cmd]);', /a shell as the program/],
    ['import { spawnSync } from "node:child_process"; spawnSync("/bin/bash", ["-c", x]);', /a shell as the program/],
    ['import { execFile } from "node:child_process"; execFile(bin, args, { shell: true });', /runs through a shell/],
    ['import { spawn } from "node:child_process"; spawn(bin, args, { cwd, shell: "/bin/sh" });', /runs through a shell/],
    ['import { spawn } from "node:child_process"; spawn(bin, args, { ...opts });', /options must be written out/],
    ['container.exec("rm -rf /data");', /\.exec\("rm -rf \/data"\)/],
  ])("flags %s", (snippet, problem) => {
    const found = shellUses(snippet);
    expect(found.length, `no problem found in: ${snippet}`).toBeGreaterThan(0);
    expect(found.join("\n")).toMatch(problem);
  });

  it("accepts an executable with an argument array, and regular expressions' exec", () => {
    expect(shellUses([
      'import { spawn, spawnSync, type ChildProcess } from "node:child_process";',
      'spawn(erl, ["-name", name, "-eval", code], { stdio: ["pipe", "pipe", "pipe"], env: { HOME: home } });',
      'spawnSync("umount", ["-l", m], { shell: false });',
      'const m = /a b/.exec(text); const n = PATTERN.exec(line);',
    ].join("\n"))).toEqual([]);
  });
});

describe("harness/src starts no process through a shell", () => {
  const files = sourceFiles(SRC);

  it("finds the modules that start processes", () => {
    const starters = files.filter((f) => /child_process/.test(readFileSync(f, "utf8"))).map((f) => path.relative(SRC, f));
    // the node processes and Toxiproxy at least: a scan that finds nothing proves nothing
    expect(starters).toEqual(expect.arrayContaining(["runtime/node-process.ts", "toxiproxy/server-process.ts"]));
  });

  it("uses only argument-array launchers, without a shell, everywhere", () => {
    const problems = files.flatMap((f) => shellUses(readFileSync(f, "utf8"), f).map((p) => `${path.relative(SRC, f)}:${p}`));
    expect(problems).toEqual([]);
  });
});
