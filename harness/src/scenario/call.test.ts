import { describe, expect, it } from "vitest";
import { CALL_PATTERN, parseCall } from "./call.js";

describe("parseCall", () => {
  it.each([
    ["MyApp.ready?/0", { module: "Elixir.MyApp", function: "ready?", arity: 0 }],
    ["MyApp.Check.no_duplicates/0", { module: "Elixir.MyApp.Check", function: "no_duplicates", arity: 0 }],
    ["MyApp.Sub.Deep.reset!/2", { module: "Elixir.MyApp.Sub.Deep", function: "reset!", arity: 2 }],
    [":rabbit.is_running/0", { module: "rabbit", function: "is_running", arity: 0 }],
    [":rabbit_node_monitor.partitions/0", { module: "rabbit_node_monitor", function: "partitions", arity: 0 }],
    [":erlang.is_process_alive/1", { module: "erlang", function: "is_process_alive", arity: 1 }],
    ["Kernel.is_atom/1", { module: "Elixir.Kernel", function: "is_atom", arity: 1 }],
    ["M._private/8", { module: "Elixir.M", function: "_private", arity: 8 }],
  ])("%s", (text, expected) => {
    expect(parseCall(text)).toEqual({ ok: true, call: { text, ...expected } });
    expect(new RegExp(CALL_PATTERN).test(text)).toBe(true);
  });

  const RULE = 'write Module.function/arity for an Elixir module ("MyApp.Check.ready?/0") or :module.function/arity ' +
    'for an Erlang module (":rabbit.is_running/0"); the arity is 0 to 8';

  it.each([
    ["MyApp.ready?", 'bad call "MyApp.ready?": it has no arity', `add the number of arguments: "MyApp.ready?/0"; ${RULE}`],
    ["MyApp.ready?()", 'bad call "MyApp.ready?()": a call names the function and its arity, without parentheses', 'write "MyApp.ready?/0"'],
    ["rabbit.is_running/0", 'bad call "rabbit.is_running/0": `rabbit` is an Erlang module, written with a colon', 'write ":rabbit.is_running/0"'],
    ["MyApp.check/9", 'bad call "MyApp.check/9": the arity is at most 8, got 9', "wrap the arguments in a helper function of fewer arguments"],
    ["MyApp.check/10", 'bad call "MyApp.check/10": the arity is at most 8, got 10', "wrap the arguments in a helper function of fewer arguments"],
    ["MyApp.check/-1", 'bad call "MyApp.check/-1": the arity "-1" is not a number', `the arity is the number of arguments, 0 to 8: ${RULE}`],
    ["MyApp.check/01", 'bad call "MyApp.check/01": the arity is at most 8, got 01', "wrap the arguments in a helper function of fewer arguments"],
    ["MyApp.Check-Me/0", 'bad call "MyApp.Check-Me/0": `Check-Me` is not a function name (a lowercase name, which may end in ? or !)', RULE],
    ["MyApp.Check/0", 'bad call "MyApp.Check/0": `Check` is not a function name (a lowercase name, which may end in ? or !)', RULE],
    ["My-App.check/0", 'bad call "My-App.check/0": `My-App` is not a module name (capitalised parts joined by dots, e.g. MyApp.Check)', RULE],
    [":Rabbit.ok/0", 'bad call ":Rabbit.ok/0": `:Rabbit` is not an Erlang module name (a lowercase atom such as :rabbit)', RULE],
    [":rabbit.ok?x/0", 'bad call ":rabbit.ok?x/0": `ok?x` is not a function name (a lowercase name, which may end in ? or !)', RULE],
    ["check/0", 'bad call "check/0": it is not Module.function/arity', RULE],
    ["", 'bad call "": it has no arity', `add the number of arguments: "/0"; ${RULE}`],
    ["MyApp.check/0; rm -rf /", 'bad call "MyApp.check/0; rm -rf /": the arity "0; rm -rf /" is not a number', `the arity is the number of arguments, 0 to 8: ${RULE}`],
    ["MyApp.check(1, 2)", 'bad call "MyApp.check(1, 2)": a call names the function and its arity, without parentheses',
      'write "MyApp.check/2" and give the arguments as `args: [1, 2]`'],
  ])("%s is refused, saying how to write it", (text, message, hint) => {
    expect(parseCall(text)).toEqual({ ok: false, message, hint });
    expect(new RegExp(CALL_PATTERN).test(text)).toBe(false);
  });

  it("accepts exactly the texts of the JSON Schema pattern", () => {
    const samples = ["A.b/0", ":a.b/0", "A.B.c!/3", ":a@b.c/1", "a.b/0", "A.b/", "A.b/a", ":a.B/0", "A..b/0", ".b/0", "A.b?/8", "A.b??/0", " A.b/0", "A.b/0\n"];
    for (const text of samples) expect([text, parseCall(text).ok]).toEqual([text, new RegExp(CALL_PATTERN).test(text)]);
  });
});
