// Earnings: balance and payouts from the server, and the transparency log checked on this machine: a
// "verified" badge per statement line means its inclusion proof checks out against a signed tree head
// that is consistent with every head this device saw before.
import { useEffect, useState, type FormEvent } from 'react';
import { formatMoney, moneySchema, parseAmount, type CurrencyCode } from '@fanz/core';
import { PAYOUT_METHODS, type PayoutReceipt } from '../../shared/studio-api';
import { formError } from './errors';
import { useStudio } from './store';

function money(v: unknown): string | null {
  const m = moneySchema.safeParse(v);
  return m.success ? formatMoney(m.data) : null;
}

/** The currency of the available balance (USD when the server names none). */
function payoutCurrency(balance: Record<string, unknown>): CurrencyCode {
  const m = moneySchema.safeParse(balance.available);
  return m.success ? m.data.currency : 'USD';
}

function summary(entry: Record<string, unknown>): { what: string; amount: string; when: string } {
  const what = String(entry.type ?? entry.kind ?? entry.event ?? 'entry');
  const amount = Object.values(entry).map(money).find((x) => x !== null) ?? '';
  const t = entry.createdAt ?? entry.created_at ?? entry.timestamp ?? entry.at;
  const when = typeof t === 'number' || (typeof t === 'string' && !Number.isNaN(Date.parse(t))) ? new Date(t).toLocaleString() : '';
  return { what, amount, when };
}

/** The payout form: the amount in major units ("12.50") is parsed to minor units by core before it is sent. */
function PayoutForm({ currency, onDone }: { currency: CurrencyCode; onDone: () => Promise<void> }) {
  const client = useStudio((s) => s.client);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<(typeof PAYOUT_METHODS)[number]>('paxum');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PayoutReceipt | null>(null);
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || busy) return;
    setError(null);
    setResult(null);
    let parsed;
    try {
      parsed = parseAmount(amount, currency, { allowZero: false });
    } catch (err) {
      setError(formError(err).message);
      return;
    }
    setBusy(true);
    try {
      setResult(await client.api.payoutRequest({ amount: parsed, method }));
    } catch (err) {
      setError(formError(err).message);
    } finally {
      setBusy(false);
      await onDone();
    }
  };
  return (
    <form className="payout-form" onSubmit={(e) => void submit(e)} data-testid="payout-form">
      <label>
        Amount ({currency}){' '}
        <input value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="12.50" inputMode="decimal" data-testid="payout-amount" />
      </label>{' '}
      <label>
        Method{' '}
        <select value={method} onChange={(e) => setMethod(e.target.value as (typeof PAYOUT_METHODS)[number])} data-testid="payout-method">
          {PAYOUT_METHODS.map((m) => (
            <option key={m} value={m}>
              {m.replace(/_/g, ' ')}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit" disabled={busy || amount.trim() === ''} data-testid="payout-submit">
        {busy ? 'Requesting…' : 'Request payout'}
      </button>
      {result ? (
        <p className="badge-ok" data-testid="payout-result">
          Payout {result.status}: {money(result.amount)} (fee {money(result.transactionFee)}, you receive{' '}
          {money(result.netAmount)}) · ref {result.referenceNumber} · signed by this device, ledger entry #{result.ledgerSeq}
        </p>
      ) : null}
      {error ? (
        <p className="badge-bad" role="alert" data-testid="payout-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

export function EarningsScreen() {
  const { earnings, refreshEarnings } = useStudio();
  useEffect(() => void refreshEarnings(), [refreshEarnings]);
  if (!earnings) return <p>Loading…</p>;
  if (!earnings.available) {
    return (
      <section className="panel" data-testid="earnings">
        <h2>Earnings</h2>
        <p className="muted" data-testid="earnings-unavailable">Earnings need the server: {earnings.reason}</p>
      </section>
    );
  }
  const balance = (earnings.balance ?? {}) as Record<string, unknown>;
  const log = earnings.log;
  return (
    <section className="panel" data-testid="earnings">
      <h2>Earnings</h2>
      <dl className="balance">
        {Object.entries(balance)
          .filter(([, v]) => money(v) !== null)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{k.replace(/_/g, ' ')}</dt>
              <dd>{money(v)}</dd>
            </div>
          ))}
      </dl>
      <h3>
        Transparency log{' '}
        {log ? (
          <span className={log.headVerified ? 'badge-ok' : 'badge-bad'} data-testid="log-badge">
            {log.headVerified ? `verified · ${log.treeSize} entries` : `NOT verified: ${log.reason}`}
          </span>
        ) : (
          <span className="muted">{earnings.logError ?? 'not checked'}</span>
        )}
      </h3>
      {log && log.entries.length > 0 ? (
        <table className="jobs">
          <tbody>
            {log.entries.map((e) => {
              const s = summary(e.entry);
              return (
                <tr key={e.index} data-testid="statement-row">
                  <td>#{e.index}</td>
                  <td>{s.what}</td>
                  <td>{s.amount}</td>
                  <td className="muted">{s.when}</td>
                  <td>{e.verified ? <span className="badge-ok">verified</span> : <span className="badge-bad" title={e.reason ?? ''}>failed: {e.reason}</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      ) : (
        <p className="muted">No money movements yet.</p>
      )}
      {log?.truncated ? <p className="muted">Only the latest 5,000 log entries were checked.</p> : null}
      <h3>Payouts</h3>
      <PayoutForm currency={payoutCurrency(balance)} onDone={refreshEarnings} />
      {earnings.payouts.length === 0 ? (
        <p className="muted">No payouts yet.</p>
      ) : (
        <table className="jobs">
          <tbody>
            {earnings.payouts.map((p, i) => {
              const po = p as Record<string, unknown>;
              return (
                <tr key={String(po.payout_id ?? i)} data-testid="payout-row">
                  <td>{String(po.created_at ?? '')}</td>
                  <td>{money(po.amount)}</td>
                  <td>fee {money(po.transaction_fee)}</td>
                  <td>{String(po.status ?? '')}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}
