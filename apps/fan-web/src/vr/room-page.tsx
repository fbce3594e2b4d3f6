// /vr/:experienceId — a VR meetup: what it is and when, the fan's ticket (bought through the app's
// payment form, or free for the required tier), and the room itself. The experience and ticket load
// first; three.js only when the fan enters (room-session.tsx loads it), so this chunk stays small.
import { useState } from 'react';
import { vrExperienceViewSchema, vrTicketSchema, type VrExperienceView, type VrTicket } from '@fanz/core/vr';
import { Layout } from '../components/layout';
import { PaymentForm, type PaymentResult } from '../components/payment-form';
import { Empty, ErrorBox, Loading } from '../components/status';
import { api } from '../lib/api';
import { ApiError, errorText } from '../lib/api-error';
import { price } from '../lib/money';
import { Link } from '../lib/router';
import { useAsync } from '../lib/use-async';
import { useSession } from '../lib/use-session';
import { RoomSession } from './room-session';
import { roomClosedReason } from './room-state';
import { heldTicket, holdTicket } from './ticket-store';

/**
 * The studio opens a room as host with the creator's access token in the fragment (#host=...): fragments
 * are never sent to a server. It is taken once and removed from the address bar and history at once.
 */
const hostTokens = new Map<string, string>();
function takeHostToken(): string | null {
  const m = /^#host=([^&]+)$/.exec(location.hash);
  if (m) {
    history.replaceState(history.state, '', location.pathname + location.search);
    try {
      hostTokens.set(location.pathname, decodeURIComponent(m[1]!));
    } catch {
      // not a token: ignored, the page is shown as to anyone
    }
  }
  return hostTokens.get(location.pathname) ?? null;
}

type Access = { kind: 'host'; accessToken: string } | { kind: 'guest'; ticket: VrTicket };

const THEME_NAMES: Record<VrExperienceView['environment']['theme'], string> = {
  lounge: 'Lounge',
  beach: 'Beach',
  rooftop: 'Rooftop',
  nightclub: 'Night club',
  space: 'Space',
};

function when(v: VrExperienceView): string {
  const start = new Date(v.scheduling.start_time);
  const fmt = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });
  return `${fmt.format(start)} · ${v.scheduling.duration_minutes} minutes`;
}

async function loadRoom(experienceId: string, userId: string | null, signal: AbortSignal): Promise<{ view: VrExperienceView; ticket: VrTicket | null }> {
  const view = vrExperienceViewSchema.parse(await api<unknown>(`/api/v1/vr/experiences/${encodeURIComponent(experienceId)}`, { signal, auth: false }));
  if (!userId || userId === view.creator_id) return { view, ticket: null };
  const held = heldTicket(experienceId, userId);
  if (held) return { view, ticket: held };
  const mine = await api<{ ticket: unknown }>(`/api/v1/vr/experiences/${encodeURIComponent(experienceId)}/tickets/mine`, { signal }).catch((err: unknown) => {
    if (err instanceof ApiError && err.status === 403) return { ticket: null }; // a creator account visiting another creator's room
    throw err;
  });
  const ticket = mine.ticket === null ? null : vrTicketSchema.parse(mine.ticket);
  if (ticket) holdTicket(userId, ticket);
  return { view, ticket };
}

function TierTicket({ view, onTicket }: { view: VrExperienceView; onTicket: (t: VrTicket) => void }) {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);
  async function take() {
    setBusy(true);
    setProblem(null);
    try {
      const r = await api<{ ticket: unknown }>(`/api/v1/vr/experiences/${view.experience_id}/tickets`, { method: 'POST' });
      onTicket(vrTicketSchema.parse(r.ticket));
    } catch (err) {
      setProblem(err instanceof ApiError && err.code === 'SOLD_OUT' ? 'Sold out: every seat is taken.' : errorText(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <div className="pay" data-testid="tier-ticket">
      <h3>Free for subscribers of the required tier</h3>
      <p className="hint">If you subscribe to the tier this meetup asks for, your ticket is free.</p>
      {problem && (
        <p className="form-error" role="alert">
          {problem}
        </p>
      )}
      <button type="button" className="button" onClick={() => void take()} disabled={busy} data-testid="tier-ticket-take">
        {busy ? 'Getting your ticket…' : 'Get my free ticket'}
      </button>
    </div>
  );
}

function TicketSection({ view, userId, onTicket }: { view: VrExperienceView; userId: string | null; onTicket: (t: VrTicket) => void }) {
  const [shown, setShown] = useState(view.access_control.price);
  if (!userId) {
    return (
      <p data-testid="room-sign-in">
        <Link href={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> or{' '}
        <Link href={`/signup?next=${encodeURIComponent(location.pathname)}`}>create an account</Link> to get a ticket.
      </p>
    );
  }
  if (view.seats_left === 0) {
    return <Empty>{view.environment.capacity === 1 ? 'Sold out: the only seat is taken.' : `Sold out: all ${view.environment.capacity} seats are taken.`}</Empty>;
  }
  return (
    <>
      {view.access_control.tier_requirement && <TierTicket view={view} onTicket={onTicket} />}
      {shown && (
        <PaymentForm
          testId="ticket-form"
          title={`Ticket for “${view.title}”: ${price(shown)}`}
          amount={shown}
          submitLabel={`Pay ${price(shown)}`}
          body={() => ({ experienceId: view.experience_id })}
          onPriceChanged={setShown}
          onPaid={(r: PaymentResult & { ticket?: unknown }) => onTicket(vrTicketSchema.parse(r.ticket))}
        />
      )}
    </>
  );
}

export default function RoomPage({ experienceId }: { experienceId: string }) {
  const session = useSession();
  const userId = session?.user.id ?? null;
  const state = useAsync((signal) => loadRoom(experienceId, userId, signal), [experienceId, userId]);
  const [bought, setBought] = useState<VrTicket | null>(null);
  const [entered, setEntered] = useState(false);
  const [hostToken] = useState(takeHostToken);

  if (state.status === 'loading') {
    return (
      <Layout title="VR meetup">
        <Loading what="the meetup" />
      </Layout>
    );
  }
  if (state.status === 'error') {
    const notFound = state.error instanceof ApiError && (state.error.status === 404 || state.error.code === 'VALIDATION_ERROR');
    return (
      <Layout title="VR meetup">
        {notFound ? <Empty>There is no meetup at this address. Check the link you were given.</Empty> : <ErrorBox error={state.error} what="the meetup" onRetry={state.reload} />}
      </Layout>
    );
  }
  const { view } = state.data;
  // The server decides at the relay whether the token is this room's creator's; the page only offers.
  const isHost = hostToken !== null || (userId !== null && userId === view.creator_id);
  const ticket = bought ?? state.data.ticket;
  const hostAccess = hostToken ?? (isHost ? session?.accessToken : undefined);
  const access: Access | null = hostAccess ? { kind: 'host', accessToken: hostAccess } : ticket ? { kind: 'guest', ticket } : null;
  const closed = roomClosedReason(view, Date.now(), isHost);

  return (
    <Layout title={view.title}>
      <article className={`vr-page${entered ? ' in-room' : ''}`} data-testid="vr-room-page">
        <header className="vr-head">
          <h1>{view.title}</h1>
          <p className="meta">
            {THEME_NAMES[view.environment.theme]} room · {when(view)} · {view.tickets_sold} of {view.environment.capacity} seats taken
          </p>
          {view.description && !entered && <p>{view.description}</p>}
        </header>
        {entered && access ? (
          <RoomSession view={view} access={access} onLeave={() => setEntered(false)} />
        ) : (
          <>
            {closed && (
              <p className="status empty" data-testid={closed.testId} role="status">
                {closed.text}
              </p>
            )}
            {view.status !== 'cancelled' && !access && !isHost && <TicketSection view={view} userId={userId} onTicket={(t) => (userId && holdTicket(userId, t), setBought(t), state.reload())} />}
            {access && !closed && (
              <div className="vr-enter">
                <p data-testid="ticket-held">{access.kind === 'host' ? 'You are the host of this meetup.' : 'You have a ticket for this meetup.'}</p>
                <button type="button" className="button" onClick={() => setEntered(true)} data-testid="vr-enter" autoFocus>
                  {access.kind === 'host' ? 'Open the room as host' : 'Enter the room'}
                </button>
              </div>
            )}
            {access?.kind === 'guest' && closed && view.status !== 'cancelled' && <p data-testid="ticket-held">You have a ticket; come back when the room opens.</p>}
          </>
        )}
      </article>
    </Layout>
  );
}
