-- VR meetups (issue 19): experiences, their tickets (held seats while a card is charged, then active), and
-- attendance for analytics. A seat is taken by an active ticket or an unexpired hold, counted under a row
-- lock on the experience, so concurrent buyers can never take more seats than the room has.
CREATE TABLE vr_experiences (
  id text PRIMARY KEY,
  creator_id text NOT NULL REFERENCES users (id),
  type text NOT NULL CHECK (type IN ('virtual_meetup')),
  title text NOT NULL,
  description text NOT NULL DEFAULT '',
  theme text NOT NULL,
  capacity integer NOT NULL CHECK (capacity > 0),
  interactive_elements text NOT NULL DEFAULT '[]',
  starts_at timestamptz NOT NULL,
  duration_minutes integer NOT NULL CHECK (duration_minutes > 0),
  timezone text NOT NULL,
  tier_requirement text,
  price_amount bigint CHECK (price_amount IS NULL OR price_amount > 0),
  price_currency text,
  status text NOT NULL CHECK (status IN ('scheduled', 'cancelled')),
  created_at timestamptz NOT NULL DEFAULT now(),
  cancelled_at timestamptz,
  CHECK ((price_amount IS NULL) = (price_currency IS NULL)),
  CHECK (price_amount IS NOT NULL OR tier_requirement IS NOT NULL)
);
CREATE INDEX vr_experiences_creator ON vr_experiences (creator_id, starts_at);

CREATE TABLE vr_tickets (
  id text PRIMARY KEY,
  experience_id text NOT NULL REFERENCES vr_experiences (id),
  fan_id text NOT NULL REFERENCES users (id),
  source text NOT NULL CHECK (source IN ('purchase', 'tier')),
  -- held: seat reserved while the card is charged (until held_until); released: the charge did not happen.
  status text NOT NULL CHECK (status IN ('held', 'active', 'released', 'refunded', 'revoked')),
  payment_id text UNIQUE,
  held_until timestamptz,
  expires_at timestamptz NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now(),
  updated_at timestamptz NOT NULL DEFAULT now(),
  CHECK (source = 'tier' OR payment_id IS NOT NULL)
);
CREATE INDEX vr_tickets_experience ON vr_tickets (experience_id, status);
-- One live ticket per fan and room, whichever way it was obtained.
CREATE UNIQUE INDEX vr_tickets_one_per_fan ON vr_tickets (experience_id, fan_id) WHERE status IN ('held', 'active');

CREATE TABLE vr_attendance (
  id text PRIMARY KEY,
  experience_id text NOT NULL REFERENCES vr_experiences (id),
  user_id text NOT NULL,
  ticket_id text,
  role text NOT NULL CHECK (role IN ('host', 'guest')),
  joined_at timestamptz NOT NULL,
  left_at timestamptz,
  close_code integer
);
CREATE INDEX vr_attendance_experience ON vr_attendance (experience_id, joined_at);

ALTER TABLE payments DROP CONSTRAINT payments_kind_check;
ALTER TABLE payments ADD CONSTRAINT payments_kind_check CHECK (kind IN ('subscription', 'pay_per_view', 'tip', 'vr_ticket'));
