// The test card form used for subscribing, buying a pay-per-view post and tipping. Every submission carries
// an Idempotency-Key made once for it: a double click sends nothing twice (the button is busy), and "Try
// again" after a network failure resends the same key, so the server charges at most once. A definitive
// answer (paid, declined, refused) ends the submission; the next click is a new payment with a new key.
// The price the fan saw goes along as expectedAmount, so a changed price is refused instead of charged.
import { useId, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api } from '../lib/api';
import { paymentProblem } from '../lib/payment-problem';
import type { Money } from '../lib/types';

export const TEST_CARDS = [
  { token: 'tok_visa_success', label: 'Test Visa that is always approved' },
  { token: 'tok_card_declined', label: 'Test card that the bank declines' },
  { token: 'tok_network_error', label: 'Test card whose payment network does not answer' },
] as const;

export interface PaymentResult {
  payment: { id: string; status: 'completed'; amount: Money; kind: string };
  subscription?: { id: string; tierId: string; tierName: string; expiresAt: string };
}

function newKey(): string {
  return `web-${crypto.randomUUID()}`;
}

export function PaymentForm(props: {
  /** What is bought, in words ("Unlock “Sunset walk”"). */
  title: string;
  /** The price shown (null for a tip, where the fan enters the amount through `amountField`). */
  amount: Money | null;
  /** The request body without paymentMethod and expectedAmount. */
  body: () => Record<string, unknown> | string;
  /** Extra fields (the tip amount). */
  children?: ReactNode;
  submitLabel: string;
  onPaid: (r: PaymentResult) => void;
  onPriceChanged?: (current: Money) => void;
  testId: string;
}) {
  const id = useId();
  const [card, setCard] = useState<string>(TEST_CARDS[0].token);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<{ text: string; currentAmount?: Money } | null>(null);
  const submission = useRef<{ key: string; fingerprint: string } | null>(null);
  const inFlight = useRef(false);

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    if (inFlight.current) return; // a second click while the first is on its way
    const base = props.body();
    if (typeof base === 'string') {
      setProblem({ text: base });
      return;
    }
    const body = {
      ...base,
      paymentMethod: { type: 'test_card', cardToken: card },
      ...(props.amount ? { expectedAmount: props.amount } : {}),
    };
    const fingerprint = JSON.stringify(body);
    if (!submission.current || submission.current.fingerprint !== fingerprint) submission.current = { key: newKey(), fingerprint };
    inFlight.current = true;
    setBusy(true);
    setProblem(null);
    try {
      const result = await api<PaymentResult>('/api/v1/payments', { method: 'POST', body, headers: { 'idempotency-key': submission.current.key } });
      submission.current = null;
      props.onPaid(result);
    } catch (err) {
      const x = paymentProblem(err);
      if (!x.retrySameKey) submission.current = null;
      setProblem({ text: x.text, currentAmount: x.currentAmount });
      if (x.currentAmount) props.onPriceChanged?.(x.currentAmount);
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  return (
    <form className="pay" onSubmit={submit} data-testid={props.testId} aria-busy={busy} aria-labelledby={`${id}-title`}>
      <h3 id={`${id}-title`}>{props.title}</h3>
      {props.children}
      <fieldset>
        <legend>Test card</legend>
        <p className="hint" id={`${id}-cards`}>
          This server uses a test payment gateway: no real card is charged. Pick how the test card should behave.
        </p>
        {TEST_CARDS.map((c) => (
          <label key={c.token} className="radio">
            <input type="radio" name={`${id}-card`} value={c.token} checked={card === c.token} onChange={() => setCard(c.token)} aria-describedby={`${id}-cards`} data-testid={`card-${c.token}`} />
            <span>
              <code>{c.token}</code> — {c.label}
            </span>
          </label>
        ))}
      </fieldset>
      {problem && (
        <p className="form-error" role="alert" data-testid="payment-error">
          {problem.text}
        </p>
      )}
      <button type="submit" className="button" disabled={busy} data-testid="pay-submit">
        {busy ? 'Paying…' : problem && submission.current ? 'Try again' : props.submitLabel}
      </button>
    </form>
  );
}
