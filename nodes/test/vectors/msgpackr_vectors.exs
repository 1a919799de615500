# GENERATED FILE - do not edit. Regenerate from the repository root with:
#
#     node nodes/test/vectors/gen-msgpackr-vectors.mjs
#
# Bytes written by msgpackr 1.11.5 configured as
# `new Packr({ useRecords: false, variableMapSize: true })`, the harness's configuration.
# See the generator for what each field means and why some vectors are not exact.
[
  %{
    name: "nil",
    hex: "c0",
    term: nil,
    exact: true
  },
  %{
    name: "true",
    hex: "c3",
    term: true,
    exact: true
  },
  %{
    name: "false",
    hex: "c2",
    term: false,
    exact: true
  },
  %{
    name: "undefined (fixext 1, type 0)",
    hex: "d40000",
    term: {:ext, 0, <<0x00>>},
    exact: false,
    differs: "ext decodes to {:ext, type, data}, which the Elixir encoder writes as an array"
  },
  %{
    name: "positive fixint 0",
    hex: "00",
    term: 0,
    exact: true
  },
  %{
    name: "negative zero is fixint 0",
    hex: "00",
    term: 0,
    exact: true
  },
  %{
    name: "positive fixint 1",
    hex: "01",
    term: 1,
    exact: true
  },
  %{
    name: "positive fixint 31",
    hex: "1f",
    term: 31,
    exact: true
  },
  %{
    name: "positive fixint 32",
    hex: "20",
    term: 32,
    exact: true
  },
  %{
    name: "positive fixint 127 (max)",
    hex: "7f",
    term: 127,
    exact: true
  },
  %{
    name: "uint8 128 (min)",
    hex: "cc80",
    term: 128,
    exact: true
  },
  %{
    name: "uint8 255 (max)",
    hex: "ccff",
    term: 255,
    exact: true
  },
  %{
    name: "uint16 256 (min)",
    hex: "cd0100",
    term: 256,
    exact: true
  },
  %{
    name: "uint16 65535 (max)",
    hex: "cdffff",
    term: 65535,
    exact: true
  },
  %{
    name: "uint32 65536 (min)",
    hex: "ce00010000",
    term: 65536,
    exact: true
  },
  %{
    name: "uint32 2^31 - 1",
    hex: "ce7fffffff",
    term: 2147483647,
    exact: true
  },
  %{
    name: "uint32 2^31",
    hex: "ce80000000",
    term: 2147483648,
    exact: true
  },
  %{
    name: "uint32 2^32 - 1 (max)",
    hex: "ceffffffff",
    term: 4294967295,
    exact: true
  },
  %{
    name: "number 2^32 is float64",
    hex: "cb41f0000000000000",
    term: 4294967296.0,
    exact: true
  },
  %{
    name: "number 2^53 - 1 is float64",
    hex: "cb433fffffffffffff",
    term: 9007199254740991.0,
    exact: true
  },
  %{
    name: "negative fixint -1",
    hex: "ff",
    term: -1,
    exact: true
  },
  %{
    name: "negative fixint -31",
    hex: "e1",
    term: -31,
    exact: true
  },
  %{
    name: "negative fixint -32 (min)",
    hex: "e0",
    term: -32,
    exact: true
  },
  %{
    name: "int8 -33 (max)",
    hex: "d0df",
    term: -33,
    exact: true
  },
  %{
    name: "int8 -127",
    hex: "d081",
    term: -127,
    exact: true
  },
  %{
    name: "int8 -128 (min)",
    hex: "d080",
    term: -128,
    exact: true
  },
  %{
    name: "int16 -129 (max)",
    hex: "d1ff7f",
    term: -129,
    exact: true
  },
  %{
    name: "int16 -32767",
    hex: "d18001",
    term: -32767,
    exact: true
  },
  %{
    name: "int16 -32768 (min)",
    hex: "d18000",
    term: -32768,
    exact: true
  },
  %{
    name: "int32 -32769 (max)",
    hex: "d2ffff7fff",
    term: -32769,
    exact: true
  },
  %{
    name: "int32 -2^31 (min)",
    hex: "d280000000",
    term: -2147483648,
    exact: true
  },
  %{
    name: "number -2^31 - 1 is float64",
    hex: "cbc1e0000000200000",
    term: -2147483649.0,
    exact: true
  },
  %{
    name: "number -(2^53 - 1) is float64",
    hex: "cbc33fffffffffffff",
    term: -9007199254740991.0,
    exact: true
  },
  %{
    name: "bigint 0",
    hex: "d30000000000000000",
    term: 0,
    exact: false,
    differs: "msgpackr writes every BigInt below 2^63 as int64 (0xd3)"
  },
  %{
    name: "bigint 127",
    hex: "d3000000000000007f",
    term: 127,
    exact: false,
    differs: "msgpackr writes every BigInt below 2^63 as int64 (0xd3)"
  },
  %{
    name: "bigint -1",
    hex: "d3ffffffffffffffff",
    term: -1,
    exact: false,
    differs: "msgpackr writes every BigInt below 2^63 as int64 (0xd3)"
  },
  %{
    name: "bigint 2^32",
    hex: "d30000000100000000",
    term: 4294967296,
    exact: false,
    differs: "msgpackr writes every BigInt below 2^63 as int64 (0xd3)"
  },
  %{
    name: "bigint 2^63 - 1",
    hex: "d37fffffffffffffff",
    term: 9223372036854775807,
    exact: false,
    differs: "msgpackr writes every BigInt below 2^63 as int64 (0xd3)"
  },
  %{
    name: "bigint 2^63 (uint64)",
    hex: "cf8000000000000000",
    term: 9223372036854775808,
    exact: true
  },
  %{
    name: "bigint 2^64 - 1 (uint64 max)",
    hex: "cfffffffffffffffff",
    term: 18446744073709551615,
    exact: true
  },
  %{
    name: "bigint -2^31 - 1 (int64)",
    hex: "d3ffffffff7fffffff",
    term: -2147483649,
    exact: true
  },
  %{
    name: "bigint -2^53 (int64)",
    hex: "d3ffe0000000000000",
    term: -9007199254740992,
    exact: true
  },
  %{
    name: "bigint -2^63 (int64 min)",
    hex: "d38000000000000000",
    term: -9223372036854775808,
    exact: true
  },
  %{
    name: "float 0.5",
    hex: "cb3fe0000000000000",
    term: 0.5,
    exact: true
  },
  %{
    name: "float -1.25",
    hex: "cbbff4000000000000",
    term: -1.25,
    exact: true
  },
  %{
    name: "float 0.1",
    hex: "cb3fb999999999999a",
    term: 0.1,
    exact: true
  },
  %{
    name: "float 1e300",
    hex: "cb7e37e43c8800759c",
    term: 1.0e300,
    exact: true
  },
  %{
    name: "float -1e-320 (subnormal)",
    hex: "cb80000000000007e8",
    term: -1.0e-320,
    exact: true
  },
  %{
    name: "float 5e-324 (smallest subnormal)",
    hex: "cb0000000000000001",
    term: 5.0e-324,
    exact: true
  },
  %{
    name: "float max",
    hex: "cb7fefffffffffffff",
    term: 1.7976931348623157e308,
    exact: true
  },
  %{
    name: "float 2^32 + 0.5",
    hex: "cb41f0000000080000",
    term: 4294967296.5,
    exact: true
  },
  %{
    name: "NaN",
    hex: "cb7ff8000000000000",
    term: :nan,
    exact: false,
    differs: "decodes to an atom, which the Elixir encoder writes as str"
  },
  %{
    name: "Infinity",
    hex: "cb7ff0000000000000",
    term: :infinity,
    exact: false,
    differs: "decodes to an atom, which the Elixir encoder writes as str"
  },
  %{
    name: "-Infinity",
    hex: "cbfff0000000000000",
    term: :neg_infinity,
    exact: false,
    differs: "decodes to an atom, which the Elixir encoder writes as str"
  },
  %{
    name: "fixstr empty",
    hex: "a0",
    term: "",
    exact: true
  },
  %{
    name: "fixstr 1",
    hex: "a161",
    term: "a",
    exact: true
  },
  %{
    name: "fixstr 31 (max)",
    hex: "bf61616161616161616161616161616161616161616161616161616161616161",
    term: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
    exact: true
  },
  %{
    name: "str8 32 (min)",
    hex: "d9206262626262626262626262626262626262626262626262626262626262626262",
    term: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
    exact: true
  },
  %{
    name: "str8 255 (max)",
    hex: "d9ff" <> String.duplicate("63", 255),
    term: String.duplicate("c", 255),
    exact: true
  },
  %{
    name: "str16 256 (min)",
    hex: "da0100" <> String.duplicate("64", 256),
    term: String.duplicate("d", 256),
    exact: true
  },
  %{
    name: "str16 65535 (max)",
    hex: "daffff" <> String.duplicate("65", 65535),
    term: String.duplicate("e", 65535),
    exact: true
  },
  %{
    name: "str32 65536 (min)",
    hex: "db00010000" <> String.duplicate("66", 65536),
    term: String.duplicate("f", 65536),
    exact: true
  },
  %{
    name: "str with quote, backslash, hash",
    hex: "be7361792022686922205c20237b6e6f745f696e746572706f6c617465647d",
    term: "say \"hi\" \\ \#{not_interpolated}",
    exact: true
  },
  %{
    name: "str with control characters",
    hex: "b76e756c002074616209206e65776c696e650a2064656c7f",
    term: <<0x6E, 0x75, 0x6C, 0x00, 0x20, 0x74, 0x61, 0x62, 0x09, 0x20, 0x6E, 0x65, 0x77, 0x6C, 0x69, 0x6E, 0x65, 0x0A, 0x20, 0x64, 0x65, 0x6C, 0x7F>>,
    exact: true
  },
  %{
    name: "str latin-1 supplement",
    hex: "ad68c3a96c6c6f2077c3b6726c64",
    term: "h\u{E9}llo w\u{F6}rld",
    exact: true
  },
  %{
    name: "str CJK",
    hex: "b8e697a5e69cace8aa9ee381aee38386e382ade382b9e38388",
    term: "\u{65E5}\u{672C}\u{8A9E}\u{306E}\u{30C6}\u{30AD}\u{30B9}\u{30C8}",
    exact: true
  },
  %{
    name: "str emoji (4-byte UTF-8)",
    hex: "a8f09f9880f09f9a80",
    term: "\u{1F600}\u{1F680}",
    exact: true
  },
  %{
    name: "str 16 two-byte chars is str8",
    hex: "d920c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9c3a9",
    term: "\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}\u{E9}",
    exact: true
  },
  %{
    name: "str 11 three-byte chars is str8",
    hex: "d921e282ace282ace282ace282ace282ace282ace282ace282ace282ace282ace282ac",
    term: "\u{20AC}\u{20AC}\u{20AC}\u{20AC}\u{20AC}\u{20AC}\u{20AC}\u{20AC}\u{20AC}\u{20AC}\u{20AC}",
    exact: true
  },
  %{
    name: "str 100 three-byte chars is str16",
    hex: "da012c" <> String.duplicate("e697a5", 100),
    term: String.duplicate("\u{65E5}", 100),
    exact: true
  },
  %{
    name: "str long mixed unicode",
    hex: "d9a8c39c6ec3af63c3b664c3a920e29c9320f09f9a8020c39c6ec3af63c3b664c3a920e29c9320f09f9a8020c39c6ec3af63c3b664c3a920e29c9320f09f9a8020c39c6ec3af63c3b664c3a920e29c9320f09f9a8020c39c6ec3af63c3b664c3a920e29c9320f09f9a8020c39c6ec3af63c3b664c3a920e29c9320f09f9a8020c39c6ec3af63c3b664c3a920e29c9320f09f9a8020c39c6ec3af63c3b664c3a920e29c9320f09f9a8020",
    term: "\u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} \u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} \u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} \u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} \u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} \u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} \u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} \u{DC}n\u{EF}c\u{F6}d\u{E9} \u{2713} \u{1F680} ",
    exact: true
  },
  %{
    name: "str short lone surrogate is WTF-8",
    hex: "a561eda08062",
    term: <<0x61, 0xED, 0xA0, 0x80, 0x62>>,
    exact: false,
    differs: "lone surrogate bytes are not UTF-8, so Elixir writes bin"
  },
  %{
    name: "str long lone surrogate becomes U+FFFD",
    hex: "d949efbfbd" <> String.duplicate("78", 70),
    term: "\u{FFFD}" <> String.duplicate("x", 70),
    exact: true
  },
  %{
    name: "bin8 empty",
    hex: "c400",
    term: "",
    encode: {:bin, ""},
    exact: true
  },
  %{
    name: "bin8 3 bytes",
    hex: "c403010203",
    term: <<0x01, 0x02, 0x03>>,
    encode: {:bin, <<0x01, 0x02, 0x03>>},
    exact: true
  },
  %{
    name: "bin8 invalid UTF-8",
    hex: "c404fffe0080",
    term: <<0xFF, 0xFE, 0x00, 0x80>>,
    exact: true
  },
  %{
    name: "bin8 255 (max)",
    hex: "c4ff000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfe",
    term: <<0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE>>,
    encode: {:bin, <<0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE>>},
    exact: true
  },
  %{
    name: "bin16 256 (min)",
    hex: "c50100000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f404142434445464748494a4b4c4d4e4f505152535455565758595a5b5c5d5e5f606162636465666768696a6b6c6d6e6f707172737475767778797a7b7c7d7e7f808182838485868788898a8b8c8d8e8f909192939495969798999a9b9c9d9e9fa0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebfc0c1c2c3c4c5c6c7c8c9cacbcccdcecfd0d1d2d3d4d5d6d7d8d9dadbdcdddedfe0e1e2e3e4e5e6e7e8e9eaebecedeeeff0f1f2f3f4f5f6f7f8f9fafbfcfdfeff",
    term: <<0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF>>,
    encode: {:bin, <<0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x0E, 0x0F, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1A, 0x1B, 0x1C, 0x1D, 0x1E, 0x1F, 0x20, 0x21, 0x22, 0x23, 0x24, 0x25, 0x26, 0x27, 0x28, 0x29, 0x2A, 0x2B, 0x2C, 0x2D, 0x2E, 0x2F, 0x30, 0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3A, 0x3B, 0x3C, 0x3D, 0x3E, 0x3F, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4A, 0x4B, 0x4C, 0x4D, 0x4E, 0x4F, 0x50, 0x51, 0x52, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59, 0x5A, 0x5B, 0x5C, 0x5D, 0x5E, 0x5F, 0x60, 0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6A, 0x6B, 0x6C, 0x6D, 0x6E, 0x6F, 0x70, 0x71, 0x72, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7A, 0x7B, 0x7C, 0x7D, 0x7E, 0x7F, 0x80, 0x81, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89, 0x8A, 0x8B, 0x8C, 0x8D, 0x8E, 0x8F, 0x90, 0x91, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9A, 0x9B, 0x9C, 0x9D, 0x9E, 0x9F, 0xA0, 0xA1, 0xA2, 0xA3, 0xA4, 0xA5, 0xA6, 0xA7, 0xA8, 0xA9, 0xAA, 0xAB, 0xAC, 0xAD, 0xAE, 0xAF, 0xB0, 0xB1, 0xB2, 0xB3, 0xB4, 0xB5, 0xB6, 0xB7, 0xB8, 0xB9, 0xBA, 0xBB, 0xBC, 0xBD, 0xBE, 0xBF, 0xC0, 0xC1, 0xC2, 0xC3, 0xC4, 0xC5, 0xC6, 0xC7, 0xC8, 0xC9, 0xCA, 0xCB, 0xCC, 0xCD, 0xCE, 0xCF, 0xD0, 0xD1, 0xD2, 0xD3, 0xD4, 0xD5, 0xD6, 0xD7, 0xD8, 0xD9, 0xDA, 0xDB, 0xDC, 0xDD, 0xDE, 0xDF, 0xE0, 0xE1, 0xE2, 0xE3, 0xE4, 0xE5, 0xE6, 0xE7, 0xE8, 0xE9, 0xEA, 0xEB, 0xEC, 0xED, 0xEE, 0xEF, 0xF0, 0xF1, 0xF2, 0xF3, 0xF4, 0xF5, 0xF6, 0xF7, 0xF8, 0xF9, 0xFA, 0xFB, 0xFC, 0xFD, 0xFE, 0xFF>>},
    exact: true
  },
  %{
    name: "bin16 65535 (max)",
    hex: "c5ffff" <> String.duplicate("ab", 65535),
    term: String.duplicate(<<0xAB>>, 65535),
    encode: {:bin, String.duplicate(<<0xAB>>, 65535)},
    exact: true
  },
  %{
    name: "bin32 65536 (min)",
    hex: "c600010000" <> String.duplicate("cd", 65536),
    term: String.duplicate(<<0xCD>>, 65536),
    encode: {:bin, String.duplicate(<<0xCD>>, 65536)},
    exact: true
  },
  %{
    name: "Buffer of UTF-8 text",
    hex: "c40474657874",
    term: "text",
    encode: {:bin, "text"},
    exact: true
  },
  %{
    name: "Buffer of UTF-8 text, plain binary",
    hex: "c40474657874",
    term: "text",
    exact: false,
    differs: "bin decodes to a binary, which Elixir writes as str when it is valid UTF-8"
  },
  %{
    name: "Uint8Array view with an offset",
    hex: "c4020807",
    term: <<0x08, 0x07>>,
    encode: {:bin, <<0x08, 0x07>>},
    exact: true
  },
  %{
    name: "fixarray empty",
    hex: "90",
    term: [],
    exact: true
  },
  %{
    name: "fixarray 3",
    hex: "93010203",
    term: [1, 2, 3],
    exact: true
  },
  %{
    name: "fixarray 15 (max)",
    hex: "9f000102030405060708090a0b0c0d0e",
    term: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14],
    exact: true
  },
  %{
    name: "array16 16 (min)",
    hex: "dc0010000102030405060708090a0b0c0d0e0f",
    term: [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15],
    exact: true
  },
  %{
    name: "array16 65535 (max)",
    hex: "dcffff" <> String.duplicate("00", 65535),
    term: List.duplicate(0, 65535),
    exact: true
  },
  %{
    name: "array32 65536 (min)",
    hex: "dd00010000" <> String.duplicate("c0", 65536),
    term: List.duplicate(nil, 65536),
    exact: true
  },
  %{
    name: "array nested",
    hex: "92919092910192029103",
    term: [[[]], [[1], [2, [3]]]],
    exact: true
  },
  %{
    name: "array mixed",
    hex: "9801a161c0c3cb3fe0000000000000910281a16ba176d1ff38",
    term: [1, "a", nil, true, 0.5, [2], %{"k" => "v"}, -200],
    exact: true
  },
  %{
    name: "Set is array",
    hex: "9301a374776f03",
    term: [1, "two", 3],
    exact: true
  },
  %{
    name: "fixmap empty",
    hex: "80",
    term: %{},
    exact: true
  },
  %{
    name: "fixmap 1",
    hex: "81a16101",
    term: %{"a" => 1},
    exact: true
  },
  %{
    name: "fixmap 15 (max)",
    hex: "8fa36b303000a36b303101a36b303202a36b303303a36b303404a36b303505a36b303606a36b303707a36b303808a36b303909a36b31300aa36b31310ba36b31320ca36b31330da36b31340e",
    term: %{"k00" => 0, "k01" => 1, "k02" => 2, "k03" => 3, "k04" => 4, "k05" => 5, "k06" => 6, "k07" => 7, "k08" => 8, "k09" => 9, "k10" => 10, "k11" => 11, "k12" => 12, "k13" => 13, "k14" => 14},
    exact: true
  },
  %{
    name: "map16 16 (min)",
    hex: "de0010a36b303000a36b303101a36b303202a36b303303a36b303404a36b303505a36b303606a36b303707a36b303808a36b303909a36b31300aa36b31310ba36b31320ca36b31330da36b31340ea36b31350f",
    term: %{"k00" => 0, "k01" => 1, "k02" => 2, "k03" => 3, "k04" => 4, "k05" => 5, "k06" => 6, "k07" => 7, "k08" => 8, "k09" => 9, "k10" => 10, "k11" => 11, "k12" => 12, "k13" => 13, "k14" => 14, "k15" => 15},
    exact: true
  },
  %{
    name: "map16 32 keys",
    hex: "de0020a36b303000a36b303101a36b303202a36b303303a36b303404a36b303505a36b303606a36b303707a36b303808a36b303909a36b31300aa36b31310ba36b31320ca36b31330da36b31340ea36b31350fa36b313610a36b313711a36b313812a36b313913a36b323014a36b323115a36b323216a36b323317a36b323418a36b323519a36b32361aa36b32371ba36b32381ca36b32391da36b33301ea36b33311f",
    term: %{"k00" => 0, "k01" => 1, "k02" => 2, "k03" => 3, "k04" => 4, "k05" => 5, "k06" => 6, "k07" => 7, "k08" => 8, "k09" => 9, "k10" => 10, "k11" => 11, "k12" => 12, "k13" => 13, "k14" => 14, "k15" => 15, "k16" => 16, "k17" => 17, "k18" => 18, "k19" => 19, "k20" => 20, "k21" => 21, "k22" => 22, "k23" => 23, "k24" => 24, "k25" => 25, "k26" => 26, "k27" => 27, "k28" => 28, "k29" => 29, "k30" => 30, "k31" => 31},
    exact: true
  },
  %{
    name: "map keys out of order",
    hex: "82a16201a16102",
    term: %{"b" => 1, "a" => 2},
    exact: false,
    differs: "msgpackr keeps JS property order; Elixir writes keys in term order"
  },
  %{
    name: "map integer-like keys",
    hex: "82a139a46e696e65a23130a374656e",
    term: %{"9" => "nine", "10" => "ten"},
    exact: false,
    differs: "msgpackr keeps JS property order; Elixir writes keys in term order"
  },
  %{
    name: "map unicode keys",
    hex: "83a17a01a2c3a902a3e697a503",
    term: %{"z" => 1, "\u{E9}" => 2, "\u{65E5}" => 3},
    exact: true
  },
  %{
    name: "Map with integer keys",
    hex: "83ffa96d696e7573206f6e6501a36f6e65cd012cad74687265652068756e64726564",
    term: %{-1 => "minus one", 1 => "one", 300 => "three hundred"},
    exact: true
  },
  %{
    name: "Map with nil and boolean keys",
    hex: "83c200c001c302",
    term: %{false => 0, nil => 1, true => 2},
    exact: true
  },
  %{
    name: "map nested",
    hex: "82a46c6973749181a16181a16281a16390a16ec0",
    term: %{"list" => [%{"a" => %{"b" => %{"c" => []}}}], "n" => nil},
    exact: true
  },
  %{
    name: "map harness-style request",
    hex: "83a2696407a26f70a9706172746974696f6ea46172677382a667726f7570739292a461406831a46240683191a463406832aa6475726174696f6e4d73cd05dc",
    term: %{"id" => 7, "op" => "partition", "args" => %{"groups" => [["a@h1", "b@h1"], ["c@h2"]], "durationMs" => 1500}},
    exact: false,
    differs: "msgpackr keeps JS property order; Elixir writes keys in term order"
  },
  %{
    name: "Date epoch is timestamp 32",
    hex: "d6ff00000000",
    term: {:ext, -1, <<0x00, 0x00, 0x00, 0x00>>},
    exact: false,
    differs: "ext decodes to {:ext, type, data}, which the Elixir encoder writes as an array"
  },
  %{
    name: "Date with milliseconds is timestamp 64",
    hex: "d7ff1d5353006553f100",
    term: {:ext, -1, <<0x1D, 0x53, 0x53, 0x00, 0x65, 0x53, 0xF1, 0x00>>},
    exact: false,
    differs: "ext decodes to {:ext, type, data}, which the Elixir encoder writes as an array"
  },
  %{
    name: "Date before 1970 is timestamp 96 (ext8)",
    hex: "c70cff00000000ffffffffffffffff",
    term: {:ext, -1, <<0x00, 0x00, 0x00, 0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF>>},
    exact: false,
    differs: "ext decodes to {:ext, type, data}, which the Elixir encoder writes as an array"
  },
  %{
    name: "Date after 2514 is timestamp 96 (ext8)",
    hex: "c70cff000000000000000400000000",
    term: {:ext, -1, <<0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x04, 0x00, 0x00, 0x00, 0x00>>},
    exact: false,
    differs: "ext decodes to {:ext, type, data}, which the Elixir encoder writes as an array"
  },
  %{
    name: "invalid Date (fixext 1, type -1)",
    hex: "d4ffff",
    term: {:ext, -1, <<0xFF>>},
    exact: false,
    differs: "ext decodes to {:ext, type, data}, which the Elixir encoder writes as an array"
  }
]
