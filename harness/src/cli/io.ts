/** Where the CLI writes. Tests pass collectors; the executable passes stdout/stderr. */
export interface CliIo {
  out: (text: string) => void;
  err: (text: string) => void;
}

/** Exit codes (as Jepsen's): the contract in SCENARIOS.md. */
export const EXIT = {
  pass: 0,
  fail: 1,
  unknown: 2,
  badInput: 254,
  internal: 255,
} as const;
