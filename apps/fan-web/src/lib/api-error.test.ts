import { describe, expect, it } from 'vitest';
import { ApiError, NetworkError, errorText } from './api-error';

describe('errors in words for fans', () => {
  it('a server failure says so without its error code', () => {
    const text = errorText(new ApiError(500, 'INTERNAL_ERROR', 'Internal error'));
    expect(text).toBe('The server had a problem. Try again in a moment.');
    expect(text).not.toContain('INTERNAL_ERROR');
  });

  it('an unreachable server is said in words, not as "fetch failed"', () => {
    expect(errorText(new NetworkError(new TypeError('fetch failed')))).toBe('We could not reach the server. Check your connection and try again.');
  });
});
