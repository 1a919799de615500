/**
 * bench/soak/results.json holds two soaks: the partition soak's summary and samples at the top
 * level (run.ts) and the clients soak under `clients` (clients.ts). Each runner rewrites only its
 * own part and keeps the other's. Written readably: pretty JSON, except that every `samples`
 * array puts one sample per line (thousands of samples would otherwise take 50 lines each).
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";

/** Pretty JSON with each element of every `samples` array on a line of its own. */
export function formatResults(value: Record<string, unknown>): string {
  const arrays: unknown[][] = [];
  const text = JSON.stringify(value, (key, v: unknown) => {
    if (key === "samples" && Array.isArray(v)) {
      arrays.push(v);
      return `\u0000samples:${arrays.length - 1}`;
    }
    return v;
  }, 2);
  const out = text.replace(/^( *)("samples": )"\\u0000samples:(\d+)"/gm, (_m, indent: string, head: string, n: string) => {
    const items = arrays[Number(n)]!;
    if (items.length === 0) return `${indent}${head}[]`;
    return `${indent}${head}[\n${items.map((s) => `${indent}  ${JSON.stringify(s)}`).join(",\n")}\n${indent}]`;
  });
  return `${out}\n`;
}

/** The file's object, or {} when it does not exist or does not read as a JSON object. */
export function readResults(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  try {
    const v = JSON.parse(readFileSync(file, "utf8")) as unknown;
    return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Writes the partition soak's results (`own`), keeping the clients soak's part of the file. */
export function writeSoakResults(file: string, own: Record<string, unknown>): void {
  const { clients } = readResults(file);
  writeFileSync(file, formatResults({ ...own, ...(clients !== undefined ? { clients } : {}) }));
}

/** Writes the clients soak's results under `clients`, keeping everything else in the file. */
export function writeClientsResults(file: string, clients: Record<string, unknown>): void {
  writeFileSync(file, formatResults({ ...readResults(file), clients }));
}
