-- Double-entry ledger (money in integer minor units). An account's balance is the sum of its credits minus
-- the sum of its debits; it is kept on the row, updated in the same transaction as the transfers, and
-- checked against the transfers by the ledger audit. Every transfer moves a positive amount from one
-- account to another of the same currency, so the books balance by construction: all balances sum to 0.
CREATE TABLE ledger_accounts (
  id text PRIMARY KEY,
  kind text NOT NULL CHECK (kind IN ('fan_funding', 'creator_earnings', 'platform_fees', 'payouts_in_transit', 'payouts_settled', 'processor_fees')),
  owner_id text NOT NULL,
  currency text NOT NULL CHECK (currency ~ '^[A-Z]{3}$'),
  balance bigint NOT NULL DEFAULT 0,
  created_at timestamptz NOT NULL DEFAULT now(),
  UNIQUE (kind, owner_id, currency)
);

-- One business event (a payment, a refund, a payout step) = one ledger transaction = one log entry.
CREATE TABLE ledger_transactions (
  id text PRIMARY KEY,
  kind text NOT NULL,
  reference_id text NOT NULL,
  creator_id text NOT NULL,
  currency text NOT NULL,
  log_index bigint NOT NULL UNIQUE,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX ledger_transactions_reference ON ledger_transactions (reference_id);

CREATE TABLE ledger_transfers (
  id bigserial PRIMARY KEY,
  transaction_id text NOT NULL REFERENCES ledger_transactions (id),
  debit_account text NOT NULL REFERENCES ledger_accounts (id),
  credit_account text NOT NULL REFERENCES ledger_accounts (id),
  amount bigint NOT NULL CHECK (amount > 0),
  currency text NOT NULL,
  CHECK (debit_account <> credit_account)
);
CREATE INDEX ledger_transfers_transaction ON ledger_transfers (transaction_id);
CREATE INDEX ledger_transfers_debit ON ledger_transfers (debit_account);
CREATE INDEX ledger_transfers_credit ON ledger_transfers (credit_account);
