-- Nonces of device-signed payout requests, kept once used so that a signed request (as stored in the
-- transparency log, or captured in transit) can never be submitted again.
CREATE TABLE payout_nonces (
  device_key_id text NOT NULL,
  nonce text NOT NULL,
  payout_id text NOT NULL,
  signed_at timestamptz NOT NULL,
  used_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (device_key_id, nonce)
);
