// The checked-in OpenAPI document and types must be what the server serves now; after changing routes run
// `npm run generate -w @fanz/sdk` and commit src/generated/.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { openApiText, serverOpenApi, typesFor } from '../scripts/openapi-source.js';

const checkedIn = (name: string) => readFileSync(new URL(`../src/generated/${name}`, import.meta.url), 'utf8');

describe('generated SDK schema', () => {
  it("src/generated/openapi.json is the server's /api/v1/openapi.json", async () => {
    const served = openApiText(await serverOpenApi());
    expect(checkedIn('openapi.json'), 'run `npm run generate -w @fanz/sdk` and commit src/generated/').toBe(served);
  });

  it('src/generated/schema.d.ts is what openapi-typescript makes of it', async () => {
    expect(checkedIn('schema.d.ts')).toBe(await typesFor(JSON.parse(checkedIn('openapi.json'))));
  });
});
