/** Progress lines of a benchmark run (stderr, with the elapsed time), so a long run shows it is alive. */
export type Log = (line: string) => void;

export function stderrLog(start = Date.now()): Log {
  return (line) => process.stderr.write(`[${((Date.now() - start) / 1000).toFixed(0).padStart(4)}s] ${line}\n`);
}
