// /api/v1/vr/experiences: creators schedule, list and cancel meetups; fans read them and take free tier
// tickets; the QR code of a room's link is a PNG. Paid tickets go through POST /api/v1/payments.
import {
  attendanceSummarySchema,
  cancelVrExperienceResponseSchema,
  createVrExperienceBodySchema,
  createVrExperienceResponseSchema,
  vrExperienceViewSchema,
  vrTicketSchema,
} from './vr-schemas.js';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { createRequire } from 'node:module';
import { z } from 'zod';
import { ApiError } from '../errors.js';
import { idFromUrl, type IdParam, type RouteTable } from '../http/routes.js';
import { accessUrl } from './experience-store.js';
import type { VrService } from './vr-service.js';

// `qrcode` ships no types; this is the one function used.
const QRCode = createRequire(import.meta.url)('qrcode') as {
  toBuffer(text: string, o: { type: 'png'; errorCorrectionLevel: 'L' | 'M' | 'Q' | 'H'; margin: number; width: number }): Promise<Buffer>;
};

const experienceId: IdParam = { pattern: /^vr_[0-9a-z]{26}$/, noun: 'experience id' };

export function experienceRoutes(app: FastifyInstance, routes: RouteTable, vr: VrService, publicUrl: string | undefined): void {
  const base = (req: FastifyRequest) => publicUrl ?? `${req.protocol}://${req.host}`;

  routes.add({
    method: 'POST',
    url: '/api/v1/vr/experiences',
    apiKey: 'write:vr',
    summary: "Schedule a VR meetup (also written into the creator's catalog document)",
    tag: 'vr',
    access: 'creator',
    body: createVrExperienceBodySchema,
    response: createVrExperienceResponseSchema,
    status: 201,
    handler: async ({ body, user, req }) => vr.create(user.id, body, base(req)),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/vr/experiences',
    apiKey: 'read:catalog',
    summary: "A creator's VR experiences, soonest first (cancelled ones included, marked)",
    tag: 'vr',
    access: 'public',
    query: z.strictObject({ creatorId: z.string().min(1).max(100) }),
    response: z.object({ experiences: z.array(vrExperienceViewSchema) }),
    handler: async ({ query, req }) => ({ experiences: await vr.list(query.creatorId, base(req)) }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/vr/experiences/:id',
    apiKey: 'read:catalog',
    summary: 'One VR experience with its seats left',
    tag: 'vr',
    access: 'public',
    idParam: experienceId,
    response: vrExperienceViewSchema,
    handler: async ({ req, id }) => vr.read(id, base(req)),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/vr/experiences/:id/cancel',
    apiKey: 'write:vr',
    summary: 'Cancel a VR experience: refunds every paid ticket, revokes free ones, closes the room',
    tag: 'vr',
    access: 'creator',
    idParam: experienceId,
    response: cancelVrExperienceResponseSchema,
    handler: async ({ user, req, id }) => vr.cancel(user.id, id, base(req)),
  });
  routes.add({
    method: 'POST',
    url: '/api/v1/vr/experiences/:id/tickets',
    summary: "A free ticket for a fan holding the experience's required tier (the same ticket if they have one)",
    tag: 'vr',
    access: 'fan',
    idParam: experienceId,
    response: z.object({ ticket: vrTicketSchema }),
    status: 201,
    handler: async ({ user, id }) => ({ ticket: await vr.sales.issueForTier(id, user.id) }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/vr/experiences/:id/tickets/mine',
    summary: "The calling fan's live ticket for this experience, or null",
    tag: 'vr',
    access: 'fan',
    idParam: experienceId,
    response: z.object({ ticket: vrTicketSchema.nullable() }),
    handler: async ({ user, id }) => ({ ticket: await vr.sales.mine(id, user.id) }),
  });
  routes.add({
    method: 'GET',
    url: '/api/v1/vr/experiences/:id/attendance',
    apiKey: 'read:analytics',
    summary: 'Attendance of your experience: joins, unique attendees, minutes, people in the room now',
    tag: 'vr',
    access: 'creator',
    idParam: experienceId,
    response: attendanceSummarySchema,
    handler: async ({ user, id }) => vr.attendance(user.id, id),
  });

  // A PNG, not JSON: registered on Fastify directly (the route table answers in the JSON envelope).
  app.get('/api/v1/vr/experiences/:id/qr.png', async (req, reply) => {
    const id = idFromUrl(req, experienceId);
    const e = await vr.experiences.get(id);
    if (!e) throw new ApiError('NOT_FOUND', `No VR experience ${id}.`);
    const png = await QRCode.toBuffer(accessUrl(base(req), id), { type: 'png', errorCorrectionLevel: 'M', margin: 2, width: 512 });
    return reply.type('image/png').header('cache-control', 'public, max-age=3600').send(png);
  });
}
