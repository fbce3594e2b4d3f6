// Builds the OpenAPI 3.0 document from the route table's zod schemas (zod 4's z.toJSONSchema), wrapping
// each response schema in the success envelope and listing the error envelope for failures; the routes
// registered off the table are added from openapi-raw-routes.ts.
import { z } from 'zod';
import { API_KEY_SCOPES, routeKeyScope } from '../api-keys/scopes.js';
import { RAW_ROUTE_PATHS } from './openapi-raw-routes.js';
import type { RouteSpec } from './routes.js';

const errorEnvelope = {
  type: 'object',
  required: ['success', 'error', 'meta'],
  properties: {
    success: { type: 'boolean', enum: [false] },
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: { code: { type: 'string' }, message: { type: 'string' }, details: {} },
    },
    meta: {
      type: 'object',
      properties: { timestamp: { type: 'string', format: 'date-time' }, requestId: { type: 'string' } },
    },
  },
};

function schema(s: z.ZodType, io: 'input' | 'output') {
  const json = z.toJSONSchema(s, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as Record<string, unknown>;
  delete json.$schema;
  return json;
}

export function buildOpenApi(specs: RouteSpec[], version: string): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const spec of specs) {
    const path = spec.url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
    const op: Record<string, unknown> = {
      summary: spec.summary,
      tags: [spec.tag],
      responses: {
        [String(spec.status ?? 200)]: {
          description: 'Success',
          content: {
            'application/json': {
              schema: {
                type: 'object',
                required: ['success', 'data'],
                properties: { success: { type: 'boolean', enum: [true] }, data: schema(spec.response, 'output') },
              },
            },
          },
        },
        default: { description: 'Error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } },
      },
    };
    // x-fanz-scope: the scope an API key needs here, or "none" when keys are refused (issue 17).
    const keyScope = routeKeyScope(spec);
    op['x-fanz-scope'] = keyScope;
    if (spec.access !== 'public') op.security = keyScope === 'none' ? [{ bearer: [] }] : [{ bearer: [] }, { apiKey: [] }];
    else if (keyScope !== 'none') op.security = [{}, { apiKey: [] }];
    if (spec.body) op.requestBody = { required: true, content: { 'application/json': { schema: schema(spec.body, 'input') } } };
    // Path parameters (`:id` in the route) are strings checked by the handler; declared so clients can type them.
    const parameters: Record<string, unknown>[] = [...spec.url.matchAll(/:([A-Za-z0-9_]+)/g)].map((m) => ({
      name: m[1],
      in: 'path',
      required: true,
      schema: { type: 'string' },
    }));
    if (spec.query) {
      const q = schema(spec.query, 'input') as { properties?: Record<string, unknown>; required?: string[] };
      parameters.push(
        ...Object.entries(q.properties ?? {}).map(([name, s]) => ({
          name,
          in: 'query',
          required: q.required?.includes(name) ?? false,
          schema: s,
        })),
      );
    }
    if (parameters.length) op.parameters = parameters;
    (paths[path] ??= {})[spec.method.toLowerCase()] = op;
  }
  // The routes off the table (bytes, tus, this document): described by hand, success not in the envelope.
  for (const [path, ops] of Object.entries(RAW_ROUTE_PATHS)) Object.assign((paths[path] ??= {}), ops);
  return {
    openapi: '3.0.3',
    info: { title: 'FANZ Studio sync server', version },
    servers: [{ url: '/' }],
    components: {
      securitySchemes: {
        bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        apiKey: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'fanz_sk_...',
          description: `A creator's API key. Each operation's x-fanz-scope names the scope the key needs (one of ${API_KEY_SCOPES.join(', ')}), or "none" when keys are refused. Limited per key per hour; answers carry RateLimit-Limit, RateLimit-Remaining and RateLimit-Reset, refusals 429 with Retry-After.`,
        },
      },
      schemas: { Error: errorEnvelope },
    },
    paths,
  };
}
