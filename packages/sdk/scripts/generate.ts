// Writes src/generated/openapi.json and src/generated/schema.d.ts from the server's OpenAPI document.
import { writeFileSync } from 'node:fs';
import { openApiText, serverOpenApi, typesFor } from './openapi-source.js';

const doc = await serverOpenApi();
const out = new URL('../src/generated/', import.meta.url);
writeFileSync(new URL('openapi.json', out), openApiText(doc));
writeFileSync(new URL('schema.d.ts', out), await typesFor(doc));
console.log(`wrote ${Object.keys(doc.paths as object).length} paths to src/generated/`);
