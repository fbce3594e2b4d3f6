import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: { name: 'fan-web', include: ['src/**/*.test.ts'] },
});
