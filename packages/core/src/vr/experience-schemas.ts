// REST shapes of VR experiences (DESIGN.md "VR"): the seed's create body, what the server answers, and
// tickets. Money is {amount, currency} in minor units. Field names follow the seed (snake_case), except
// the ticket, which the payments response names in camelCase as the issue specifies.
import { z } from 'zod';
import { positiveMoneySchema, moneySchema } from '../money';
import { plainText } from '../schemas/common';

export const VR_EXPERIENCE_TYPES = ['virtual_meetup'] as const;
/** Scenes the room client can build. */
export const VR_THEMES = ['lounge', 'beach', 'rooftop', 'nightclub', 'space'] as const;
export type VrTheme = (typeof VR_THEMES)[number];
export const VR_INTERACTIVE_ELEMENTS = ['chat', 'emotes', 'spotlight', 'music', 'photo_booth', 'q_and_a'] as const;
/** Hard upper bound of a room (the relay's batch fits in one frame well below this). */
export const VR_MAX_CAPACITY = 200;
export const VR_EXPERIENCE_STATUSES = ['scheduled', 'cancelled'] as const;

const isoDateTime = z.iso.datetime({ offset: true, error: 'expected an ISO 8601 date-time like 2030-01-02T10:00:00Z' });

function isTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** POST /api/v1/vr/experiences body (the seed's). */
export const createVrExperienceBodySchema = z.strictObject({
  type: z.enum(VR_EXPERIENCE_TYPES),
  title: plainText(200, 1),
  description: plainText(2000).default(''),
  environment: z.strictObject({
    theme: z.enum(VR_THEMES),
    capacity: z.int().min(1).max(VR_MAX_CAPACITY),
    interactive_elements: z.array(z.enum(VR_INTERACTIVE_ELEMENTS)).max(VR_INTERACTIVE_ELEMENTS.length).default(['chat']),
  }),
  scheduling: z.strictObject({
    start_time: isoDateTime,
    duration_minutes: z.int().min(5).max(8 * 60),
    /** IANA zone the creator scheduled in (display only; start_time is absolute). */
    timezone: z.string().max(64).refine(isTimeZone, { message: 'expected an IANA time zone like Europe/Berlin' }),
  }),
  /** Either a ticket price, or a tier whose holders get in free, or both (tier holders free, others pay). */
  access_control: z
    .strictObject({
      tier_requirement: z.string().min(1).max(100).optional(),
      price: positiveMoneySchema.optional(),
    })
    .refine((a) => a.tier_requirement !== undefined || a.price !== undefined, {
      message: 'set a price, a tier_requirement, or both',
    }),
});
export type CreateVrExperienceBody = z.infer<typeof createVrExperienceBodySchema>;
export type CreateVrExperienceInput = z.input<typeof createVrExperienceBodySchema>;

export const revenueProjectionSchema = z.object({
  /** Where the numbers come from: the creator's past meetups, or nothing yet. */
  basis: z.enum(['past_experiences', 'no_history']),
  /** The basis in words, shown to the creator as is. */
  message: z.string(),
  past_experiences: z.int().min(0),
  /** Seats sold / capacity over past meetups (0..1), null without history. */
  average_fill_rate: z.number().min(0).max(1).nullable(),
  expected_tickets: z.int().min(0).nullable(),
  /** Ticket sales at the expected fill (0 for a free, tier-only room), null without history. */
  expected_gross: moneySchema.nullable(),
  /** expected_gross after the 10% platform fee. */
  expected_creator_net: moneySchema.nullable(),
});
export type RevenueProjection = z.infer<typeof revenueProjectionSchema>;

export const technicalRequirementsSchema = z.object({
  browsers: z.array(z.string()),
  webxr: z.string(),
  headsets: z.array(z.string()),
  min_bandwidth_kbps: z.int(),
  relay_url: z.string(),
  poses_per_second: z.int(),
});
export type TechnicalRequirements = z.infer<typeof technicalRequirementsSchema>;

export const vrExperienceViewSchema = z.object({
  experience_id: z.string(),
  creator_id: z.string(),
  type: z.enum(VR_EXPERIENCE_TYPES),
  title: z.string(),
  description: z.string(),
  status: z.enum(VR_EXPERIENCE_STATUSES),
  environment: z.object({ theme: z.enum(VR_THEMES), capacity: z.int(), interactive_elements: z.array(z.enum(VR_INTERACTIVE_ELEMENTS)) }),
  scheduling: z.object({ start_time: isoDateTime, duration_minutes: z.int(), timezone: z.string(), end_time: isoDateTime }),
  access_control: z.object({ tier_requirement: z.string().nullable(), price: moneySchema.nullable() }),
  tickets_sold: z.int().min(0),
  seats_left: z.int().min(0),
  access_url: z.string(),
  qr_code_url: z.string(),
  created_at: isoDateTime,
  cancelled_at: isoDateTime.nullable(),
});
export type VrExperienceView = z.infer<typeof vrExperienceViewSchema>;

/** 201 of POST /api/v1/vr/experiences. */
export const createVrExperienceResponseSchema = z.object({
  experience_id: z.string(),
  access_url: z.string(),
  qr_code_url: z.string(),
  revenue_projection: revenueProjectionSchema,
  technical_requirements: technicalRequirementsSchema,
  experience: vrExperienceViewSchema,
});
export type CreateVrExperienceResponse = z.infer<typeof createVrExperienceResponseSchema>;

/** A ticket as payments and the free-ticket route answer it; `token` goes in the relay URL (?ticket=). */
export const vrTicketSchema = z.object({
  ticketId: z.string(),
  token: z.string(),
  experienceId: z.string(),
  expiresAt: isoDateTime,
});
export type VrTicket = z.infer<typeof vrTicketSchema>;

/** 200 of POST /api/v1/vr/experiences/:id/cancel. */
export const cancelVrExperienceResponseSchema = z.object({
  experience: vrExperienceViewSchema,
  refunded: z.int().min(0),
  /** Tickets whose refund failed (retried by the same call again; the experience stays cancelled). */
  refund_failures: z.array(z.object({ ticketId: z.string(), reason: z.string() })),
});
export type CancelVrExperienceResponse = z.infer<typeof cancelVrExperienceResponseSchema>;
