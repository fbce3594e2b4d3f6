// The revenue projection answered when a creator schedules a meetup: from the creator's own past meetups
// (how full they got), never from invented market numbers. Without past meetups it says so.
import { platformSplit, type Money, type RevenueProjection } from '@fanz/core';
import type { Database } from '../db/database.js';

export async function projectRevenue(
  db: Database,
  creatorId: string,
  upcoming: { id: string; capacity: number; price: Money | null },
  now: number,
): Promise<RevenueProjection> {
  const past = await db.query<{ capacity: number; sold: string | number }>(
    `SELECT e.capacity, (SELECT count(*) FROM vr_tickets t WHERE t.experience_id = e.id AND t.status = 'active') AS sold
       FROM vr_experiences e
      WHERE e.creator_id = $1 AND e.id <> $2 AND e.status = 'scheduled'
        AND e.starts_at + e.duration_minutes * interval '1 minute' <= $3`,
    [creatorId, upcoming.id, new Date(now)],
  );
  if (past.length === 0) {
    return {
      basis: 'no_history',
      message: 'No projection yet: you have no finished meetups to learn from. After your first one, projections use how full your rooms got.',
      past_experiences: 0,
      average_fill_rate: null,
      expected_tickets: null,
      expected_gross: null,
      expected_creator_net: null,
    };
  }
  const fill = past.reduce((s, r) => s + Math.min(1, Number(r.sold) / Number(r.capacity)), 0) / past.length;
  const expected = Math.round(fill * upcoming.capacity);
  const gross = upcoming.price ? { amount: expected * upcoming.price.amount, currency: upcoming.price.currency } : null;
  const pct = Math.round(fill * 100);
  return {
    basis: 'past_experiences',
    message: `Based on your ${past.length} finished meetup${past.length === 1 ? '' : 's'}, which filled ${pct}% of their seats on average${
      upcoming.price ? '' : '; this room is free for tier holders, so it sells no tickets'
    }.`,
    past_experiences: past.length,
    average_fill_rate: Math.round(fill * 1000) / 1000,
    expected_tickets: expected,
    expected_gross: gross && expected > 0 ? (gross as Money) : null,
    expected_creator_net: gross && expected > 0 ? platformSplit(gross as Money).creator : null,
  };
}
