/** Node names: `n1@127.0.0.1` (a full distribution name) -> `n1` (the short name netsplit uses). */
export function shortName(full: unknown): string {
  return String(full ?? "").split("@")[0]!;
}
