// The response envelope from DESIGN.md, in one place: `{success:true,data}` for success and
// `{success:false,error:{code,message,details},meta:{timestamp,requestId}}` for every failure, including
// Fastify's own (bad JSON, body too large, unknown route). 500s never carry internals.
import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { isCoreError } from '@fanz/core';
import { ApiError, type ErrorCode } from '../errors.js';

export function ok<T>(data: T): { success: true; data: T } {
  return { success: true, data };
}

function sendError(req: FastifyRequest, reply: FastifyReply, status: number, code: ErrorCode, message: string, details?: unknown) {
  return reply.status(status).send({
    success: false,
    error: { code, message, details: details ?? null },
    meta: { timestamp: new Date().toISOString(), requestId: req.id },
  });
}

/** Maps Fastify's built-in errors to our codes; anything unknown is a 500. */
function fromFastifyError(err: FastifyError): ApiError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new ApiError('INVALID_JSON', 'The request body is not valid JSON.', { reason: err.message });
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new ApiError('UNSUPPORTED_MEDIA_TYPE', 'Send the body as application/json.');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new ApiError('VALIDATION_ERROR', 'The Content-Length header does not match the body.');
  }
  // Errors from the JSON parser without a Fastify code (e.g. prototype-poisoning guard) still say 400.
  if (err.statusCode === 400) return new ApiError('VALIDATION_ERROR', err.message);
  if (err.statusCode === 413) return new ApiError('PAYLOAD_TOO_LARGE', 'The request body is too large.');
  return null;
}

export function installEnvelope(app: FastifyInstance): void {
  app.setErrorHandler((err: FastifyError, req, reply) => {
    const apiError =
      err instanceof ApiError
        ? err
        : isCoreError(err)
          ? new ApiError('VALIDATION_ERROR', err.message, { code: err.code, ...err.details })
          : fromFastifyError(err);
    if (apiError) {
      if (apiError.headers) reply.headers(apiError.headers);
      if (apiError.status >= 500) req.log.error({ err }, 'request failed');
      return sendError(req, reply, apiError.status, apiError.code, apiError.message, apiError.details);
    }
    req.log.error({ err }, 'unhandled error');
    return sendError(req, reply, 500, 'INTERNAL_ERROR', 'Something went wrong on our side.');
  });
  app.setNotFoundHandler((req, reply) =>
    sendError(req, reply, 404, 'NOT_FOUND', `No route ${req.method} ${req.url.split('?')[0]}.`),
  );
}
