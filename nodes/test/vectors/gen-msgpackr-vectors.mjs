// Generates nodes/test/vectors/msgpackr_vectors.exs, the cross-implementation vectors for the
// agent's MessagePack codec (Netsplit.MsgPack). Run from the repository root:
//
//     node nodes/test/vectors/gen-msgpackr-vectors.mjs
//
// Encoder configuration: `new Packr({ useRecords: false, variableMapSize: true })`. This is
// exactly how the harness talks to agents; keep the two in step. `useRecords: false` turns off
// msgpackr's record extension (so objects are plain maps and 0..127 are fixints), and
// `variableMapSize: true` gives objects the smallest map header instead of always map16.
//
// Each vector is `%{name:, hex:, term:, exact:}` (plus `encode:` and `differs:` when present):
//
//   * `hex` is what msgpackr wrote for a JS value; Netsplit.MsgPack.decode/1 of those bytes must
//     equal `term`. `term` is derived here from the JS value (see `expected`), not from
//     msgpackr's bytes, so the decoder is checked against an independent reading.
//   * `exact: true` means Netsplit.MsgPack.encode!/1 of `term` (or of `encode`, when the vector
//     has one) must give the same bytes. This script works that out by encoding the term with a
//     model of the Elixir encoder's rules (`elixirEncode`) and comparing; every case where the
//     two disagree must say why in `differs`, and the script fails if a case's `differs` and the
//     comparison do not agree.
//
// Where msgpackr's bytes differ from the Elixir encoder's (all found by experiment; those that
// show up in a vector are repeated in its `differs`):
//
//   * JS numbers are doubles. An integral number inside int32/uint32 is written as an int, but
//     any other integral number (2^32, -2^31-1, 2^53-1) is written as float64. The decoder
//     returns a float for those (so the vectors are exact: the Elixir encoder writes that float
//     the same way), but the Elixir encoder writes an *integer* of that size as an int (2^32 as
//     uint64, 0xcf, where msgpackr's number 2^32 is float64, 0xcb).
//   * BigInts below 2^63 are always int64 (0xd3), even 0n or 2n**32n; the Elixir encoder uses
//     the smallest int format. BigInts 2^63..2^64-1 are uint64 (0xcf) and agree.
//   * NaN and ±Infinity are float64. The decoder returns :nan/:infinity/:neg_infinity, which
//     the Elixir encoder writes as str (atoms are names), so they do not round trip.
//   * JS strings are UTF-16. A lone surrogate in a string shorter than 64 UTF-16 units is
//     written as the 3-byte WTF-8 sequence (not valid UTF-8): the decoder returns those bytes,
//     and the Elixir encoder writes a non-UTF-8 binary as bin. Longer strings go through
//     Buffer#utf8Write, which writes U+FFFD instead, and agree.
//   * Buffers and Uint8Arrays are bin. The decoder returns a binary; the Elixir encoder writes
//     a binary that happens to be valid UTF-8 (including the empty one) as str, so these vectors
//     carry `encode: {:bin, bytes}` to check the bin formats; one vector without it records the
//     difference.
//   * Objects are written in JS property order (integer-like keys first, in numeric order, then
//     insertion order); the Elixir encoder writes map entries in Erlang term order (bytewise for
//     binary keys, for maps of up to 32 keys). Only key order differs.
//   * undefined is fixext1 type 0 and a Date is the timestamp extension (type -1). The decoder
//     returns {:ext, type, data}; the Elixir encoder has no ext support and writes that tuple
//     as an array.
//
// Not covered, because msgpackr gets it wrong: a typed array other than Uint8Array/Buffer
// (Int16Array, Float64Array, ...) is written as a bin header of its byte length followed by its
// *elements* truncated to bytes, and the rest of the bin is whatever stale bytes were left in
// msgpackr's reused output buffer. The harness must only send Uint8Array/Buffer as binary.
//
// Formats msgpackr never writes with this configuration (float32, fixext 2/16, ext 16/32) are
// covered by hand-written bytes in nodes/test/msgpack_test.exs.
//
// Output is deterministic: same msgpackr version, same file.

import { readFileSync, writeFileSync } from "node:fs";
import { Packr } from "msgpackr";

const OUTPUT = new URL("./msgpackr_vectors.exs", import.meta.url);
const MSGPACKR_VERSION = JSON.parse(
  readFileSync(new URL("../../../node_modules/msgpackr/package.json", import.meta.url), "utf8"),
).version;

const packr = new Packr({ useRecords: false, variableMapSize: true });

// ---------------------------------------------------------------------------------------------
// Elixir terms, as plain JS objects.

const T = {
  nil: { t: "nil" },
  bool: (v) => ({ t: "bool", v }),
  int: (v) => ({ t: "int", v: BigInt(v) }),
  float: (v) => ({ t: "float", v }),
  atom: (name) => ({ t: "atom", name }),
  binary: (bytes) => ({ t: "binary", bytes: Uint8Array.from(bytes) }),
  taggedBin: (bytes) => ({ t: "tagged_bin", bytes: Uint8Array.from(bytes) }),
  list: (items) => ({ t: "list", items }),
  map: (entries) => ({ t: "map", entries }),
  ext: (type, bytes) => ({ t: "ext", type, bytes: Uint8Array.from(bytes) }),
};

const utf8 = (s) => new Uint8Array(Buffer.from(s, "utf8"));

function isValidUtf8(bytes) {
  try {
    new TextDecoder("utf-8", { fatal: true, ignoreBOM: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

// The msgpack timestamp extension (type -1), from the specification.
function timestampExt(date) {
  const ms = date.getTime();
  if (Number.isNaN(ms)) return T.ext(-1, [0xff]);
  const seconds = BigInt(Math.floor(ms / 1000));
  const nanos = BigInt((ms - Math.floor(ms / 1000) * 1000) * 1_000_000);
  const view = (size) => new DataView(new ArrayBuffer(size));
  if (nanos === 0n && seconds >= 0n && seconds < 2n ** 32n) {
    const v = view(4);
    v.setUint32(0, Number(seconds));
    return T.ext(-1, new Uint8Array(v.buffer));
  }
  if (seconds >= 0n && seconds < 2n ** 34n) {
    const v = view(8);
    v.setBigUint64(0, (nanos << 34n) | seconds);
    return T.ext(-1, new Uint8Array(v.buffer));
  }
  const v = view(12);
  v.setUint32(0, Number(nanos));
  v.setBigInt64(4, seconds);
  return T.ext(-1, new Uint8Array(v.buffer));
}

// What Netsplit.MsgPack.decode/1 should return for msgpackr's encoding of `value`.
function expected(value) {
  if (value === null) return T.nil;
  if (value === undefined) return T.ext(0, [0]);
  switch (typeof value) {
    case "boolean":
      return T.bool(value);
    case "bigint":
      return T.int(value);
    case "string":
      return T.binary(utf8(value));
    case "number":
      if (Number.isNaN(value)) return T.atom("nan");
      if (value === Infinity) return T.atom("infinity");
      if (value === -Infinity) return T.atom("neg_infinity");
      if (value >>> 0 === value || value >> 0 === value) return T.int(value);
      return T.float(value);
  }
  if (value instanceof Date) return timestampExt(value);
  if (ArrayBuffer.isView(value)) {
    return T.binary(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
  }
  if (Array.isArray(value)) return T.list(value.map(expected));
  if (value instanceof Set) return T.list([...value].map(expected));
  if (value instanceof Map) return T.map([...value].map(([k, v]) => [expected(k), expected(v)]));
  if (value.constructor === Object) {
    return T.map(Object.keys(value).map((k) => [expected(k), expected(value[k])]));
  }
  throw new Error(`no expected term for ${value}`);
}

// ---------------------------------------------------------------------------------------------
// A model of Netsplit.MsgPack.encode!/1, to decide which vectors are exact.

const UNPREDICTABLE = Symbol("unpredictable");

function elixirEncode(term) {
  const out = [];
  const push = (...bytes) => out.push(...bytes);
  const pushAll = (bytes) => bytes.forEach((b) => out.push(b));
  const uint = (n, size) => {
    for (let shift = BigInt((size - 1) * 8); shift >= 0n; shift -= 8n) {
      push(Number((BigInt(n) >> shift) & 0xffn));
    }
  };
  const header = (len, fix, fixMax, tags) => {
    if (fix !== null && len <= fixMax) push(fix | len);
    else if (tags[0] !== null && len < 0x100) push(tags[0], len);
    else if (len < 0x10000) (push(tags[1]), uint(len, 2));
    else (push(tags[2]), uint(len, 4));
  };
  const str = (bytes) => (header(bytes.length, 0xa0, 31, [0xd9, 0xda, 0xdb]), pushAll(bytes));
  const bin = (bytes) => (header(bytes.length, null, 0, [0xc4, 0xc5, 0xc6]), pushAll(bytes));
  const array = (items) => (header(items.length, 0x90, 15, [null, 0xdc, 0xdd]), items.forEach(enc));

  function enc(term) {
    switch (term.t) {
      case "nil":
        return push(0xc0);
      case "bool":
        return push(term.v ? 0xc3 : 0xc2);
      case "atom":
        return str(utf8(term.name));
      case "float": {
        const v = new DataView(new ArrayBuffer(8));
        v.setFloat64(0, term.v);
        return (push(0xcb), pushAll(new Uint8Array(v.buffer)));
      }
      case "int": {
        const n = term.v;
        if (n >= 0n && n < 0x80n) return push(Number(n));
        if (n >= 0n && n < 0x100n) return (push(0xcc), uint(n, 1));
        if (n >= 0n && n < 0x10000n) return (push(0xcd), uint(n, 2));
        if (n >= 0n && n < 0x100000000n) return (push(0xce), uint(n, 4));
        if (n >= 0n) return (push(0xcf), uint(n, 8));
        if (n >= -0x20n) return push(Number(n + 0x100n));
        if (n >= -0x80n) return (push(0xd0), uint(n + 0x100n, 1));
        if (n >= -0x8000n) return (push(0xd1), uint(n + 0x10000n, 2));
        if (n >= -0x80000000n) return (push(0xd2), uint(n + 0x100000000n, 4));
        return (push(0xd3), uint(n + 2n ** 64n, 8));
      }
      case "binary":
        return isValidUtf8(term.bytes) ? str(term.bytes) : bin(term.bytes);
      case "tagged_bin":
        return bin(term.bytes);
      case "list":
        return array(term.items);
      case "ext":
        return array([T.atom("ext"), T.int(term.type), T.binary(term.bytes)]);
      case "map": {
        if (term.entries.length > 32) throw UNPREDICTABLE;
        const entries = [...term.entries].sort(([a], [b]) => compareTerms(a, b));
        header(entries.length, 0x80, 15, [null, 0xde, 0xdf]);
        return entries.forEach(([k, v]) => (enc(k), enc(v)));
      }
    }
    throw new Error(`cannot model ${term.t}`);
  }

  try {
    enc(term);
    return Uint8Array.from(out);
  } catch (e) {
    if (e === UNPREDICTABLE) return null;
    throw e;
  }
}

// Erlang term order, for the key types these vectors use.
function compareTerms(a, b) {
  const rank = { int: 0, float: 0, atom: 1, nil: 1, bool: 1, list: 7, binary: 8 };
  const atomName = (t) => (t.t === "nil" ? "nil" : t.t === "bool" ? String(t.v) : t.name);
  if (rank[a.t] === undefined || rank[b.t] === undefined) throw new Error("unordered key type");
  if (rank[a.t] !== rank[b.t]) return rank[a.t] - rank[b.t];
  if (rank[a.t] === 0) return Number(a.v) - Number(b.v);
  if (rank[a.t] === 1) return atomName(a) < atomName(b) ? -1 : atomName(a) > atomName(b) ? 1 : 0;
  if (a.t === "binary") return Buffer.compare(Buffer.from(a.bytes), Buffer.from(b.bytes));
  throw new Error("unordered key type");
}

// ---------------------------------------------------------------------------------------------
// Elixir source for terms and bytes.

const hexOf = (bytes) => Buffer.from(bytes).toString("hex");

// A repeat of `unit` bytes, `count` times, starting at `from`, if it is long enough to be worth
// writing as String.duplicate.
function runAt(bytes, from) {
  for (let period = 1; period <= 8; period++) {
    let end = from + period;
    while (end + period <= bytes.length && sameBytes(bytes, from, end, period)) end += period;
    const count = (end - from) / period;
    if (end - from >= 64 && count >= 8) return { period, count };
  }
  return null;
}

function sameBytes(bytes, a, b, length) {
  for (let i = 0; i < length; i++) if (bytes[a + i] !== bytes[b + i]) return false;
  return true;
}

// Splits bytes into literal pieces and long repeats, rendering each with `literal(bytes)`.
function compressed(bytes, literal) {
  const parts = [];
  let start = 0;
  let i = 0;
  while (i < bytes.length) {
    const run = runAt(bytes, i);
    if (!run) {
      i++;
      continue;
    }
    if (i > start) parts.push(literal(bytes.subarray(start, i)));
    parts.push(`String.duplicate(${literal(bytes.subarray(i, i + run.period))}, ${run.count})`);
    i += run.period * run.count;
    start = i;
  }
  if (start < bytes.length || parts.length === 0) parts.push(literal(bytes.subarray(start)));
  return parts.join(" <> ");
}

function stringLiteral(bytes) {
  let out = '"';
  for (const ch of Buffer.from(bytes).toString("utf8")) {
    const cp = ch.codePointAt(0);
    if (ch === '"' || ch === "\\" || ch === "#") out += `\\${ch}`;
    else if (cp >= 0x20 && cp < 0x7f) out += ch;
    else out += `\\u{${cp.toString(16).toUpperCase()}}`;
  }
  return out + '"';
}

const bytesLiteral = (bytes) =>
  `<<${Array.from(bytes, (b) => `0x${b.toString(16).padStart(2, "0").toUpperCase()}`).join(", ")}>>`;

const isPrintable = (bytes) =>
  isValidUtf8(bytes) &&
  [...Buffer.from(bytes).toString("utf8")].every((ch) => ch.codePointAt(0) >= 0x20 && ch !== "\x7f");

const binaryLiteral = (bytes) =>
  compressed(bytes, (part) => (isPrintable(part) ? stringLiteral(part) : bytesLiteral(part)));

function floatLiteral(v) {
  if (Object.is(v, -0)) return "-0.0";
  let [mantissa, exponent] = String(v).split("e");
  if (!mantissa.includes(".")) mantissa += ".0";
  return exponent === undefined ? mantissa : `${mantissa}e${exponent.replace("+", "")}`;
}

function elixir(term) {
  switch (term.t) {
    case "nil":
      return "nil";
    case "bool":
      return String(term.v);
    case "int":
      return term.v.toString();
    case "float":
      return floatLiteral(term.v);
    case "atom":
      return `:${term.name}`;
    case "binary":
      return binaryLiteral(term.bytes);
    case "tagged_bin":
      return `{:bin, ${binaryLiteral(term.bytes)}}`;
    case "ext":
      return `{:ext, ${term.type}, ${bytesLiteral(term.bytes)}}`;
    case "list": {
      const items = term.items.map(elixir);
      if (items.length >= 32 && items.every((item) => item === items[0])) {
        return `List.duplicate(${items[0]}, ${items.length})`;
      }
      return `[${items.join(", ")}]`;
    }
    case "map":
      return `%{${term.entries.map(([k, v]) => `${elixir(k)} => ${elixir(v)}`).join(", ")}}`;
  }
  throw new Error(`cannot write ${term.t}`);
}

// ---------------------------------------------------------------------------------------------
// The cases.

const BIGINT_INT64 = "msgpackr writes every BigInt below 2^63 as int64 (0xd3)";
const NON_FINITE = "decodes to an atom, which the Elixir encoder writes as str";
const KEY_ORDER = "msgpackr keeps JS property order; Elixir writes keys in term order";
const EXT = "ext decodes to {:ext, type, data}, which the Elixir encoder writes as an array";

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const bytes = (n, f = (i) => i & 0xff) => Uint8Array.from(range(n, f));
const keyed = (n) => Object.fromEntries(range(n, (i) => [`k${String(i).padStart(2, "0")}`, i]));

const cases = [
  ["nil", null],
  ["true", true],
  ["false", false],
  ["undefined (fixext 1, type 0)", undefined, { differs: EXT }],

  ["positive fixint 0", 0],
  ["negative zero is fixint 0", -0],
  ["positive fixint 1", 1],
  ["positive fixint 31", 31],
  ["positive fixint 32", 32],
  ["positive fixint 127 (max)", 127],
  ["uint8 128 (min)", 128],
  ["uint8 255 (max)", 255],
  ["uint16 256 (min)", 256],
  ["uint16 65535 (max)", 65535],
  ["uint32 65536 (min)", 65536],
  ["uint32 2^31 - 1", 2 ** 31 - 1],
  ["uint32 2^31", 2 ** 31],
  ["uint32 2^32 - 1 (max)", 2 ** 32 - 1],
  ["number 2^32 is float64", 2 ** 32],
  ["number 2^53 - 1 is float64", Number.MAX_SAFE_INTEGER],

  ["negative fixint -1", -1],
  ["negative fixint -31", -31],
  ["negative fixint -32 (min)", -32],
  ["int8 -33 (max)", -33],
  ["int8 -127", -127],
  ["int8 -128 (min)", -128],
  ["int16 -129 (max)", -129],
  ["int16 -32767", -32767],
  ["int16 -32768 (min)", -32768],
  ["int32 -32769 (max)", -32769],
  ["int32 -2^31 (min)", -(2 ** 31)],
  ["number -2^31 - 1 is float64", -(2 ** 31) - 1],
  ["number -(2^53 - 1) is float64", Number.MIN_SAFE_INTEGER],

  ["bigint 0", 0n, { differs: BIGINT_INT64 }],
  ["bigint 127", 127n, { differs: BIGINT_INT64 }],
  ["bigint -1", -1n, { differs: BIGINT_INT64 }],
  ["bigint 2^32", 2n ** 32n, { differs: BIGINT_INT64 }],
  ["bigint 2^63 - 1", 2n ** 63n - 1n, { differs: BIGINT_INT64 }],
  ["bigint 2^63 (uint64)", 2n ** 63n],
  ["bigint 2^64 - 1 (uint64 max)", 2n ** 64n - 1n],
  ["bigint -2^31 - 1 (int64)", -(2n ** 31n) - 1n],
  ["bigint -2^53 (int64)", -(2n ** 53n)],
  ["bigint -2^63 (int64 min)", -(2n ** 63n)],

  ["float 0.5", 0.5],
  ["float -1.25", -1.25],
  ["float 0.1", 0.1],
  ["float 1e300", 1e300],
  ["float -1e-320 (subnormal)", -1e-320],
  ["float 5e-324 (smallest subnormal)", Number.MIN_VALUE],
  ["float max", Number.MAX_VALUE],
  ["float 2^32 + 0.5", 2 ** 32 + 0.5],
  ["NaN", NaN, { differs: NON_FINITE }],
  ["Infinity", Infinity, { differs: NON_FINITE }],
  ["-Infinity", -Infinity, { differs: NON_FINITE }],

  ["fixstr empty", ""],
  ["fixstr 1", "a"],
  ["fixstr 31 (max)", "a".repeat(31)],
  ["str8 32 (min)", "b".repeat(32)],
  ["str8 255 (max)", "c".repeat(255)],
  ["str16 256 (min)", "d".repeat(256)],
  ["str16 65535 (max)", "e".repeat(65535)],
  ["str32 65536 (min)", "f".repeat(65536)],
  ["str with quote, backslash, hash", 'say "hi" \\ #{not_interpolated}'],
  ["str with control characters", "nul\u0000 tab\t newline\n del\u007f"],
  ["str latin-1 supplement", "héllo wörld"],
  ["str CJK", "日本語のテキスト"],
  ["str emoji (4-byte UTF-8)", "😀🚀"],
  ["str 16 two-byte chars is str8", "é".repeat(16)],
  ["str 11 three-byte chars is str8", "€".repeat(11)],
  ["str 100 three-byte chars is str16", "日".repeat(100)],
  ["str long mixed unicode", "Ünïcödé ✓ 🚀 ".repeat(8)],
  [
    "str short lone surrogate is WTF-8",
    "a\ud800b",
    { term: T.binary([0x61, 0xed, 0xa0, 0x80, 0x62]), differs: "lone surrogate bytes are not UTF-8, so Elixir writes bin" },
  ],
  ["str long lone surrogate becomes U+FFFD", "\ud800" + "x".repeat(70)],

  ["bin8 empty", new Uint8Array(0), { bin: true }],
  ["bin8 3 bytes", Uint8Array.of(1, 2, 3), { bin: true }],
  ["bin8 invalid UTF-8", Uint8Array.of(0xff, 0xfe, 0x00, 0x80)],
  ["bin8 255 (max)", bytes(255), { bin: true }],
  ["bin16 256 (min)", bytes(256), { bin: true }],
  ["bin16 65535 (max)", bytes(65535, () => 0xab), { bin: true }],
  ["bin32 65536 (min)", bytes(65536, () => 0xcd), { bin: true }],
  ["Buffer of UTF-8 text", Buffer.from("text"), { bin: true }],
  [
    "Buffer of UTF-8 text, plain binary",
    Buffer.from("text"),
    { differs: "bin decodes to a binary, which Elixir writes as str when it is valid UTF-8" },
  ],
  ["Uint8Array view with an offset", Uint8Array.of(9, 8, 7, 6).subarray(1, 3), { bin: true }],

  ["fixarray empty", []],
  ["fixarray 3", [1, 2, 3]],
  ["fixarray 15 (max)", range(15, (i) => i)],
  ["array16 16 (min)", range(16, (i) => i)],
  ["array16 65535 (max)", range(65535, () => 0)],
  ["array32 65536 (min)", range(65536, () => null)],
  ["array nested", [[[]], [[1], [2, [3]]]]],
  ["array mixed", [1, "a", null, true, 0.5, [2], { k: "v" }, -200]],
  ["Set is array", new Set([1, "two", 3])],

  ["fixmap empty", {}],
  ["fixmap 1", { a: 1 }],
  ["fixmap 15 (max)", keyed(15)],
  ["map16 16 (min)", keyed(16)],
  ["map16 32 keys", keyed(32)],
  ["map keys out of order", { b: 1, a: 2 }, { differs: KEY_ORDER }],
  ["map integer-like keys", { 10: "ten", 9: "nine" }, { differs: KEY_ORDER }],
  ["map unicode keys", { z: 1, é: 2, 日: 3 }],
  ["Map with integer keys", new Map([[-1, "minus one"], [1, "one"], [300, "three hundred"]])],
  ["Map with nil and boolean keys", new Map([[false, 0], [null, 1], [true, 2]])],
  ["map nested", { list: [{ a: { b: { c: [] } } }], n: null }],
  [
    "map harness-style request",
    { id: 7, op: "partition", args: { groups: [["a@h1", "b@h1"], ["c@h2"]], durationMs: 1500 } },
    { differs: KEY_ORDER },
  ],

  ["Date epoch is timestamp 32", new Date(0), { differs: EXT }],
  ["Date with milliseconds is timestamp 64", new Date(1_700_000_000_123), { differs: EXT }],
  ["Date before 1970 is timestamp 96 (ext8)", new Date(-1000), { differs: EXT }],
  ["Date after 2514 is timestamp 96 (ext8)", new Date(2 ** 34 * 1000), { differs: EXT }],
  ["invalid Date (fixext 1, type -1)", new Date(NaN), { differs: EXT }],
];

// ---------------------------------------------------------------------------------------------

function vector([name, value, options = {}]) {
  const packed = new Uint8Array(packr.pack(value));
  const term = options.term ?? expected(value);
  if (options.bin && term.t !== "binary") throw new Error(`${name}: bin option on non-binary`);
  const encodeTerm = options.bin ? T.taggedBin(term.bytes) : null;
  const model = elixirEncode(encodeTerm ?? term);
  const exact = model !== null && Buffer.compare(Buffer.from(model), Buffer.from(packed)) === 0;
  if (exact === Boolean(options.differs)) {
    throw new Error(
      `${name}: expected ${options.differs ? "a difference" : "identical bytes"}\n` +
        `  msgpackr: ${hexOf(packed)}\n  elixir:   ${model && hexOf(model)}`,
    );
  }
  const fields = [
    `name: ${stringLiteral(utf8(name))}`,
    `hex: ${compressed(packed, (part) => `"${hexOf(part)}"`)}`,
    `term: ${elixir(term)}`,
  ];
  if (encodeTerm) fields.push(`encode: ${elixir(encodeTerm)}`);
  fields.push(`exact: ${exact}`);
  if (options.differs) fields.push(`differs: ${stringLiteral(utf8(options.differs))}`);
  return `  %{\n${fields.map((f) => `    ${f}`).join(",\n")}\n  }`;
}

const names = new Set();
for (const [name] of cases) {
  if (names.has(name)) throw new Error(`duplicate case name: ${name}`);
  names.add(name);
}

const source = [
  "# GENERATED FILE - do not edit. Regenerate from the repository root with:",
  "#",
  "#     node nodes/test/vectors/gen-msgpackr-vectors.mjs",
  "#",
  `# Bytes written by msgpackr ${MSGPACKR_VERSION} configured as`,
  "# `new Packr({ useRecords: false, variableMapSize: true })`, the harness's configuration.",
  "# See the generator for what each field means and why some vectors are not exact.",
  "[",
  cases.map(vector).join(",\n"),
  "]",
  "",
].join("\n");

writeFileSync(OUTPUT, source);
console.log(`wrote ${cases.length} vectors to ${OUTPUT.pathname}`);
