// The single entry point both transports call: reads the request envelope, validates the method name and
// its argument with the shared zod schemas, runs it, and answers the response envelope, turning any failure
// into an ApiErrorShape (code + message + fields), never a stack trace.
import { isCoreError } from '@fanz/core';
import { StudioApiError, apiInputSchemas, type ApiErrorShape, type ApiMethod, type StudioApi } from '../shared/studio-api.js';
import { requestId, rpcRequestSchema, type RpcResponse } from '../shared/rpc-envelope.js';

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

/** One request envelope in, one response envelope out; never throws (both transports send what it answers). */
export async function answerRequest(api: StudioApi, raw: unknown): Promise<RpcResponse> {
  const req = rpcRequestSchema.safeParse(raw);
  if (!req.success) {
    return { id: requestId(raw), ok: false, error: { code: 'BAD_REQUEST', message: 'malformed request: expected {id, method, params}' } };
  }
  try {
    // undefined does not survive JSON; null does, the same on both transports.
    return { id: req.data.id, ok: true, result: (await dispatchApiCall(api, req.data.method, req.data.params)) ?? null };
  } catch (err) {
    return { id: req.data.id, ok: false, error: toErrorShape(err) };
  }
}
