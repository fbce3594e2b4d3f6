// The one typed API the renderer talks to. Two transports implement it: Electron IPC (window.studio from the
// preload) and a WebSocket to the browser-mode host. Both validate every call with `apiInputSchemas` at the
// receiving end, so the renderer is never trusted. This module is pure TypeScript (no Node, no DOM).
import { z } from 'zod';
import { PAYOUT_METHODS, moneySchema, positiveMoneySchema, type Balance, type Payout, type PayoutStatus, type Post, type Tier } from '@fanz/core';
import { insightsQuerySchema, type InsightsQuery, type InsightsView } from './insights-api.js';
import { meetupCreateSchema, type MeetupCancelled, type MeetupCreateInput, type MeetupCreated, type MeetupHostLink, type MeetupView } from './meetups-api.js';

export const signInSchema = z.strictObject({
  serverUrl: z.url({ protocol: /^https?$/, message: 'server URL must start with http:// or https://' }),
  email: z.email({ message: 'enter an email address' }),
  password: z.string().min(1, 'enter your password').max(200),
});
export const registerSchema = signInSchema.extend({
  username: z.string().regex(/^[a-zA-Z0-9_]{3,30}$/, 'username: 3-30 letters, digits or _'),
  displayName: z.string().trim().min(1, 'enter a display name').max(80, 'use at most 80 characters'),
  password: z.string().min(8, 'password: at least 8 characters').max(200),
});

export const postDraftSchema = z.strictObject({
  /** Absent for a new post. */
  id: z.string().max(64).optional(),
  title: z.string(),
  description: z.string().default(''),
  tags: z.array(z.string()).default([]),
  mediaIds: z.array(z.string()).default([]),
  /** The media shown publicly as teaser / thumbnail; must be one of mediaIds. */
  teaserMediaId: z.string().max(64).nullable().default(null),
  thumbnailMediaId: z.string().max(64).nullable().default(null),
  visibility: z.enum(['free', 'subscribers', 'pay_per_view']),
  /** Minor units; required for pay_per_view. The UI parses "12.99" with the currency's exponent. */
  price: moneySchema.nullable().default(null),
});
export type PostDraft = z.input<typeof postDraftSchema>;

export const libraryQuerySchema = z.strictObject({
  text: z.string().max(500).default(''),
  kind: z.enum(['video', 'photo']).optional(),
  status: z.enum(['pending', 'processing', 'ready', 'failed']).optional(),
  /** Content label from local scoring. */
  label: z.enum(['safe', 'suggestive', 'explicit']).optional(),
  /** Least quality score (0-100, see main/services/scoring/quality-score.ts) from local scoring. */
  minQuality: z.int().min(0).max(100).optional(),
  cursor: z.string().max(200).nullable().default(null),
  limit: z.int().min(1).max(500).default(200),
});
export type LibraryQuery = z.input<typeof libraryQuerySchema>;

/** A payout the creator asks for; the amount is a positive integer in minor units (the UI parses "12.50"). */
export const payoutRequestSchema = z.strictObject({
  amount: positiveMoneySchema,
  method: z.enum(PAYOUT_METHODS, { message: 'choose Paxum or bank transfer' }),
  /**
   * Made once per form submission and sent again on every retry until the outcome is known: the studio keeps
   * the signed request and its Idempotency-Key under it, so a retry after a lost reply cannot pay twice.
   */
  submissionId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,100}$/, 'submissionId: 8-100 letters, digits, - or _')
    .optional(),
});
export type PayoutRequestInput = z.input<typeof payoutRequestSchema>;

/**
 * Errors after which a payout's outcome is unknown (the request may have reached the server): the form keeps
 * its submissionId so the next attempt retries the same payout instead of requesting a second one.
 */
export const PAYOUT_OUTCOME_UNKNOWN = new Set(['SERVER_UNREACHABLE', 'BAD_SERVER_RESPONSE', 'INTERNAL_ERROR', 'SERVER_BUSY', 'NOT_READY', 'CONFLICT', 'HOST_GONE', 'TIMEOUT', 'SERVER_TIMEOUT']);

/** The creator's public profile as fans see it (display name, bio, avatar) on the fan web app. */
export const profileSaveSchema = z.strictObject({
  displayName: z.string().trim().min(1, 'enter a display name').max(50, 'display name: at most 50 characters'),
  bio: z.string().trim().max(500, 'bio: at most 500 characters').default(''),
});
/** An avatar image on this machine (PNG, JPEG or WebP, at most 2 MB), read by the main process. */
export const avatarUploadSchema = z.strictObject({ path: z.string().min(1, 'enter the path of an image').max(4096) });
export interface CreatorProfile {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  /** Absolute URL on the server, or null. */
  avatarUrl: string | null;
  /** The creator's public page on the fan web app. */
  pageUrl: string;
}

/** Integration API keys (Account screen): what each scope lets a key do, in words for the creator. */
export const API_KEY_SCOPES = ['read:catalog', 'read:analytics', 'write:content', 'write:vr', 'read:finance', 'manage:webhooks'] as const;
export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];
export const apiKeyCreateSchema = z.strictObject({
  name: z.string().trim().min(1, 'enter a name for the key').max(100, 'use at most 100 characters'),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, 'choose at least one permission'),
  /** ISO date-time with offset; must be in the future (the server checks too). */
  expiresAt: z.iso
    .datetime({ offset: true, message: 'enter a valid date' })
    .refine((v) => Date.parse(v) > Date.now(), 'choose a date in the future')
    .optional(),
});
export interface ApiKeyView {
  id: string;
  name: string;
  scopes: ApiKeyScope[];
  /** The secret's last 4 characters, to tell keys apart. */
  hint: string;
  expiresAt: string | null;
  revokedAt: string | null;
  createdAt: string;
}
/** Only the create answer carries the secret; the server never shows it again. */
export type ApiKeyCreated = ApiKeyView & { secret: string };

/** A subscription tier as the studio edits it (offline, in the catalog document). */
export const tierDraftSchema = z.strictObject({
  id: z.string().max(64).optional(),
  name: z.string().trim().min(1, 'enter a name for the tier').max(80, 'use at most 80 characters'),
  price: positiveMoneySchema,
  interval: z.enum(['month', 'year'], { message: 'choose monthly or yearly' }),
  benefits: z.array(z.string().trim().min(1).max(200, 'each benefit: at most 200 characters')).max(20, 'at most 20 benefits').default([]),
  active: z.boolean().default(true),
});
export type TierDraft = z.input<typeof tierDraftSchema>;

const idParam = z.strictObject({ id: z.string().min(1).max(64) });

/** Input schema of every API method (z.undefined() = no argument). */
export const updateSettingsSchema = z.strictObject({
  channel: z.enum(['stable', 'beta']).optional(),
  autoDownload: z.boolean().optional(),
});

/** The update channel as the Account screen shows it (main/services/updates/update-status.ts). */
export interface UpdateStatusView {
  current: string;
  /**
   * available: a verified newer release; current: verified, nothing newer; refused: no verified feed (or the
   * updater was offered something else); unknown: not signed in; downloading / ready: the desktop app is
   * fetching / has fetched the verified release; failed: its download failed (it can be retried).
   */
  state: 'available' | 'current' | 'refused' | 'unknown' | 'downloading' | 'ready' | 'failed';
  /** e.g. "update available: 1.2.0 (verified)", or the reason a feed was refused. */
  line: string;
  latest: string | null;
  notes: string | null;
  settings: { channel: 'stable' | 'beta'; autoDownload: boolean };
  /** The desktop app's updater confirmed the verified offer and may download it (never in browser mode). */
  canDownload: boolean;
  /** While downloading: bytes so far of the total. */
  progress: { percent: number; transferred: number; total: number } | null;
}

export const apiInputSchemas = {
  updateStatus: z.undefined(),
  updateSettingsSave: updateSettingsSchema,
  updateDownload: z.undefined(),
  updateInstall: z.undefined(),
  session: z.undefined(),
  signIn: signInSchema,
  register: registerSchema,
  signOut: z.undefined(),
  libraryList: libraryQuerySchema,
  libraryItem: idParam,
  coverFromFrame: z.strictObject({ id: z.string().min(1).max(64), timeS: z.number().min(0).max(86_400) }),
  importPaths: z.strictObject({ paths: z.array(z.string().min(1).max(4096)).min(1).max(10_000) }),
  jobsList: z.undefined(),
  jobCancel: idParam,
  jobRetry: idParam,
  postsList: z.undefined(),
  postSave: postDraftSchema,
  postPublishCheck: postDraftSchema,
  postSchedule: z.strictObject({ id: z.string().min(1).max(64), at: z.string().max(64) }),
  postUnschedule: idParam,
  postPublish: idParam,
  postDelete: idParam,
  syncStatus: z.undefined(),
  syncNow: z.undefined(),
  earnings: z.undefined(),
  payoutRequest: payoutRequestSchema,
  tiersList: z.undefined(),
  tierSave: tierDraftSchema,
  profileGet: z.undefined(),
  profileSave: profileSaveSchema,
  avatarUpload: avatarUploadSchema,
  apiKeysList: z.undefined(),
  apiKeyCreate: apiKeyCreateSchema,
  apiKeyRevoke: idParam,
  insights: insightsQuerySchema,
  meetupsList: z.undefined(),
  meetupCreate: meetupCreateSchema,
  meetupCancel: idParam,
  meetupHostLink: idParam,
} as const;

export type ApiMethod = keyof typeof apiInputSchemas;

export interface SessionInfo {
  signedIn: boolean;
  serverUrl: string | null;
  defaultServerUrl: string;
  user: { id: string; username: string; role: string } | null;
  deviceKeyId: string | null;
  /** Where secrets are kept: the OS keychain (Electron safeStorage) or a 0600 file in the data dir. */
  secretStorage: 'os-keychain' | 'file';
  mode: 'electron' | 'browser';
}

export type SyncState = 'signed-out' | 'offline' | 'connecting' | 'syncing' | 'synced';
export interface SyncStatus {
  state: SyncState;
  lastSyncedAt: string | null;
  pendingChanges: number;
  /** Why we are offline, when known (server unreachable, token refused...). */
  detail: string | null;
}

export type ContentLabelView = 'safe' | 'suggestive' | 'explicit';

export interface LibraryItemView {
  id: string;
  kind: 'video' | 'photo';
  title: string;
  fileName: string;
  status: 'pending' | 'processing' | 'ready' | 'failed';
  error: string | null;
  durationS: number | null;
  width: number | null;
  height: number | null;
  sizeBytes: number;
  /** Rendition id of the creator's own picture (video poster or photo, never blurred), via mediaUrl(). */
  thumbRenditionId: string | null;
  /** The blurred preview fans see on a locked post; only shown where labelled so. */
  lockedPreviewRenditionId: string | null;
  /** 0-100 quality score from local scoring (null until scored). */
  quality: number | null;
  /** Content label from local scoring (null until scored). */
  label: ContentLabelView | null;
  createdAt: number;
}
export interface LibraryPage {
  items: LibraryItemView[];
  nextCursor: string | null;
  total: number;
}
export interface LibraryItemDetail extends LibraryItemView {
  path: string;
  tags: string[];
  renditions: Array<{ id: string; kind: string; width: number | null; height: number | null; bandwidth: number | null; sizeBytes: number; file: string }>;
  scores: Array<{ model: string; label: string; score: number }>;
  /** Video: the frames of the scrubbing sprite, to pick the cover from (sheet = path in the output folder). */
  frames: Array<{ timeS: number; sheet: string; x: number; y: number; w: number; h: number }>;
  /** Video: the frame local scoring suggests as the cover (safe, sharp, well exposed), in seconds. */
  suggestedFrameS: number | null;
}

export interface ImportSummary {
  imported: number;
  skipped: Array<{ path: string; reason: string }>;
  jobIds: string[];
}

export interface JobView {
  id: string;
  kind: string;
  itemId: string | null;
  itemTitle: string | null;
  state: 'queued' | 'running' | 'done' | 'failed' | 'cancelled';
  progress: number;
  etaS: number | null;
  stage: string | null;
  error: string | null;
  attempts: number;
  createdAt: number;
  finishedAt: number | null;
}

export interface Earnings {
  available: boolean;
  /** Why earnings are unavailable (offline, not signed in, the server has no finance routes). */
  reason: string | null;
  /** GET /api/v1/finance/balance, parsed with core's balanceSchema (the wire format). */
  balance: Balance | null;
  /** GET /api/v1/finance/payouts, parsed with core's payoutSchema. */
  payouts: Payout[];
  /** Why the payout list could not be read (shown instead of "No payouts yet"); null when it was. */
  payoutsError: string | null;
  /** The transparency log checked on this machine (null when it could not be reached). */
  log: {
    treeSize: number;
    headVerified: boolean;
    reason: string | null;
    /** This creator's money entries, newest first, each with its inclusion proof checked. */
    entries: Array<{ index: number; entry: Record<string, unknown>; verified: boolean; reason: string | null }>;
    truncated: boolean;
  } | null;
  logError: string | null;
}

/** A payout the server accepted, and the device-ledger entry that attests this device signed it. */
export interface PayoutReceipt {
  payoutId: string;
  status: PayoutStatus;
  amount: { amount: number; currency: string };
  transactionFee: { amount: number; currency: string };
  netAmount: { amount: number; currency: string };
  referenceNumber: string;
  failureReason: string | null;
  /** seq of the `payout.requested` entry in this device's signed ledger. */
  ledgerSeq: number;
}

/** A public placement whose media is not labelled `safe` (or not scored yet). */
export interface PublishWarningView {
  code: 'label_mismatch' | 'not_scored';
  mediaId: string;
  placement: 'public_teaser' | 'public_thumbnail' | 'public_post' | 'subscribers' | 'pay_per_view';
  label: 'safe' | 'suggestive' | 'explicit' | null;
  message: string;
}
export interface PublishCheckResult {
  warnings: PublishWarningView[];
}

export type StudioEvent =
  | { type: 'sync'; status: SyncStatus }
  | { type: 'posts' }
  | { type: 'library' }
  | { type: 'jobs'; progress?: { id: string; percent: number; etaS: number | null; stage: string | null } }
  | { type: 'session' }
  | { type: 'update'; status: UpdateStatusView };

export interface StudioApi {
  updateStatus(): Promise<UpdateStatusView>;
  updateSettingsSave(p: z.input<typeof updateSettingsSchema>): Promise<UpdateStatusView>;
  /** Starts downloading the verified update (desktop app); progress arrives as `update` events. */
  updateDownload(): Promise<UpdateStatusView>;
  /** Quits and installs the downloaded, verified update (desktop app). */
  updateInstall(): Promise<UpdateStatusView>;
  session(): Promise<SessionInfo>;
  signIn(input: z.input<typeof signInSchema>): Promise<SessionInfo>;
  register(input: z.input<typeof registerSchema>): Promise<SessionInfo>;
  signOut(): Promise<SessionInfo>;
  libraryList(q: LibraryQuery): Promise<LibraryPage>;
  libraryItem(p: { id: string }): Promise<LibraryItemDetail>;
  /** Makes a clip's cover (poster and the blurred preview) from the frame at timeS of the original. */
  coverFromFrame(p: { id: string; timeS: number }): Promise<LibraryItemDetail>;
  importPaths(p: { paths: string[] }): Promise<ImportSummary>;
  jobsList(): Promise<JobView[]>;
  jobCancel(p: { id: string }): Promise<JobView | null>;
  jobRetry(p: { id: string }): Promise<JobView | null>;
  postsList(): Promise<Post[]>;
  postSave(draft: PostDraft): Promise<Post>;
  /** Label-vs-placement warnings to confirm before a post goes public; never blocks anything itself. */
  postPublishCheck(draft: PostDraft): Promise<PublishCheckResult>;
  postSchedule(p: { id: string; at: string }): Promise<Post>;
  postUnschedule(p: { id: string }): Promise<Post>;
  /**
   * Publishes a post now, upload first: when its media is not on the server yet the post stays a draft,
   * the uploads are queued and it goes public when they finish (`waitingForUpload`).
   */
  postPublish(p: { id: string }): Promise<{ post: Post; waitingForUpload: boolean }>;
  postDelete(p: { id: string }): Promise<{ deleted: boolean }>;
  syncStatus(): Promise<SyncStatus>;
  syncNow(): Promise<SyncStatus>;
  earnings(): Promise<Earnings>;
  payoutRequest(p: PayoutRequestInput): Promise<PayoutReceipt>;
  tiersList(): Promise<Tier[]>;
  /** Creates (no id) or updates a tier in the catalog document; it syncs like posts. */
  tierSave(t: TierDraft): Promise<Tier>;
  profileGet(): Promise<CreatorProfile>;
  profileSave(p: z.input<typeof profileSaveSchema>): Promise<CreatorProfile>;
  avatarUpload(p: { path: string }): Promise<CreatorProfile>;
  apiKeysList(): Promise<ApiKeyView[]>;
  apiKeyCreate(p: z.input<typeof apiKeyCreateSchema>): Promise<ApiKeyCreated>;
  apiKeyRevoke(p: { id: string }): Promise<ApiKeyView>;
  /** Creator insights for a range: fresh from the server (and saved), or the saved ones offline; null when
   *  `source: 'saved'` and nothing was saved yet. */
  insights(p: InsightsQuery): Promise<InsightsView | null>;
  /** The creator's VR meetups from the server, soonest first (cancelled ones included, marked). */
  meetupsList(): Promise<MeetupView[]>;
  /** Schedules a meetup on the server (online only; the server writes it into the catalog document). */
  meetupCreate(p: MeetupCreateInput): Promise<MeetupCreated>;
  /** Cancels a meetup; the server refunds every paid ticket and closes the room. */
  meetupCancel(p: { id: string }): Promise<MeetupCancelled>;
  /** Where to open the room as host (the fan web app's room, with host controls). */
  meetupHostLink(p: { id: string }): Promise<MeetupHostLink>;
}

export type UploadedFile = { name: string; path: string } | { name: string; error: string };

/** What a transport hands the renderer: the API plus events and media URLs. */
export interface StudioClient {
  api: StudioApi;
  subscribe(listener: (event: StudioEvent) => void): () => void;
  mediaUrl(renditionId: string): string;
  /** URL of a file in an item's output folder (e.g. `hls/master.m3u8`); relative URIs inside resolve too. */
  itemFileUrl(itemId: string, path: string): string;
  /**
   * Browser mode only: streams picked or dropped files to the host, which writes them into its data dir;
   * answers, per file, the path there (to import) or why it failed. Electron reads dropped files' paths instead.
   */
  uploadFiles?(files: File[], onProgress: (sentBytes: number, totalBytes: number) => void): Promise<UploadedFile[]>;
  mode: 'electron' | 'browser';
}

/** An error crossing a transport: a code the UI can branch on, a message for people, field details. */
export interface ApiErrorShape {
  code: string;
  message: string;
  details?: { fields?: Record<string, string> } & Record<string, unknown>;
}

export class StudioApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details?: ApiErrorShape['details'],
  ) {
    super(message);
    this.name = 'StudioApiError';
  }
}

// The envelope both transports carry (request, response, event frame) is in rpc-envelope.ts.
