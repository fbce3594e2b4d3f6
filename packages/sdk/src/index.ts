// @fanz/sdk: the FANZ API for integrations. See README.md and examples/.
export { FanzSDK } from './client.js';
export type { Balance, Catalog, CreatorProfile, FanzSDKOptions, NewVrExperience, NewWebhook, PaymentRequest, PaymentResult, Post, RefundResult, VrAttendance, VrCancelResult, VrExperience, VrExperienceCreated, VrTicket, WebhookEndpoint } from './client.js';
export { FanzError, FanzNetworkError, FanzWebhookError } from './errors.js';
export { verifyWebhook, type WebhookHeaders } from './webhooks.js';
export type { paths } from './generated/schema.js';
