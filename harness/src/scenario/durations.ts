/**
 * Durations in scenario files. A bare integer is milliseconds (`500`); a string is a number
 * with a unit: `250ms`, `5s`, `1.5s`, `2m`. The result is whole milliseconds, at most 24 hours
 * (timers in Node cannot wait longer than ~24.8 days, and no scenario should).
 */

/** The pattern the JSON Schema gives editors; `parseDuration` is the authority. */
export const DURATION_PATTERN = "^(0|[1-9][0-9]*)(\\.[0-9]+)?(ms|s|m)$";

/** The longest duration accepted: 24 hours. */
export const MAX_DURATION_MS = 24 * 60 * 60 * 1000;

export type DurationResult =
  | { readonly ok: true; readonly ms: number }
  | { readonly ok: false; readonly message: string; readonly hint: string };

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000 };
const FORMS = "a whole number of milliseconds (500) or a number with ms, s or m (250ms, 5s, 1.5s, 2m)";
const NON_NEGATIVE = "write 0 or more: 500, 250ms, 5s, 2m";
const OTHER_UNITS: Readonly<Record<string, number>> = {
  h: 3_600_000, hr: 3_600_000, hrs: 3_600_000, hour: 3_600_000, hours: 3_600_000,
  sec: 1000, secs: 1000, second: 1000, seconds: 1000,
  min: 60_000, mins: 60_000, minute: 60_000, minutes: 60_000,
  msec: 1, msecs: 1, millis: 1, milliseconds: 1, us: 0.001, ns: 0.000001, d: 86_400_000,
};

/** Shows a value the way the user wrote it, for messages. */
function show(value: unknown): string {
  return typeof value === "string" ? `"${value}"` : String(value);
}

function fail(value: unknown, why: string, hint: string): DurationResult {
  return { ok: false, message: `bad duration ${show(value)}: ${why}`, hint };
}

/** Writes `ms` in the shortest exact unit form: 500 -> "500ms", 1500 -> "1.5s", 120000 -> "2m". */
export function formatDuration(ms: number): string {
  if (ms !== 0 && ms % 60_000 === 0) return `${ms / 60_000}m`;
  if (ms >= 1000 && ms % 100 === 0) return `${ms / 1000}s`;
  return `${ms}ms`;
}

function checkRange(value: unknown, ms: number): DurationResult {
  if (!Number.isInteger(ms)) {
    return fail(value, "durations are whole milliseconds", `write ${Math.round(ms)}ms`);
  }
  if (ms > MAX_DURATION_MS) {
    return fail(value, "durations are at most 24 hours", "write at most 1440m");
  }
  return { ok: true, ms };
}

function parseNumber(value: unknown): DurationResult {
  const n = value as number;
  if (!Number.isFinite(n)) return fail(value, "not a finite number", `write ${FORMS}`);
  if (n < 0) return fail(value, "durations cannot be negative", NON_NEGATIVE);
  if (!Number.isInteger(n)) {
    return fail(value, "a bare number is whole milliseconds", `write ${n}s for seconds, or ${Math.round(n)} for milliseconds`);
  }
  return checkRange(value, n);
}

function parseString(value: string): DurationResult {
  const match = /^\s*(-?)\s*([0-9]*\.?[0-9]+)\s*([A-Za-zµ]*)\s*$/.exec(value);
  if (match === null) return fail(value, "not a duration", `write ${FORMS}`);
  const [, sign = "", digits = "", unit = ""] = match;
  const amount = Number(digits);
  if (sign === "-") return fail(value, "durations cannot be negative", NON_NEGATIVE);
  if (unit === "") {
    return fail(value, "a quoted number has no unit", Number.isInteger(amount)
      ? `write ${amount} (no quotes) for milliseconds, or ${amount}ms, ${amount}s`
      : `write ${amount}s for seconds`);
  }
  const scale = UNIT_MS[unit];
  if (scale !== undefined && new RegExp(DURATION_PATTERN).test(value)) {
    return checkRange(value, Math.round(amount * scale * 1e6) / 1e6);
  }
  if (scale !== undefined) {
    const why = /\s/.test(value)
      ? "no spaces are allowed in a duration"
      : "the number has a leading zero or a bare decimal point";
    return fail(value, why, `write ${amount}${unit}`);
  }
  const known = UNIT_MS[unit.toLowerCase()] ?? OTHER_UNITS[unit.toLowerCase()];
  const why = `unit "${unit}" is not supported (use ms, s or m)`;
  const ms = known === undefined ? Number.NaN : Math.round(amount * known * 1e6) / 1e6;
  if (Number.isInteger(ms) && ms <= MAX_DURATION_MS) return fail(value, why, `write ${formatDuration(ms)}`);
  return fail(value, why, `write ${FORMS}`);
}

/** Parses a duration value from a scenario (number = milliseconds, or a string with a unit). */
export function parseDuration(value: unknown): DurationResult {
  if (typeof value === "number") return parseNumber(value);
  if (typeof value === "string") return parseString(value);
  const what = value === null ? "nothing (null)" : Array.isArray(value) ? "a list" : typeof value === "object" ? "a map" : show(value);
  return { ok: false, message: `expected a duration, got ${what}`, hint: `write ${FORMS}` };
}

/** Milliseconds of a duration that already passed validation. */
export function ms(value: number | string | undefined, fallback: string): number {
  const parsed = parseDuration(value ?? fallback);
  if (!parsed.ok) throw new Error(`internal: unvalidated duration ${String(value)}`);
  return parsed.ms;
}
