/**
 * Calls into the nodes: `Mod.Sub.fun/N` (an Elixir module) or `:mod.fun/N` (an Erlang module),
 * written the way Elixir writes a captured function. Function names may end in `?` or `!`; the
 * arity is 0 to 8. Pure: the scenario validator uses `parseCall` for its messages, the
 * normaliser for the model's `CallSpec`, and the runner never parses call text itself.
 */

/** The largest arity a `call:` may have. */
export const MAX_CALL_ARITY = 8;

const ELIXIR_MODULE = "[A-Z][A-Za-z0-9_]*(?:\\.[A-Z][A-Za-z0-9_]*)*";
const ERLANG_MODULE = "[a-z][A-Za-z0-9_@]*";
const FUNCTION = "[a-z_][A-Za-z0-9_]*[?!]?";

/** The JSON Schema pattern for a call: exactly the texts `parseCall` accepts. */
export const CALL_PATTERN = `^(?:${ELIXIR_MODULE}|:${ERLANG_MODULE})\\.${FUNCTION}/[0-${MAX_CALL_ARITY}]$`;
/** An Elixir module name as written (`MyApp.Registry`): the pattern and the rule. */
export const ELIXIR_MODULE_PATTERN = `^${ELIXIR_MODULE}$`;
export const ELIXIR_MODULE_RULE =
  "a module is written as in Elixir: capitalised parts joined by dots, e.g. MyApp.Registry";

/** How to write a call, for messages. */
export const CALL_RULE =
  'write Module.function/arity for an Elixir module ("MyApp.Check.ready?/0") or :module.function/arity ' +
  'for an Erlang module (":rabbit.is_running/0"); the arity is 0 to 8';

export interface ParsedCall {
  readonly text: string;
  /** The module as a BEAM atom: "Elixir.MyApp.Check" or "rabbit". */
  readonly module: string;
  readonly function: string;
  readonly arity: number;
}

export type CallResult =
  | { readonly ok: true; readonly call: ParsedCall }
  | { readonly ok: false; readonly message: string; readonly hint: string };

const WHOLE = new RegExp(CALL_PATTERN);
const SHAPE = /^(:?)(.+)\.([^./]+)\/(.*)$/s;

function fail(text: string, why: string, hint = CALL_RULE): CallResult {
  return { ok: false, message: `bad call ${JSON.stringify(text)}: ${why}`, hint };
}

/** Parses a call text, or says what is wrong with it and how to write it. */
export function parseCall(text: string): CallResult {
  const m = SHAPE.exec(text);
  if (m === null) {
    if (!text.includes("/")) {
      const paren = /^(.*)\((.*)\)$/s.exec(text);
      if (paren !== null) {
        const inside = (paren[2] ?? "").trim();
        const n = inside === "" ? 0 : inside.split(",").length;
        return fail(text, "a call names the function and its arity, without parentheses",
          `write ${JSON.stringify(`${paren[1] ?? ""}/${n}`)}${n === 0 ? "" : ` and give the arguments as \`args: [${inside}]\``}`);
      }
      return fail(text, "it has no arity", `add the number of arguments: ${JSON.stringify(`${text}/0`)}; ${CALL_RULE}`);
    }
    return fail(text, "it is not Module.function/arity");
  }
  const [, colon = "", module = "", fun = "", arityText = ""] = m;
  if (colon === "" && /^[a-z]/.test(module)) {
    return fail(text, `\`${module}\` is an Erlang module, written with a colon`, `write ${JSON.stringify(`:${module}.${fun}/${arityText}`)}`);
  }
  if (colon === "" && !new RegExp(`^${ELIXIR_MODULE}$`).test(module)) {
    return fail(text, `\`${module}\` is not a module name (capitalised parts joined by dots, e.g. MyApp.Check)`);
  }
  if (colon === ":" && !new RegExp(`^${ERLANG_MODULE}$`).test(module)) {
    return fail(text, `\`:${module}\` is not an Erlang module name (a lowercase atom such as :rabbit)`);
  }
  if (!new RegExp(`^${FUNCTION}$`).test(fun)) {
    return fail(text, `\`${fun}\` is not a function name (a lowercase name, which may end in ? or !)`);
  }
  if (!/^[0-9]+$/.test(arityText)) return fail(text, `the arity ${JSON.stringify(arityText)} is not a number`, `the arity is the number of arguments, 0 to ${MAX_CALL_ARITY}: ${CALL_RULE}`);
  const arity = Number(arityText);
  if (arity > MAX_CALL_ARITY || arityText.length > 1) return fail(text, `the arity is at most ${MAX_CALL_ARITY}, got ${arityText}`, "wrap the arguments in a helper function of fewer arguments");
  if (!WHOLE.test(text)) return fail(text, "it is not Module.function/arity");
  return { ok: true, call: { text, module: colon === ":" ? module : `Elixir.${module}`, function: fun, arity } };
}
