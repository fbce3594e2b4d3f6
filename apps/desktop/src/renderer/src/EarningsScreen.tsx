// Earnings: balance and payouts from the server, and the transparency log checked on this machine: a
// "verified" badge per statement line means its inclusion proof checks out against a signed tree head
// that is consistent with every head this device saw before.
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { PAYOUT_METHODS, formatMoneyLocale, moneySchema, payoutFee, type Balance, type CurrencyCode } from '@fanz/core';
import { PAYOUT_OUTCOME_UNKNOWN, StudioApiError, type PayoutReceipt } from '../../shared/studio-api';
import { formError } from './errors';
import { useStudio } from './store';
import { BALANCE_TEXT, PAYOUT_METHOD_TEXT, earningsByKind, entryText } from './earnings-text';
import { parsePrice } from './price-input';
import { formatWhen } from './time-text';

function money(v: unknown): string | null {
  const m = moneySchema.safeParse(v);
  return m.success ? formatMoneyLocale(m.data) : null;
}

/** The currency of the available balance (USD when the server names none). */
function payoutCurrency(balance: Balance | null): CurrencyCode {
  return balance?.available.currency ?? 'USD';
}

function summary(entry: Record<string, unknown>): { what: string; amount: string; when: string } {
  const what = entryText(entry);
  const amount = Object.values(entry).map(money).find((x) => x !== null) ?? '';
  const t = entry.createdAt ?? entry.created_at ?? entry.timestamp ?? entry.at;
  const when = typeof t === 'number' || (typeof t === 'string' && !Number.isNaN(Date.parse(t))) ? formatWhen(t) : '';
  return { what, amount, when };
}

/** The payout form: the amount in major units ("12.50") is parsed to minor units by core before it is sent. */
function PayoutForm({ currency, available, onDone }: { currency: CurrencyCode; available: number; onDone: () => Promise<void> }) {
  const client = useStudio((s) => s.client);
  const [amount, setAmount] = useState('');
  const [method, setMethod] = useState<(typeof PAYOUT_METHODS)[number]>('paxum');
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<PayoutReceipt | null>(null);
  const [error, setError] = useState<string | null>(null);
  // One id per submission, kept until its outcome is known: pressing the button again after a lost answer
  // retries the same payout (same signed request and Idempotency-Key) instead of requesting a second one.
  const submission = useRef<{ id: string; amount: string; method: string } | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!client || busy) return;
    setError(null);
    setResult(null);
    const r = parsePrice(amount, currency);
    if (!r.ok) {
      setError(r.message.replace('price', 'amount').replace('A pay-per-view amount', 'The amount'));
      return;
    }
    const parsed = r.money;
    if (submission.current?.amount !== amount.trim() || submission.current.method !== method) {
      submission.current = { id: crypto.randomUUID(), amount: amount.trim(), method };
    }
    setBusy(true);
    try {
      setResult(await client.api.payoutRequest({ amount: parsed, method, submissionId: submission.current.id }));
      submission.current = null;
    } catch (err) {
      if (err instanceof StudioApiError && PAYOUT_OUTCOME_UNKNOWN.has(err.code)) {
        setError(`${formError(err).message ?? 'No answer from the server.'} The payout may have gone through: press "Request payout" again to check and finish it (it will not be paid twice).`);
      } else {
        submission.current = null;
        setError(formError(err).message ?? 'The payout was not requested. Try again.');
      }
    } finally {
      setBusy(false);
      await onDone();
    }
  };
  const preview = amount.trim() ? parsePrice(amount, currency) : null;
  if (available <= 0) {
    return (
      <p className="muted" data-testid="payout-explained">
        Nothing to pay out yet. When fans subscribe, unlock a post or tip you, your share lands here as an available
        balance, and you can send it to Paxum or your bank from this screen (a 1% payout fee applies).
      </p>
    );
  }
  return (
    <form className="payout-form" onSubmit={(e) => void submit(e)} data-testid="payout-form" noValidate>
      <label>
        Amount ({currency}){' '}
        <input aria-invalid={error ? true : undefined} aria-describedby={error ? 'payout-error' : 'payout-hint'} value={amount} onChange={(e) => setAmount(e.target.value)} placeholder="12.50" inputMode="decimal" data-testid="payout-amount" />
      </label>{' '}
      <label>
        Method{' '}
        <select value={method} onChange={(e) => setMethod(e.target.value as (typeof PAYOUT_METHODS)[number])} data-testid="payout-method">
          {PAYOUT_METHODS.map((m) => (
            <option key={m} value={m}>
              {PAYOUT_METHOD_TEXT[m] ?? m}
            </option>
          ))}
        </select>
      </label>{' '}
      <button type="submit" disabled={busy || amount.trim() === ''} data-testid="payout-submit">
        {busy ? 'Requesting…' : 'Request payout'}
      </button>
      <span id="payout-hint" className="muted small">
        {preview?.ok ? ` You receive ${formatMoneyLocale(payoutFee(preview.money).net)} after the 1% payout fee.` : ` Up to ${formatMoneyLocale({ amount: available, currency })}.`}
      </span>
      {result ? (
        <p className="badge-ok" data-testid="payout-result">
          Payout {result.status}: {money(result.amount)} (fee {money(result.transactionFee)}, you receive{' '}
          {money(result.netAmount)}) · reference {result.referenceNumber} · signed by this device
        </p>
      ) : null}
      {error ? (
        <p className="badge-bad" role="alert" id="payout-error" data-testid="payout-error">
          {error}
        </p>
      ) : null}
    </form>
  );
}

export function EarningsScreen() {
  const { earnings, earningsError, refreshEarnings } = useStudio();
  useEffect(() => void refreshEarnings(), [refreshEarnings]);
  const refreshFailed = earningsError ? (
    <p className="badge-bad" role="alert" data-testid="earnings-error">
      {earnings ? `Not refreshed: ${earningsError} What is shown is from the last refresh that worked.` : earningsError}{' '}
      <button type="button" onClick={() => void refreshEarnings()}>
        Try again
      </button>
    </p>
  ) : null;
  if (!earnings) return refreshFailed ?? <p>Loading…</p>;
  if (!earnings.available) {
    return (
      <section className="panel" data-testid="earnings">
        <h2>Earnings</h2>
        {refreshFailed}
        <p className="muted" data-testid="earnings-unavailable">
          {earnings.reason === 'sign in to see earnings' ? 'Sign in (Account) to see your earnings.' : 'Your earnings could not be loaded from the server right now. They appear when it is reachable again.'}
        </p>
      </section>
    );
  }
  const balance = earnings.balance;
  const log = earnings.log;
  const byKind = earningsByKind(log?.entries ?? [], payoutCurrency(balance));
  const maxKind = Math.max(0, ...byKind.map((k) => k.net));
  const availableMinor = balance?.available.amount ?? 0;
  return (
    <section className="panel" data-testid="earnings">
      <h2>Earnings</h2>
      {refreshFailed}
      <dl className="balance">
        {Object.entries(balance ?? {})
          .filter(([k, v]) => BALANCE_TEXT[k] && money(v) !== null)
          .map(([k, v]) => (
            <div key={k}>
              <dt>{BALANCE_TEXT[k]}</dt>
              <dd>{money(v)}</dd>
            </div>
          ))}
      </dl>
      <h3>Where it comes from</h3>
      <ul className="by-kind" data-testid="earnings-by-kind" aria-label="Earnings by kind, after the platform fee">
        {byKind.map((k) => (
          <li key={k.kind}>
            <span className="by-kind-name">{k.text}</span>
            <span className="bar" aria-hidden="true">
              <span style={{ width: `${maxKind ? Math.round((100 * k.net) / maxKind) : 0}%` }} />
            </span>
            <span>{formatMoneyLocale({ amount: k.net, currency: payoutCurrency(balance) })}</span>
          </li>
        ))}
      </ul>
      <h3>
        Transparency log{' '}
        {log ? (
          <span className={log.headVerified ? 'badge-ok' : 'badge-bad'} data-testid="log-badge">
            {log.headVerified ? `verified · ${log.treeSize} ${log.treeSize === 1 ? "entry" : "entries"}` : `not verified: ${log.reason}`}
          </span>
        ) : (
          <span className="muted">{earnings.logError ? 'could not be checked right now' : 'not checked'}</span>
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
                  <td>{e.verified ? <span className="badge-ok">verified</span> : <span className="badge-bad">not verified</span>}</td>
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
      <PayoutForm currency={payoutCurrency(balance)} available={availableMinor} onDone={refreshEarnings} />
      {earnings.payoutsError ? (
        <p className="badge-bad" role="alert" data-testid="payouts-error">
          {earnings.payoutsError.charAt(0).toUpperCase() + earnings.payoutsError.slice(1)}.
        </p>
      ) : earnings.payouts.length === 0 ? (
        <p className="muted">No payouts yet.</p>
      ) : (
        <table className="jobs">
          <tbody>
            {earnings.payouts.map((po) => (
              <tr key={po.payout_id} data-testid="payout-row">
                <td>{formatWhen(po.created_at)}</td>
                <td>{formatMoneyLocale(po.amount)}</td>
                <td>fee {formatMoneyLocale(po.transaction_fee)}</td>
                <td>{po.status}</td>
                <td>{PAYOUT_METHOD_TEXT[po.method] ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
