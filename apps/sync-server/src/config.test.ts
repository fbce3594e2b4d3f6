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

  it('reads the abuse limits and switches, and refuses malformed ones', () => {
    const d = loadConfig({});
    expect(d).toMatchObject({ webhookAllowPrivate: false, trustProxy: false, metricsToken: undefined, authRateLimitMax: 120, passwordHashConcurrency: 2, refreshGraceMs: 10_000 });
    const c = loadConfig({ WEBHOOK_ALLOW_PRIVATE: '1', TRUST_PROXY: '10.0.0.0/8', METRICS_TOKEN: 'abc', AUTH_RATE_LIMIT_MAX: '0', LOGIN_IP_MAX_FAILURES: '7', SYNC_DOC_MAX_BYTES: '4096' });
    expect(c).toMatchObject({ webhookAllowPrivate: true, trustProxy: '10.0.0.0/8', metricsToken: 'abc', authRateLimitMax: 0, loginIpMaxFailures: 7, syncDocMaxBytes: 4096 });
    expect(loadConfig({ TRUST_PROXY: '10.0.0.1,10.0.0.2' }).trustProxy).toBe('10.0.0.1,10.0.0.2');
    // Fastify ignores a bare hop count (every client would look like the proxy): refused, saying why.
    expect(() => loadConfig({ TRUST_PROXY: '1' })).toThrow(/TRUST_PROXY must name the proxy/);
    expect(() => loadConfig({ WEBHOOK_ALLOW_PRIVATE: 'yes' })).toThrow(/WEBHOOK_ALLOW_PRIVATE must be 1\/true or 0\/false/);
    expect(() => loadConfig({ PASSWORD_HASH_QUEUE: '-3' })).toThrow(/PASSWORD_HASH_QUEUE/);
    expect(() => loadConfig({ RENEWAL_POLL_MS: 'soon' })).toThrow(/RENEWAL_POLL_MS/);
  });

  it('reads the API key limits (1000 per key and 5000 per creator an hour by default; 0 turns one off)', () => {
    expect(loadConfig({})).toMatchObject({ apiKeyRateLimitPerHour: 1000, apiKeyUserRateLimitPerHour: 5000 });
    expect(loadConfig({ API_KEY_RATE_LIMIT_PER_HOUR: '50', API_KEY_USER_RATE_LIMIT_PER_HOUR: '0' })).toMatchObject({ apiKeyRateLimitPerHour: 50, apiKeyUserRateLimitPerHour: 0 });
    expect(() => loadConfig({ API_KEY_RATE_LIMIT_PER_HOUR: 'lots' })).toThrow(/API_KEY_RATE_LIMIT_PER_HOUR/);
    expect(() => loadConfig({ API_KEY_USER_RATE_LIMIT_PER_HOUR: '-1' })).toThrow(/API_KEY_USER_RATE_LIMIT_PER_HOUR/);
  });

  it('reads REDIS_URL only together with DATABASE_URL (PGlite is one process), and refuses malformed values', () => {
    expect(loadConfig({}).redisUrl).toBeUndefined();
    const c = loadConfig({ DATABASE_URL: 'postgres://db/fanz', REDIS_URL: 'redis://cache:6379/2' });
    expect(c).toMatchObject({ redisUrl: 'redis://cache:6379/2', redisKeyPrefix: 'fanz:' });
    expect(loadConfig({ DATABASE_URL: 'postgres://db/fanz', REDIS_URL: 'rediss://c', REDIS_KEY_PREFIX: 'eu1:' }).redisKeyPrefix).toBe('eu1:');
    expect(() => loadConfig({ REDIS_URL: 'redis://cache:6379' })).toThrow(/REDIS_URL is set but DATABASE_URL is not/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/fanz', REDIS_URL: 'http://cache' })).toThrow(/REDIS_URL must be a redis:\/\//);
    // The password of a malformed URL is not echoed.
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/fanz', REDIS_URL: 'memcache://u:s3cret@cache' })).toThrow(/u:\*\*\*@/);
    expect(() => loadConfig({ DATABASE_URL: 'postgres://db/fanz', REDIS_URL: 'redis://c', REDIS_KEY_PREFIX: 'has space' })).toThrow(/REDIS_KEY_PREFIX/);
  });
});
