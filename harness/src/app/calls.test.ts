import { describe, expect, it } from "vitest";
import { combine, describeOutcomes, judgeReply, type CallOutcome } from "./calls.js";

const call = { text: "Jobs.Check.no_lost_jobs/0", module: "Elixir.Jobs.Check", function: "no_lost_jobs", arity: 0, args: [] };

describe("judging a call of the application under test", () => {
  it("passes on :ok, {:ok, _} and true", () => {
    expect(judgeReply("n1", { outcome: "returned", printed: ":ok", class: "ok", us: 1200 }, 5000, undefined)).toEqual({ node: "n1", verdict: "pass", what: "returned :ok", printed: ":ok", ms: 1 });
    expect(judgeReply("n1", { outcome: "returned", printed: "{:ok, 3}", class: "ok", us: 0 }, 5000, undefined).verdict).toBe("pass");
    expect(judgeReply("n1", { outcome: "returned", printed: "true", class: "true", us: 0 }, 5000, undefined).verdict).toBe("pass");
  });

  it("fails on {:error, reason}, :error and false, showing what came back", () => {
    const o = judgeReply("n2", { outcome: "returned", printed: '{:error, "2 coordinators"}', class: "error", reason: '"2 coordinators"', us: 0 }, 5000, undefined);
    expect(o).toMatchObject({ verdict: "fail", what: 'returned {:error, "2 coordinators"}' });
    expect(judgeReply("n2", { outcome: "returned", printed: "false", class: "false", us: 0 }, 5000, undefined).verdict).toBe("fail");
  });

  it("fails on any other value, saying how to check it with expect", () => {
    const o = judgeReply("n1", { outcome: "returned", printed: "42", class: "other", us: 0 }, 5000, undefined);
    expect(o.verdict).toBe("fail");
    expect(o.what).toMatch(/^returned 42 \(.*use `expect:`/);
  });

  it("with expect, compares the printed value and nothing else", () => {
    expect(judgeReply("n1", { outcome: "returned", printed: "[]", class: "other", us: 0 }, 5000, "[]").verdict).toBe("pass");
    expect(judgeReply("n1", { outcome: "returned", printed: ":ok", class: "ok", us: 0 }, 5000, "[]")).toMatchObject({ verdict: "fail", what: "returned :ok, expected []" });
  });

  it("a raise or a timeout is unknown, never a pass or a fail", () => {
    expect(judgeReply("n1", { outcome: "timeout", us: 5_000_000 }, 5000, undefined)).toMatchObject({ verdict: "unknown", what: "did not return within 5000 ms" });
    expect(judgeReply("n1", { outcome: "raised", kind: "error", printed: "** (RuntimeError) boom", us: 0 }, 5000, ":ok")).toMatchObject({ verdict: "unknown", what: "raised ** (RuntimeError) boom" });
  });
});

describe("combining the nodes' outcomes", () => {
  const o = (node: string, verdict: CallOutcome["verdict"], what: string): CallOutcome => ({ node, verdict, what });
  it("any fail fails; else any unknown is unknown; no node at all is unknown", () => {
    expect(combine([o("n1", "pass", "a"), o("n2", "fail", "b"), o("n3", "unknown", "c")])).toBe("fail");
    expect(combine([o("n1", "pass", "a"), o("n3", "unknown", "c")])).toBe("unknown");
    expect(combine([o("n1", "pass", "a"), o("n2", "pass", "a")])).toBe("pass");
    expect(combine([])).toBe("unknown");
  });

  it("groups nodes with the same outcome in one sentence", () => {
    expect(describeOutcomes(call, [o("n1", "pass", "returned :ok"), o("n2", "pass", "returned :ok")])).toBe("Jobs.Check.no_lost_jobs/0 on all 2 nodes returned :ok");
    expect(describeOutcomes(call, [o("n1", "pass", "returned :ok"), o("n2", "fail", "returned false"), o("n3", "pass", "returned :ok")]))
      .toBe("Jobs.Check.no_lost_jobs/0 — n1, n3: returned :ok; n2: returned false");
  });
});
