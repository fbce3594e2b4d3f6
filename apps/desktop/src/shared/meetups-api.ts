// The studio's Meetups (VR rooms, issue 19): what the renderer sends to schedule one and what it gets
// back. The server's shapes are @fanz/core's (createVrExperienceBodySchema, vrExperienceViewSchema); this
// file holds only the form's input, checked again in the main process. Pure TypeScript.
import { z } from 'zod';
import { VR_MAX_CAPACITY, VR_THEMES, positiveMoneySchema, type CreateVrExperienceResponse, type VrExperienceView } from '@fanz/core';

export const meetupCreateSchema = z
  .strictObject({
    title: z.string().trim().min(1, 'enter a title').max(200, 'use at most 200 characters'),
    description: z.string().trim().max(2000, 'use at most 2000 characters').default(''),
    theme: z.enum(VR_THEMES, { message: 'choose a theme' }),
    capacity: z.int('capacity: a whole number').min(1, 'capacity: at least 1').max(VR_MAX_CAPACITY, `capacity: at most ${VR_MAX_CAPACITY}`),
    /** ISO date-time with offset (the form turns the local date and time into one). */
    startsAt: z.iso.datetime({ offset: true, message: 'choose a start date and time' }),
    durationMinutes: z.int().min(5, 'duration: at least 5 minutes').max(480, 'duration: at most 8 hours'),
    timezone: z.string().min(1).max(64),
    /** A ticket price, a tier whose subscribers get in free, or both. */
    price: positiveMoneySchema.nullable().default(null),
    tierId: z.string().min(1).max(100).nullable().default(null),
  })
  .refine((m) => m.price !== null || m.tierId !== null, { message: 'set a ticket price, a tier, or both', path: ['price'] });
export type MeetupCreateInput = z.input<typeof meetupCreateSchema>;

/** `pending`: scheduled offline into the catalog document; the server has not listed it yet. */
export type MeetupView = VrExperienceView & { pending?: true };
/** Online: the server's answer. Offline: written into the catalog document, sold once the studio syncs. */
export type MeetupCreated =
  | (CreateVrExperienceResponse & { offline?: false })
  | { offline: true; experience_id: string; experience: MeetupView; message: string };

export interface MeetupCancelled {
  meetup: MeetupView;
  refunded: number;
  refundFailures: number;
}

/** How the creator opens the room as host: the fan web app's room with their access token in the URL's
 *  fragment (never sent to a server; the page removes it at once). */
export interface MeetupHostLink {
  url: string;
}
