/** `npm run schema`: writes harness/schema/scenario.schema.json from the TypeBox schema. */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { renderScenarioJsonSchema } from "./json-schema.js";

/** Where the committed editor schema lives. */
export const SCHEMA_FILE = resolve(dirname(fileURLToPath(import.meta.url)), "../../schema/scenario.schema.json");

await mkdir(dirname(SCHEMA_FILE), { recursive: true });
await writeFile(SCHEMA_FILE, renderScenarioJsonSchema());
process.stdout.write(`wrote ${SCHEMA_FILE}\n`);
