/** "Did you mean ...?" suggestions: the nearest candidate by edit distance, if it is near enough. */

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions). */
export function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[] = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/**
 * The candidate nearest to `input`, or undefined when none is plausibly meant. A candidate is
 * plausible when its distance (ignoring case) is at most a third of the longer name (minimum 2),
 * or when one contains the other (`mesh` -> `cluster.mesh`). Undefined when several candidates
 * are equally near (`n7` among n1..n5): a guess would be arbitrary.
 */
export function nearest(input: string, candidates: readonly string[]): string | undefined {
  const wanted = input.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  let tied = false;
  for (const candidate of candidates) {
    const c = candidate.toLowerCase();
    if (c === wanted) return candidate;
    const distance = editDistance(wanted, c);
    const limit = Math.max(2, Math.floor(Math.max(wanted.length, c.length) / 3));
    const contains = wanted.length >= 3 && (c.includes(wanted) || wanted.includes(c));
    if (distance > limit && !contains) continue;
    const score = contains ? Math.min(distance, 1.5) : distance;
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
      tied = false;
    } else if (score === bestScore) tied = true;
  }
  return tied ? undefined : best;
}

/** `a`, `b`, `c` — at most `max` names, then how many more. */
export function listNames(names: readonly string[], max = 12): string {
  const shown = names.slice(0, max).map((n) => `\`${n}\``);
  const rest = names.length - shown.length;
  return rest > 0 ? `${shown.join(", ")}, … (${names.length} in all)` : shown.join(", ");
}

/** A hint naming the nearest candidate (if any), then the valid choices (`listed`, default all). */
export function suggestionHint(input: string, candidates: readonly string[], what: string, listed = candidates): string {
  const guess = nearest(input, candidates);
  const list = `${what}: ${listNames(listed)}`;
  return guess === undefined ? list : `did you mean \`${guess}\`? ${list}`;
}
