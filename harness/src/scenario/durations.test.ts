import { describe, expect, it } from "vitest";
import { formatDuration, MAX_DURATION_MS, parseDuration } from "./durations.js";

describe("parseDuration", () => {
  it.each([
    [0, 0],
    [500, 500],
    ["250ms", 250],
    ["5s", 5000],
    ["1.5s", 1500],
    ["0.25s", 250],
    ["2m", 120_000],
    ["0s", 0],
    ["1440m", MAX_DURATION_MS],
  ])("accepts %j as %d ms", (input, ms) => {
    expect(parseDuration(input)).toEqual({ ok: true, ms });
  });

  it.each([
    ["5 s", "bad duration \"5 s\": no spaces are allowed in a duration", "write 5s"],
    ["-1s", "bad duration \"-1s\": durations cannot be negative", "write 0 or more: 500, 250ms, 5s, 2m"],
    [-1, "bad duration -1: durations cannot be negative", "write 0 or more: 500, 250ms, 5s, 2m"],
    ["5h", "bad duration \"5h\": unit \"h\" is not supported (use ms, s or m)", "write 300m"],
    ["90sec", "bad duration \"90sec\": unit \"sec\" is not supported (use ms, s or m)", "write 90s"],
    ["5S", "bad duration \"5S\": unit \"S\" is not supported (use ms, s or m)", "write 5s"],
    ["500", "bad duration \"500\": a quoted number has no unit", "write 500 (no quotes) for milliseconds, or 500ms, 500s"],
    ["1.5ms", "bad duration \"1.5ms\": durations are whole milliseconds", "write 2ms"],
    [1.5, "bad duration 1.5: a bare number is whole milliseconds", "write 1.5s for seconds, or 2 for milliseconds"],
    ["05s", "bad duration \"05s\": the number has a leading zero or a bare decimal point", "write 5s"],
    ["1441m", "bad duration \"1441m\": durations are at most 24 hours", "write at most 1440m"],
  ])("rejects %j with a reason and a hint", (input, message, hint) => {
    expect(parseDuration(input)).toEqual({ ok: false, message, hint });
  });

  it.each(["abc", "", "s", "1e3s", "5s5", Number.NaN, Number.POSITIVE_INFINITY, null, true, [], {}])(
    "rejects %j with the accepted forms as the hint",
    (input) => {
      const result = parseDuration(input);
      expect(result.ok).toBe(false);
      if (!result.ok) expect(result.hint).toContain("250ms, 5s, 1.5s, 2m");
    },
  );
});

describe("formatDuration", () => {
  it.each([
    [0, "0ms"],
    [250, "250ms"],
    [1500, "1.5s"],
    [5000, "5s"],
    [120_000, "2m"],
    [1234, "1234ms"],
  ])("writes %d as %s, which parses back", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
    expect(parseDuration(text)).toEqual({ ok: true, ms });
  });
});
