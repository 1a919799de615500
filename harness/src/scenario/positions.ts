/**
 * Maps issue paths back to source positions. The yaml Document keeps every node's source range;
 * a LineCounter turns offsets into 1-based line/column, and the excerpt shows the line with a
 * caret under the offending text.
 */
import { isAlias, isMap, isScalar, isSeq, type Document, type LineCounter, type Node } from "yaml";
import type { IssuePath } from "./issues.js";

export interface Position {
  readonly line: number;
  readonly column: number;
  readonly excerpt: string;
}

export interface Locator {
  locate(path: IssuePath, target?: "key" | "value"): Position;
}

/** For scenarios given as JS objects: no positions, the path says where. */
export const pathOnlyLocator: Locator = { locate: () => ({ line: 0, column: 0, excerpt: "" }) };

const MAX_EXCERPT = 160;

/** The position of `offset` in `source`, underlining up to `end` (on the same line). */
export function positionAt(source: string, counter: LineCounter, offset: number, end = offset + 1): Position {
  const safe = Math.max(0, Math.min(offset, source.length));
  const { line, col } = counter.linePos(safe);
  const start = counter.lineStarts[line - 1] ?? 0;
  let stop = source.indexOf("\n", start);
  if (stop < 0) stop = source.length;
  // control characters shown as "?" (one column each): an excerpt printed to a terminal cannot drive it
  const text = source.slice(start, stop).replace(/\r$/, "").replace(/\t/g, " ").replace(/[\u0000-\u001f\u007f-\u009f]/g, "?");
  const width = Math.max(1, Math.min(end, start + text.length) - safe);
  const from = col > MAX_EXCERPT / 2 ? col - MAX_EXCERPT / 2 : 0;
  const shown = (from > 0 ? "…" : "") + text.slice(from, from + MAX_EXCERPT);
  const pad = col - 1 - from + (from > 0 ? 1 : 0);
  const caret = " ".repeat(Math.max(0, pad)) + "^".repeat(Math.min(width, MAX_EXCERPT));
  return { line, column: col, excerpt: `${shown}\n${caret}` };
}

function keyString(key: unknown): string {
  if (isScalar(key)) return key.value === null || key.value === undefined ? "" : String(key.value);
  return String(key);
}

interface Found {
  readonly node: Node | undefined;
  readonly keyNode: Node | undefined;
  readonly inSeq: boolean;
}

/** Follows `path` as far as the document allows; the deepest node found and the key that led there. */
function follow(doc: Document, path: IssuePath, target: "key" | "value"): Found {
  let node: unknown = doc.contents;
  let keyNode: Node | undefined;
  let inSeq = false;
  for (let i = 0; i < path.length; i++) {
    const segment = path[i];
    if (isAlias(node)) node = node.resolve(doc);
    if (isMap(node)) {
      let pair: (typeof node.items)[number] | undefined;
      for (const candidate of node.items) if (keyString(candidate.key) === String(segment)) pair = candidate;
      if (pair === undefined) break;
      const key = pair.key as Node | undefined;
      if (i === path.length - 1 && target === "key") return { node: key, keyNode: key, inSeq: false };
      keyNode = key;
      node = pair.value;
      inSeq = false;
      if (node === null || node === undefined) return { node: key, keyNode: key, inSeq: false };
    } else if (isSeq(node) && typeof segment === "number") {
      const item: unknown = node.items[segment];
      if (item === undefined) break;
      node = item;
      keyNode = undefined;
      inSeq = true;
    } else {
      break;
    }
  }
  return { node: node as Node | undefined, keyNode, inSeq };
}

/** A locator over a parsed document. */
export function documentLocator(doc: Document, source: string, counter: LineCounter): Locator {
  return {
    locate(path, target = "value") {
      const { node, keyNode, inSeq } = follow(doc, path, target);
      const range = node?.range;
      if (range === undefined || range === null) return positionAt(source, counter, 0);
      const [start, end] = range;
      if (start === end) {
        // An empty value: point at its key, or at the `-` of an empty list item.
        if (keyNode?.range) return positionAt(source, counter, keyNode.range[0], keyNode.range[1]);
        if (inSeq) {
          const dash = source.lastIndexOf("-", start);
          const lineStart = source.lastIndexOf("\n", start - 1) + 1;
          if (dash >= lineStart) return positionAt(source, counter, dash);
        }
        return positionAt(source, counter, start);
      }
      const scalarLike = isScalar(node) || isAlias(node);
      return positionAt(source, counter, start, scalarLike ? end : start + 1);
    },
  };
}
