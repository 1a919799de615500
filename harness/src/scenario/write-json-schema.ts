/**
 * `npm run schema`: writes harness/schema/scenario.schema.json from the TypeBox schema, and the
 * generated scenario reference into README.md (between its markers).
 */
import { readFile, mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderScenarioJsonSchema } from "./json-schema.js";
import { withReference } from "./reference.js";

const here = dirname(fileURLToPath(import.meta.url));
/** Where the committed editor schema lives. */
export const SCHEMA_FILE = resolve(here, "../../schema/scenario.schema.json");
export const README_FILE = resolve(here, "../../../README.md");

await mkdir(dirname(SCHEMA_FILE), { recursive: true });
await writeFile(SCHEMA_FILE, renderScenarioJsonSchema());
await writeFile(README_FILE, withReference(await readFile(README_FILE, "utf8")));
process.stdout.write(`wrote ${SCHEMA_FILE} and the reference in ${README_FILE}\n`);
