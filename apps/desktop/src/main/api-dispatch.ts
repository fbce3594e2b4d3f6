// The single entry point both transports call: validates the method name and its argument with the
// shared zod schemas, runs it, and turns any failure into an ApiErrorShape (code + message + fields),
// never a stack trace.
import { isCoreError } from '@fanz/core';
import { StudioApiError, apiInputSchemas, type ApiErrorShape, type ApiMethod, type StudioApi } from '../shared/studio-api.js';

export function isApiMethod(m: unknown): m is ApiMethod {
  return typeof m === 'string' && Object.hasOwn(apiInputSchemas, m);
}

export function toErrorShape(err: unknown): ApiErrorShape {
  if (err instanceof StudioApiError) return { code: err.code, message: err.message, ...(err.details ? { details: err.details } : {}) };
  if (isCoreError(err)) return { code: err.code, message: err.message };
  // Unexpected: say what failed without internals (paths, SQL) leaking to the UI.
  return { code: 'INTERNAL', message: err instanceof Error ? err.message.split('\n')[0]!.slice(0, 300) : 'unexpected error' };
}

export async function dispatchApiCall(api: StudioApi, method: unknown, params: unknown): Promise<unknown> {
  if (!isApiMethod(method)) throw new StudioApiError('UNKNOWN_METHOD', `unknown method ${String(method).slice(0, 60)}`);
  const schema = apiInputSchemas[method];
  const parsed = schema.safeParse(params ?? undefined);
  if (!parsed.success) {
    const fields: Record<string, string> = {};
    for (const i of parsed.error.issues) fields[String(i.path[0] ?? 'form')] ??= i.message;
    throw new StudioApiError('VALIDATION_ERROR', parsed.error.issues.map((i) => `${i.path.join('.') || 'input'}: ${i.message}`).join('; '), { fields });
  }
  const fn = api[method] as (arg: unknown) => Promise<unknown>;
  return fn.call(api, parsed.data);
}
