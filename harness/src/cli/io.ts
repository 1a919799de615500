/** Where the CLI writes. Tests pass collectors; the executable passes stdout/stderr. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** `out` is a terminal: `run --jobs` redraws its status lines in place. Default false. */
  isTTY?: boolean;
  /** The terminal's width, to cut status lines to (0 or absent: no limit). */
  columns?: number;
}

/** Exit codes (as Jepsen's): the contract in SCENARIOS.md. */
export const EXIT = {
  pass: 0,
  fail: 1,
  unknown: 2,
  badInput: 254,
  internal: 255,
} as const;
