// The vr_experiences table: create, read, list, cancel, and seat counts. Rows map to the REST view
// (@fanz/core vrExperienceViewSchema) here and nowhere else.
import type { CreateVrExperienceBody, Money, VrExperienceView } from '@fanz/core';
import type { Database, Queryable } from '../db/database.js';

export interface ExperienceRow {
  id: string;
  creator_id: string;
  type: 'virtual_meetup';
  title: string;
  description: string;
  theme: string;
  capacity: number;
  interactive_elements: string;
  starts_at: Date | string;
  duration_minutes: number;
  timezone: string;
  tier_requirement: string | null;
  price_amount: string | number | null;
  price_currency: string | null;
  status: 'scheduled' | 'cancelled';
  created_at: Date | string;
  cancelled_at: Date | string | null;
}

/** An experience as the server's modules use it. */
export interface Experience {
  id: string;
  creatorId: string;
  title: string;
  capacity: number;
  startsAt: number;
  endsAt: number;
  tierRequirement: string | null;
  price: Money | null;
  status: 'scheduled' | 'cancelled';
  row: ExperienceRow;
}

const iso = (d: Date | string) => new Date(d).toISOString();

export function toExperience(row: ExperienceRow): Experience {
  const startsAt = new Date(row.starts_at).getTime();
  return {
    id: row.id,
    creatorId: row.creator_id,
    title: row.title,
    capacity: Number(row.capacity),
    startsAt,
    endsAt: startsAt + Number(row.duration_minutes) * 60_000,
    tierRequirement: row.tier_requirement,
    price: row.price_amount === null ? null : ({ amount: Number(row.price_amount), currency: row.price_currency } as Money),
    status: row.status,
    row,
  };
}

/** Seats taken: active tickets and holds whose card charge is still under way. */
export const SEATS_TAKEN_SQL = `SELECT count(*) AS n FROM vr_tickets
  WHERE experience_id = $1 AND (status = 'active' OR (status = 'held' AND held_until > now()))`;

export class ExperienceStore {
  constructor(private readonly db: Database) {}

  /** `ifAbsent`: another instance may import the same catalog entry at once; the first row stands. */
  async insert(id: string, creatorId: string, b: CreateVrExperienceBody, o: { ifAbsent?: boolean } = {}): Promise<Experience | null> {
    const rows = await this.db.query<ExperienceRow>(
      `INSERT INTO vr_experiences (id, creator_id, type, title, description, theme, capacity, interactive_elements, starts_at,
         duration_minutes, timezone, tier_requirement, price_amount, price_currency, status)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, 'scheduled')
       ${o.ifAbsent ? 'ON CONFLICT (id) DO NOTHING' : ''} RETURNING *`,
      [
        id,
        creatorId,
        b.type,
        b.title,
        b.description,
        b.environment.theme,
        b.environment.capacity,
        JSON.stringify(b.environment.interactive_elements),
        new Date(b.scheduling.start_time),
        b.scheduling.duration_minutes,
        b.scheduling.timezone,
        b.access_control.tier_requirement ?? null,
        b.access_control.price?.amount ?? null,
        b.access_control.price?.currency ?? null,
      ],
    );
    return rows[0] ? toExperience(rows[0]) : null;
  }

  async get(id: string, q: Queryable = this.db): Promise<Experience | null> {
    const rows = await q.query<ExperienceRow>('SELECT * FROM vr_experiences WHERE id = $1', [id]);
    return rows[0] ? toExperience(rows[0]) : null;
  }

  /** Locks the row for the caller's transaction (seat sales serialise on it). */
  async lock(tx: Queryable, id: string): Promise<Experience | null> {
    const rows = await tx.query<ExperienceRow>('SELECT * FROM vr_experiences WHERE id = $1 FOR UPDATE', [id]);
    return rows[0] ? toExperience(rows[0]) : null;
  }

  async listByCreator(creatorId: string): Promise<Experience[]> {
    const rows = await this.db.query<ExperienceRow>('SELECT * FROM vr_experiences WHERE creator_id = $1 ORDER BY starts_at, id', [creatorId]);
    return rows.map(toExperience);
  }

  async markCancelled(tx: Queryable, id: string): Promise<void> {
    await tx.query(`UPDATE vr_experiences SET status = 'cancelled', cancelled_at = COALESCE(cancelled_at, now()) WHERE id = $1`, [id]);
  }

  async seatsTaken(id: string, q: Queryable = this.db): Promise<number> {
    const rows = await q.query<{ n: string | number }>(SEATS_TAKEN_SQL, [id]);
    return Number(rows[0]!.n);
  }

  async view(e: Experience, baseUrl: string): Promise<VrExperienceView> {
    const sold = await this.db.query<{ n: string | number }>(`SELECT count(*) AS n FROM vr_tickets WHERE experience_id = $1 AND status = 'active'`, [e.id]);
    const taken = await this.seatsTaken(e.id);
    return experienceView(e, Number(sold[0]!.n), Math.max(0, e.capacity - taken), baseUrl);
  }
}

export function accessUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/vr/${id}`;
}

export function qrCodeUrl(baseUrl: string, id: string): string {
  return `${baseUrl}/api/v1/vr/experiences/${id}/qr.png`;
}

export function experienceView(e: Experience, ticketsSold: number, seatsLeft: number, baseUrl: string): VrExperienceView {
  const r = e.row;
  return {
    experience_id: e.id,
    creator_id: e.creatorId,
    type: r.type,
    title: r.title,
    description: r.description,
    status: r.status,
    environment: {
      theme: r.theme as VrExperienceView['environment']['theme'],
      capacity: e.capacity,
      interactive_elements: JSON.parse(r.interactive_elements) as VrExperienceView['environment']['interactive_elements'],
    },
    scheduling: { start_time: iso(r.starts_at), duration_minutes: Number(r.duration_minutes), timezone: r.timezone, end_time: new Date(e.endsAt).toISOString() },
    access_control: { tier_requirement: e.tierRequirement, price: e.price },
    tickets_sold: ticketsSold,
    seats_left: seatsLeft,
    access_url: accessUrl(baseUrl, e.id),
    qr_code_url: qrCodeUrl(baseUrl, e.id),
    created_at: iso(r.created_at),
    cancelled_at: r.cancelled_at === null ? null : iso(r.cancelled_at),
  };
}
