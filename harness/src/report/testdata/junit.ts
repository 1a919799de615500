/** Parses junit.xml with a real XML parser, for the tests. */
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { expect } from "vitest";

export interface JunitCase { "@_name": string; "@_classname": string; "@_time": string; failure?: { "@_message": string; "#text": string }; error?: { "@_message": string }; skipped?: { "@_message": string }; "system-out"?: string }

/** Parses junit.xml with a real XML parser (after checking it is well-formed). */
export function parseJunit(xml: string) {
  expect(XMLValidator.validate(xml)).toBe(true);
  const doc = new XMLParser({ ignoreAttributes: false, isArray: (name) => name === "testcase" || name === "property" }).parse(xml);
  const suite = doc.testsuites.testsuite;
  return { suites: doc.testsuites, suite, cases: (suite.testcase ?? []) as JunitCase[] };
}

