// The VR routes' shapes: @fanz/core's (shared with the room client and the studio) plus the server-only
// attendance summary.
import { z } from 'zod';
export {
  cancelVrExperienceResponseSchema,
  createVrExperienceBodySchema,
  createVrExperienceResponseSchema,
  vrExperienceViewSchema,
  vrTicketSchema,
} from '@fanz/core';

export const attendanceSummarySchema = z.object({
  experienceId: z.string(),
  joins: z.int().min(0),
  uniqueAttendees: z.int().min(0),
  minutes: z.number().min(0),
  inRoomNow: z.int().min(0),
});
