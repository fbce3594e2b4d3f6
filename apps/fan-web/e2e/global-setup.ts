// Builds the fan web app and the studio renderer once (each only when its sources changed), so every
// server and studio host the tests start serves the same fresh bundles.
import { ensureRendererBuilt } from '../../desktop/src/host/renderer-build.js';
// @ts-expect-error -- a plain .mjs build script without type declarations
import { ensureFanWebBuilt } from '../scripts/ensure-built.mjs';

export default async function globalSetup(): Promise<void> {
  await (ensureFanWebBuilt as (dir?: string, log?: (l: string) => void) => Promise<unknown>)(undefined, (l) => console.log(l));
  await ensureRendererBuilt(undefined, (l) => console.log(l));
}
