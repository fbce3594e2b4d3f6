// Builds the renderer once (if its sources changed) so every studio host the tests start serves the same
// fresh bundle instead of each building its own.
import { ensureRendererBuilt } from '../src/host/renderer-build.js';

export default async function globalSetup(): Promise<void> {
  await ensureRendererBuilt(undefined, (l) => console.log(l));
}
