import { describe, expect, it } from "vitest";
import { classifyError, classifyReply } from "./classify.js";

describe("classifyReply", () => {
  it("ok with the value when the agent gave data, else the printed term", () => {
    expect(classifyReply({ outcome: "returned", printed: "[1, 2]", class: "other", value: [1, 2], us: 1 }, 1000)).toEqual({ type: "ok", value: [1, 2] });
    expect(classifyReply({ outcome: "returned", printed: "{:ok, 3}", class: "ok", us: 1 }, 1000)).toEqual({ type: "ok", value: "{:ok, 3}" });
    expect(classifyReply({ outcome: "returned", printed: "true", class: "true", value: true, us: 1 }, 1000)).toEqual({ type: "ok", value: true });
  });

  it("fail on {:error, _}, :error and false, info when the reason is listed as indeterminate", () => {
    const err = { outcome: "returned", printed: "{:error, :timeout}", class: "error", reason: ":timeout", us: 1 } as const;
    expect(classifyReply(err, 1000)).toEqual({ type: "fail", error: "returned {:error, :timeout}" });
    expect(classifyReply(err, 1000, [":timeout"])).toEqual({ type: "info", error: "returned {:error, :timeout}" });
    expect(classifyReply({ outcome: "returned", printed: "false", class: "false", value: false, us: 1 }, 1000)).toEqual({ type: "fail", error: "returned false" });
  });

  it("info on timeout and raise (they may have had effects), first line only", () => {
    expect(classifyReply({ outcome: "timeout", us: 1 }, 250)).toEqual({ type: "info", error: "did not return within 250 ms" });
    expect(classifyReply({ outcome: "raised", kind: "exit", printed: "** (exit) :killed\n  frame", us: 1 }, 250)).toEqual({ type: "info", error: "raised ** (exit) :killed" });
  });

  it("a refused request is a fail, a lost connection info", () => {
    expect(classifyError(new Error("no module Jobz is loaded or loadable on n1@127.0.0.1"))).toEqual({ type: "fail", error: "refused: no module Jobz is loaded or loadable on n1@127.0.0.1" });
    expect(classifyError(new Error("connection closed"))).toEqual({ type: "info", error: "no answer: connection closed" });
  });
});
