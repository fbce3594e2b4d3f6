// The FANZ client: openapi-fetch over the paths generated from the server's OpenAPI document, with the
// caller's API key (or access token), a timeout and retries (retrying-fetch.ts), answers unwrapped from the
// `{success, data}` envelope and refusals thrown as FanzError with the server's code and request id.
import createClient, { type Client } from 'openapi-fetch';
import { errorFromResponse, FanzError } from './errors.js';
import { retryingFetch } from './retrying-fetch.js';
import type { paths } from './generated/schema.js';
import { verifyWebhook, type WebhookHeaders } from './webhooks.js';

export interface FanzSDKOptions {
  /** A creator's API key (`fanz_sk_...`, created in the studio or with POST /api/v1/api-keys). */
  apiKey?: string;
  /** A user access token instead of a key (fan payments, refunds: routes keys may not call). */
  accessToken?: string;
  /** The server, e.g. https://fanz.example; default http://localhost:4000. */
  baseUrl?: string;
  /** Milliseconds per attempt before giving up with a TIMEOUT error; default 30 000. */
  timeout?: number;
  /** Extra attempts for requests safe to repeat; default 2. */
  retries?: number;
  /** First backoff in milliseconds (doubles per attempt, with jitter); default 250. */
  retryDelay?: number;
  /** The `whsec_...` secret of your webhook endpoint, for webhooks.verify. */
  webhookSecret?: string;
  /** A fetch to use instead of globalThis.fetch. */
  fetch?: typeof globalThis.fetch;
}

type Json<P extends keyof paths, M extends 'get' | 'post' | 'put' | 'delete'> = paths[P][M] extends {
  responses: { [code: number]: { content: { 'application/json': { data: infer D } } } };
}
  ? D
  : never;
type Body<P extends keyof paths, M extends 'post' | 'put'> = paths[P][M] extends { requestBody?: { content: { 'application/json': infer B } } } ? B : never;

export type CreatorProfile = Json<'/api/v1/creators/{username}', 'get'>;
export type Catalog = Json<'/api/v1/catalog', 'get'>;
export type Balance = Json<'/api/v1/finance/balance', 'get'>;
export type PaymentRequest = Body<'/api/v1/payments', 'post'>;
export type PaymentResult = Json<'/api/v1/payments', 'post'>;
export type RefundResult = Json<'/api/v1/payments/{id}/refund', 'post'>;
export type WebhookEndpoint = Json<'/api/v1/webhooks', 'get'>['endpoints'][number];
export type CreatorInsightsRequest = Body<'/api/v1/analytics/creator-insights', 'post'>;
export type CreatorInsights = Json<'/api/v1/analytics/creator-insights', 'post'>;
export type AnalyticsRollups = Json<'/api/v1/analytics/rollups', 'get'>;
export type NewWebhook = Body<'/api/v1/webhooks', 'post'>;
export type NewVrExperience = Body<'/api/v1/vr/experiences', 'post'>;
export type VrExperienceCreated = Json<'/api/v1/vr/experiences', 'post'>;
export type VrExperience = Json<'/api/v1/vr/experiences/{id}', 'get'>;
export type VrCancelResult = Json<'/api/v1/vr/experiences/{id}/cancel', 'post'>;
export type VrTicket = Json<'/api/v1/vr/experiences/{id}/tickets', 'post'>['ticket'];
export type VrAttendance = Json<'/api/v1/vr/experiences/{id}/attendance', 'get'>;
/** A published post as the public catalog shows it. */
export type Post = { id: string } & Record<string, unknown>;

interface Result {
  data?: unknown;
  error?: unknown;
  response: Response;
}

function unwrap<T>(r: Result): T {
  if (r.error !== undefined || !r.response.ok) throw errorFromResponse(r.response, r.error);
  return (r.data as { data: T }).data;
}

const newIdempotencyKey = (): string => crypto.randomUUID();

export class FanzSDK {
  /** The typed openapi-fetch client, for routes the helpers below do not cover. */
  readonly api: Client<paths>;
  private readonly webhookSecret?: string;
  private readonly baseUrl: string;

  constructor(o: FanzSDKOptions = {}) {
    const token = o.apiKey ?? o.accessToken;
    this.webhookSecret = o.webhookSecret;
    this.baseUrl = (o.baseUrl ?? 'http://localhost:4000').replace(/\/+$/, '');
    this.api = createClient<paths>({
      baseUrl: (o.baseUrl ?? 'http://localhost:4000').replace(/\/+$/, ''),
      headers: token ? { authorization: `Bearer ${token}` } : {},
      fetch: retryingFetch({
        retries: o.retries ?? 2,
        timeoutMs: o.timeout ?? 30_000,
        baseDelayMs: o.retryDelay ?? 250,
        fetch: o.fetch ?? ((req) => globalThis.fetch(req)),
      }),
    });
  }

  readonly creators = {
    /** A creator's public profile by username (scope read:catalog). */
    get: async (username: string): Promise<CreatorProfile> =>
      unwrap(await this.api.GET('/api/v1/creators/{username}', { params: { path: { username } } })),
  };

  readonly content = {
    /** A creator's public catalog: published posts, newest first, and active tiers (scope read:catalog). */
    list: async (creatorId: string): Promise<Catalog> => unwrap(await this.api.GET('/api/v1/catalog', { params: { query: { creatorId } } })),
    /** One published post of a creator; NOT_FOUND when it is not (or not yet) public. */
    get: async (creatorId: string, postId: string): Promise<Post> => {
      const catalog = await this.content.list(creatorId);
      const post = (catalog.posts as Post[]).find((p) => p.id === postId);
      if (!post) throw new FanzError(`No published post ${postId} in this creator's catalog.`, 'NOT_FOUND', 404, null);
      return post;
    },
  };

  readonly payments = {
    /** The creator's balance: available, in transit, paid out, lifetime (scope read:finance). */
    balance: async (): Promise<Balance> => unwrap(await this.api.GET('/api/v1/finance/balance')),
    /**
     * Pays as a fan (access token; API keys may not move money). Sends an Idempotency-Key, generated unless
     * given, so a retry after a lost answer is charged once.
     */
    create: async (body: PaymentRequest, o: { idempotencyKey?: string } = {}): Promise<PaymentResult> =>
      unwrap(await this.api.POST('/api/v1/payments', { body, headers: { 'idempotency-key': o.idempotencyKey ?? newIdempotencyKey() } })),
    /** Refunds a payment the creator received (access token), with an Idempotency-Key like create. */
    refund: async (paymentId: string, body: { reason?: string } = {}, o: { idempotencyKey?: string } = {}): Promise<RefundResult> =>
      unwrap(
        await this.api.POST('/api/v1/payments/{id}/refund', {
          params: { path: { id: paymentId } },
          body,
          headers: { 'idempotency-key': o.idempotencyKey ?? newIdempotencyKey() },
        }),
      ),
  };

  readonly analytics = {
    /**
     * A creator's insights for a date range (scope read:analytics; only the creator's own): revenue in minor
     * units, engagement, audience, content performance, cohort retention and, with include_predictions,
     * 30-day forecasts with 80 % / 95 % intervals.
     */
    getCreatorInsights: async (body: CreatorInsightsRequest): Promise<CreatorInsights> =>
      unwrap(await this.api.POST('/api/v1/analytics/creator-insights', { body })),
    /** The daily rollups behind the insights (per day, source and currency), from and to inclusive (YYYY-MM-DD). */
    rollups: async (q: { from: string; to: string; creator_id?: string }): Promise<AnalyticsRollups> =>
      unwrap(await this.api.GET('/api/v1/analytics/rollups', { params: { query: { ...q, format: 'json' } } })),
    /** The same rollups as CSV text (RFC 4180, money in minor units), for a spreadsheet. */
    rollupsCsv: async (q: { from: string; to: string; creator_id?: string }): Promise<string> => {
      const r = await this.api.GET('/api/v1/analytics/rollups', { params: { query: { ...q, format: 'csv' } }, parseAs: 'text' });
      if (r.error !== undefined || !r.response.ok) {
        // Read as text, a refusal is the JSON envelope in a string.
        const raw: unknown = r.error;
        let body = raw;
        try {
          body = typeof raw === 'string' ? JSON.parse(raw) : raw;
        } catch {
          // not JSON: the status alone says what happened
        }
        throw errorFromResponse(r.response, body);
      }
      return r.data as unknown as string;
    },
  };

  readonly vr = {
    /** Schedules a meetup (creator; scope write:vr): link, QR code, revenue projection, requirements. */
    createExperience: async (body: NewVrExperience): Promise<VrExperienceCreated> => unwrap(await this.api.POST('/api/v1/vr/experiences', { body })),
    /** A creator's experiences, soonest first (scope read:catalog). */
    listExperiences: async (creatorId: string): Promise<VrExperience[]> =>
      unwrap<{ experiences: VrExperience[] }>(await this.api.GET('/api/v1/vr/experiences', { params: { query: { creatorId } } })).experiences,
    getExperience: async (id: string): Promise<VrExperience> => unwrap(await this.api.GET('/api/v1/vr/experiences/{id}', { params: { path: { id } } })),
    /** Cancels (creator; scope write:vr): refunds every paid ticket, revokes free ones, closes the room. */
    cancelExperience: async (id: string): Promise<VrCancelResult> => unwrap(await this.api.POST('/api/v1/vr/experiences/{id}/cancel', { params: { path: { id } } })),
    /** Joins, unique attendees and minutes of the creator's own experience (scope read:analytics). */
    attendance: async (id: string): Promise<VrAttendance> => unwrap(await this.api.GET('/api/v1/vr/experiences/{id}/attendance', { params: { path: { id } } })),
    /** Buys a ticket as a fan (access token) through payments, with an Idempotency-Key like payments.create. */
    buyTicket: async (experienceId: string, paymentMethod: { type: 'test_card'; cardToken: string }, o: { idempotencyKey?: string } = {}): Promise<PaymentResult> =>
      this.payments.create({ experienceId, paymentMethod } as PaymentRequest, o),
    /** A free ticket for a fan holding the experience's required tier (the same one on repeat). */
    claimTierTicket: async (id: string): Promise<VrTicket> =>
      unwrap<{ ticket: VrTicket }>(await this.api.POST('/api/v1/vr/experiences/{id}/tickets', { params: { path: { id } } })).ticket,
    /** The fan's live ticket for an experience, or null. */
    myTicket: async (id: string): Promise<VrTicket | null> =>
      unwrap<{ ticket: VrTicket | null }>(await this.api.GET('/api/v1/vr/experiences/{id}/tickets/mine', { params: { path: { id } } })).ticket,
    /** The relay's WebSocket URL for a ticket (ws://HOST/vr/<experienceId>?ticket=<token>). */
    roomUrl: (ticket: { experienceId: string; token: string }): string =>
      `${this.baseUrl.replace(/^http/, 'ws')}/vr/${encodeURIComponent(ticket.experienceId)}?ticket=${encodeURIComponent(ticket.token)}`,
  };

  readonly webhooks = {
    /** Registers an endpoint (scope manage:webhooks); the answer holds its secret, shown once. */
    create: async (body: NewWebhook) => unwrap<Json<'/api/v1/webhooks', 'post'>>(await this.api.POST('/api/v1/webhooks', { body })),
    list: async (): Promise<WebhookEndpoint[]> => unwrap<{ endpoints: WebhookEndpoint[] }>(await this.api.GET('/api/v1/webhooks')).endpoints,
    delete: async (id: string) => unwrap(await this.api.DELETE('/api/v1/webhooks/{id}', { params: { path: { id } } })),
    /**
     * Verifies a delivery (Standard Webhooks) with the webhookSecret given to the constructor and returns
     * its parsed body; throws FanzWebhookError when it does not check out. Pass the raw body text.
     */
    verify: async <T = unknown>(body: string | Uint8Array, headers: WebhookHeaders, o: { toleranceSeconds?: number } = {}): Promise<T> => {
      if (!this.webhookSecret) throw new FanzError('new FanzSDK({ webhookSecret }) is needed to verify webhooks.', 'CONFIGURATION', null, null);
      return verifyWebhook<T>(this.webhookSecret, body, headers, o);
    },
  };
}
