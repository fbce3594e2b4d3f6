import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.js';

describe('loadConfig', () => {
  it('uses the documented defaults', () => {
    const c = loadConfig({ INIT_CWD: '/srv/fanz' });
    expect(c.port).toBe(4000);
    expect(c.dataDir).toBe('/srv/fanz/data');
    expect(c.databaseUrl).toBeUndefined();
    expect(c.corsOrigins).toBe(true);
    expect(c.loginMaxAttempts).toBe(5);
    expect(c.loginWindowMs).toBe(15 * 60 * 1000);
  });

  it('reads PORT, FANZ_DATA_DIR (relative to where npm ran), DATABASE_URL and CORS_ORIGINS', () => {
    const c = loadConfig({
      PORT: '8080',
      INIT_CWD: '/repo',
      FANZ_DATA_DIR: 'state',
      DATABASE_URL: 'postgres://db/fanz',
      CORS_ORIGINS: 'https://a.example, https://b.example',
    });
    expect(c).toMatchObject({ port: 8080, dataDir: '/repo/state', databaseUrl: 'postgres://db/fanz' });
    expect(c.corsOrigins).toEqual(['https://a.example', 'https://b.example']);
    expect(loadConfig({ FANZ_DATA_DIR: '/abs/dir' }).dataDir).toBe('/abs/dir');
  });

  it('rejects malformed numbers instead of guessing', () => {
    expect(() => loadConfig({ PORT: 'eighty' })).toThrow(/PORT must be a non-negative integer/);
    expect(() => loadConfig({ SYNC_MAX_MESSAGE_BYTES: '-1' })).toThrow(/SYNC_MAX_MESSAGE_BYTES/);
  });
});
