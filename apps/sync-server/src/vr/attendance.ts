// Attendance for analytics (issue 19 item 5): one vr_attendance row per socket that joined a room, with
// its join and leave time and close code. Minutes attended are derived from the two times. Writes are
// queued off the relay's path; a failed write is logged and never affects the room.
import { newId } from '@fanz/core';
import type { Logger } from 'pino';
import { recordVrAttendance } from '../analytics/analytics-events.js';
import type { Database } from '../db/database.js';

export interface AttendanceSummary {
  experienceId: string;
  joins: number;
  uniqueAttendees: number;
  /** Sum of minutes across every join (an open join counts up to now). */
  minutes: number;
}

export class AttendanceRecorder {
  private pending: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly db: Database,
    private readonly log: Logger,
    private readonly clock: () => number,
  ) {}

  private queue(what: string, fn: () => Promise<unknown>): void {
    this.pending = this.pending.then(fn).catch((err: unknown) => this.log.error({ err }, `vr attendance ${what} not recorded`));
  }

  /** A guest's join also counts in the creator's daily analytics (analytics/analytics-events.ts). */
  joined(experienceId: string, creatorId: string, who: { userId: string; ticketId: string | null; role: 'host' | 'guest' }): string {
    const id = newId('vra');
    const at = new Date(this.clock());
    this.queue('join', () =>
      this.db.transaction(async (tx) => {
        await tx.query('INSERT INTO vr_attendance (id, experience_id, user_id, ticket_id, role, joined_at) VALUES ($1, $2, $3, $4, $5, $6)', [id, experienceId, who.userId, who.ticketId, who.role, at]);
        if (who.role === 'guest') await recordVrAttendance(tx, { attendanceId: id, experienceId, creatorId, fanId: who.userId, at });
      }),
    );
    return id;
  }

  left(id: string, closeCode: number): void {
    const at = new Date(this.clock());
    this.queue('leave', () => this.db.query('UPDATE vr_attendance SET left_at = $2, close_code = $3 WHERE id = $1 AND left_at IS NULL', [id, at, closeCode]));
  }

  /** Resolves when every queued write has been attempted (tests, shutdown). */
  flush(): Promise<void> {
    return this.pending.then(() => undefined);
  }

  async summary(experienceId: string): Promise<AttendanceSummary> {
    const rows = await this.db.query<{ joins: string | number; uniq: string | number; seconds: string | number | null }>(
      `SELECT count(*) AS joins, count(DISTINCT user_id) AS uniq,
              sum(EXTRACT(EPOCH FROM (COALESCE(left_at, $2) - joined_at))) AS seconds
         FROM vr_attendance WHERE experience_id = $1`,
      [experienceId, new Date(this.clock())],
    );
    const r = rows[0]!;
    return { experienceId, joins: Number(r.joins), uniqueAttendees: Number(r.uniq), minutes: Math.round((Number(r.seconds ?? 0) / 60) * 100) / 100 };
  }
}
