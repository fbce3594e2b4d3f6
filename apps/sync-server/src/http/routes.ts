// Declares API routes once: zod schemas for body/query/response, who may call it, and the handler.
// The same declarations register the Fastify route (validating with zod, answering in the envelope) and
// feed the OpenAPI document, so the document cannot drift from what the server accepts.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { z } from 'zod';
import type { KeyCaller } from '../api-keys/api-key-service.js';
import { API_KEY_PREFIX, routeKeyScope, type RouteKeyScope } from '../api-keys/scopes.js';
import type { AuthService, AuthUser } from '../auth/auth-service.js';
import { ApiError } from '../errors.js';
import { ok } from './envelope.js';

export type Access = 'public' | 'user' | 'creator' | 'fan';

/** A handler result sent as-is with its content type instead of the JSON envelope (e.g. a CSV export). */
export class RawReply {
  constructor(
    readonly contentType: string,
    readonly body: string,
    readonly headers: Record<string, string> = {},
  ) {}
}

/** A route's `:id` URL parameter: its pattern, and what it names in the refusal ("The payment id in the URL ..."). */
export interface IdParam {
  pattern: RegExp;
  noun: string;
}

/** The `:id` of a request checked against `param`; 400 VALIDATION_ERROR `{param: 'id'}` when it does not fit. */
export function idFromUrl(req: FastifyRequest, param: IdParam): string {
  const id = (req.params as { id?: unknown } | undefined)?.id;
  if (typeof id !== 'string' || !param.pattern.test(id)) throw new ApiError('VALIDATION_ERROR', `The ${param.noun} in the URL is not valid.`, { param: 'id' });
  return id;
}

export interface RouteSpec<B extends z.ZodType = z.ZodType, Q extends z.ZodType = z.ZodType> {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  url: string;
  summary: string;
  tag: string;
  access: Access;
  /** The scope an API key needs here, or 'none' when keys are refused; unset: api-keys/scopes.ts decides. */
  apiKey?: RouteKeyScope;
  body?: B;
  query?: Q;
  /** Checked after body and query; the handler gets it as `id`. */
  idParam?: IdParam;
  response: z.ZodType;
  status?: number;
  handler: (ctx: {
    body: z.infer<B>;
    query: z.infer<Q>;
    /** The checked `:id` of a route with `idParam` ('' otherwise). */
    id: string;
    user: Access extends 'public' ? AuthUser | null : AuthUser;
    req: FastifyRequest;
    reply: FastifyReply;
  }) => Promise<unknown>;
}

export function validationError(error: z.ZodError, where: 'body' | 'query'): ApiError {
  return new ApiError(
    'VALIDATION_ERROR',
    `The request ${where} is not valid: ${error.issues.map((i) => `${i.path.join('.') || where}: ${i.message}`).join('; ')}`,
    { issues: error.issues.map((i) => ({ path: i.path.map(String), code: i.code, message: i.message })) },
  );
}

export function bearerToken(req: FastifyRequest): string | undefined {
  const h = req.headers.authorization;
  if (!h) return undefined;
  const m = /^Bearer\s+(\S+)$/i.exec(h);
  if (!m) throw new ApiError('UNAUTHENTICATED', 'Use "Authorization: Bearer <access token>".');
  return m[1];
}

/** How the table checks `Bearer fanz_sk_...` (api-keys/api-key-feature.ts installs it). */
export interface ApiKeyGate {
  authenticate(secret: string): Promise<KeyCaller>;
  /** Counts the request against the key's limits; throws 429 past them. */
  countRequest(req: FastifyRequest, reply: FastifyReply, caller: KeyCaller): Promise<void>;
}

export class RouteTable {
  readonly specs: RouteSpec[] = [];
  private apiKeys: ApiKeyGate | null = null;
  useApiKeys(gate: ApiKeyGate): void {
    this.apiKeys = gate;
  }
  constructor(
    private readonly app: FastifyInstance,
    private readonly auth: AuthService,
  ) {}

  add<B extends z.ZodType, Q extends z.ZodType>(spec: RouteSpec<B, Q>): void {
    this.specs.push(spec as unknown as RouteSpec);
    this.app.route({
      method: spec.method,
      url: spec.url,
      handler: async (req, reply) => {
        let user: AuthUser | null = null;
        if (req.headers.authorization?.slice(7).trimStart().startsWith(API_KEY_PREFIX)) {
          const token = bearerToken(req)!;
          if (!this.apiKeys) throw new ApiError('UNAUTHENTICATED', 'API keys are not accepted by this server.');
          const caller = await this.apiKeys.authenticate(token);
          await this.apiKeys.countRequest(req, reply, caller);
          const scope = routeKeyScope(spec);
          if (scope === 'none') throw new ApiError('FORBIDDEN', `API keys cannot call ${spec.method} ${spec.url}; sign in to the studio for it.`, { apiKeyScope: 'none' });
          if (!caller.scopes.includes(scope)) throw new ApiError('FORBIDDEN', `This API key lacks the scope ${scope} that ${spec.method} ${spec.url} needs.`, { requiredScope: scope });
          // Public routes answer a key's request as they answer anyone (no caller), after the checks above.
          if (spec.access !== 'public') user = caller.user;
        } else if (spec.access !== 'public') {
          user = await this.auth.authenticate(bearerToken(req));
        }
        if (user && spec.access !== 'public') {
          if (spec.access !== 'user' && user.role !== spec.access) {
            throw new ApiError('FORBIDDEN', `Only ${spec.access}s may call ${spec.method} ${spec.url}.`);
          }
        }
        let body: unknown = undefined;
        if (spec.body) {
          const r = spec.body.safeParse(req.body ?? {});
          if (!r.success) throw validationError(r.error, 'body');
          body = r.data;
        }
        let query: unknown = undefined;
        if (spec.query) {
          const r = spec.query.safeParse(req.query ?? {});
          if (!r.success) throw validationError(r.error, 'query');
          query = r.data;
        }
        const id = spec.idParam ? idFromUrl(req, spec.idParam) : '';
        const data = await spec.handler({ body, query, id, user: user as AuthUser, req, reply } as never);
        reply.status(spec.status ?? 200);
        if (data instanceof RawReply) return reply.headers(data.headers).type(data.contentType).send(data.body);
        return ok(data);
      },
    });
  }
}
