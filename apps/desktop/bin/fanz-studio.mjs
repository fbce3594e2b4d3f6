#!/usr/bin/env node
// The `fanz-studio` command: runs the TypeScript CLI through tsx's ESM loader (no build step needed).
import { register } from 'tsx/esm/api';

register();
process.env.FANZ_STUDIO_CLI_MAIN = '1';
await import('../src/cli/main.ts');
