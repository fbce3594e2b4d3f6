// The double-entry ledger: accounts, transactions and transfers in the database. Every transfer moves a
// positive amount from a debit account to a credit account of one currency, and account balances
// (credits - debits) are updated in the same DB transaction, so the books always balance.
// This module only writes rows inside a caller's transaction; it never opens one, because a ledger
// transaction must commit together with its log entry and webhook outbox rows.
import type { Queryable } from '../db/database.js';

export type AccountKind =
  | 'fan_funding'
  | 'creator_earnings'
  | 'platform_fees'
  | 'payouts_in_transit'
  | 'payouts_settled'
  | 'processor_fees';

/** Owner id of the platform's own accounts (platform fees, processor fees). */
export const PLATFORM_OWNER = 'platform';

/** Deterministic account ids, so posting needs no lookup: `creator_earnings:usr_x:USD`. */
export function accountId(kind: AccountKind, ownerId: string, currency: string): string {
  return `${kind}:${ownerId}:${currency}`;
}

export interface Leg {
  debit: string;
  credit: string;
  amount: number;
}

export interface LedgerTransactionInput {
  id: string;
  kind: string;
  referenceId: string;
  creatorId: string;
  currency: string;
  logIndex: number;
  legs: Leg[];
}

function parseAccount(id: string): { kind: string; owner: string; currency: string } {
  const first = id.indexOf(':');
  const last = id.lastIndexOf(':');
  return { kind: id.slice(0, first), owner: id.slice(first + 1, last), currency: id.slice(last + 1) };
}

/** Writes a transaction, its transfers and the balance changes. Throws on an unbalanced or empty leg. */
export async function postTransaction(tx: Queryable, t: LedgerTransactionInput): Promise<void> {
  if (t.legs.length === 0) throw new Error('a ledger transaction needs at least one transfer');
  const deltas = new Map<string, number>();
  for (const leg of t.legs) {
    if (!Number.isSafeInteger(leg.amount) || leg.amount <= 0) throw new Error(`transfer amount must be a positive integer, got ${leg.amount}`);
    if (leg.debit === leg.credit) throw new Error('a transfer needs two different accounts');
    for (const acc of [leg.debit, leg.credit]) {
      if (parseAccount(acc).currency !== t.currency) throw new Error(`account ${acc} is not in ${t.currency}`);
    }
    deltas.set(leg.debit, (deltas.get(leg.debit) ?? 0) - leg.amount);
    deltas.set(leg.credit, (deltas.get(leg.credit) ?? 0) + leg.amount);
  }
  // One statement (one round trip while the caller holds the log lock): upsert every touched account with
  // its net change, the transaction row and the transfers. Foreign keys are checked at the end of the
  // statement, when the accounts exist.
  const params: (string | number)[] = [t.id, t.kind, t.referenceId, t.creatorId, t.currency, t.logIndex];
  const p = (v: string | number) => `$${params.push(v)}`;
  const accValues = [...deltas].map(([id, delta]) => {
    const a = parseAccount(id);
    return `(${p(id)}, ${p(a.kind)}, ${p(a.owner)}, ${p(a.currency)}, ${p(delta)}::bigint)`;
  });
  const legValues = t.legs.map((leg) => `($1, ${p(leg.debit)}, ${p(leg.credit)}, ${p(leg.amount)}::bigint, $5)`);
  await tx.query(
    `WITH accounts AS (
       INSERT INTO ledger_accounts (id, kind, owner_id, currency, balance) VALUES ${accValues.join(', ')}
       ON CONFLICT (id) DO UPDATE SET balance = ledger_accounts.balance + EXCLUDED.balance RETURNING id
     ), txn AS (
       INSERT INTO ledger_transactions (id, kind, reference_id, creator_id, currency, log_index) VALUES ($1, $2, $3, $4, $5, $6::bigint) RETURNING id
     )
     INSERT INTO ledger_transfers (transaction_id, debit_account, credit_account, amount, currency) VALUES ${legValues.join(', ')}`,
    params,
  );
}

/** Balance of one account, 0 when it has no rows yet. `forUpdate` locks the row until the transaction ends. */
export async function accountBalance(tx: Queryable, id: string, forUpdate = false): Promise<number> {
  const rows = await tx.query<{ balance: string | number }>(
    `SELECT balance FROM ledger_accounts WHERE id = $1${forUpdate ? ' FOR UPDATE' : ''}`,
    [id],
  );
  return Number(rows[0]?.balance ?? 0);
}

export interface LedgerAudit {
  ok: boolean;
  transactions: number;
  transfers: number;
  /** Per currency, the sum of all balances: 0 when the books balance. */
  totals: Record<string, number>;
  /** Accounts whose stored balance differs from the sum of their transfers. */
  mismatchedAccounts: { id: string; stored: number; fromTransfers: number }[];
}

/** Recomputes every balance from the transfers and checks that the books balance per currency. */
export async function auditLedger(db: Queryable): Promise<LedgerAudit> {
  const rows = await db.query<{ id: string; currency: string; stored: string | number; computed: string | number }>(
    `SELECT a.id, a.currency, a.balance AS stored,
            COALESCE((SELECT sum(amount) FROM ledger_transfers WHERE credit_account = a.id), 0)
          - COALESCE((SELECT sum(amount) FROM ledger_transfers WHERE debit_account = a.id), 0) AS computed
       FROM ledger_accounts a`,
  );
  const totals: Record<string, number> = {};
  const mismatchedAccounts: LedgerAudit['mismatchedAccounts'] = [];
  for (const r of rows) {
    const stored = Number(r.stored);
    const computed = Number(r.computed);
    totals[r.currency] = (totals[r.currency] ?? 0) + stored;
    if (stored !== computed) mismatchedAccounts.push({ id: r.id, stored, fromTransfers: computed });
  }
  const counts = await db.query<{ t: number; x: number }>(
    'SELECT (SELECT count(*)::int FROM ledger_transactions) AS t, (SELECT count(*)::int FROM ledger_transfers) AS x',
  );
  const ok = mismatchedAccounts.length === 0 && Object.values(totals).every((v) => v === 0);
  return { ok, transactions: counts[0]!.t, transfers: counts[0]!.x, totals, mismatchedAccounts };
}
