// Meetups: the creator's VR rooms (issue 19). Schedule one (title, theme, seats, start, length, a ticket
// price and/or a tier whose subscribers get in free), see each with its state and tickets sold, cancel
// with a confirmation (the server refunds every paid ticket), and open the room as host: the fan web
// app's 3D room with host controls (mute, remove), in the browser, so there is one room to maintain.
// Meetups live on the server (seats, tickets, the relay); one scheduled while the server is unreachable is
// kept in the catalog document and shown as waiting to sync until the server lists it.
import { useCallback, useEffect, useState, type FormEvent } from 'react';
import { VR_MAX_CAPACITY, VR_THEMES, type CurrencyCode, type Tier, type VrTheme } from '@fanz/core';
import type { MeetupView } from '../../shared/meetups-api';
import { useStudio } from './store';
import { formError, type FormError } from './errors';
import { Field } from './FormField';
import { currencyChoices, parsePrice } from './price-input';
import { PHASE_TEXT, accessText, defaultStartInput, localInputToIso, meetupPhase, seatsText } from './meetups-text';
import './meetups.css';

const THEME_LABELS: Record<VrTheme, string> = {
  lounge: 'Lounge — warm light, sofas',
  beach: 'Beach — sand, sea, palms',
  rooftop: 'Rooftop — city towers at dusk',
  nightclub: 'Night club — neon and a mirror ball',
  space: 'Space — stars and a planet',
};

interface MeetupForm {
  title: string;
  theme: VrTheme;
  capacity: string;
  start: string;
  duration: string;
  price: string;
  currency: CurrencyCode;
  tierId: string;
}

const blank = (): MeetupForm => ({ title: '', theme: 'lounge', capacity: '20', start: defaultStartInput(Date.now()), duration: '60', price: '', currency: 'USD', tierId: '' });

function when(iso: string): string {
  return new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' }).format(new Date(iso));
}

export function MeetupsScreen() {
  const client = useStudio((s) => s.client)!;
  const session = useStudio((s) => s.session);
  const [meetups, setMeetups] = useState<MeetupView[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [tiers, setTiers] = useState<Tier[]>([]);
  const [form, setForm] = useState<MeetupForm>(blank);
  const [error, setError] = useState<FormError | null>(null);
  const [busy, setBusy] = useState(false);
  const [notice, setNotice] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<string | null>(null);
  const [cancelling, setCancelling] = useState<string | null>(null);
  const set = <K extends keyof MeetupForm>(k: K, v: MeetupForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const load = useCallback(async () => {
    setLoadError(null);
    try {
      setMeetups(await client.api.meetupsList());
    } catch (err) {
      setLoadError(formError(err).message ?? 'The meetups could not be loaded.');
    }
  }, [client]);
  useEffect(() => {
    void load();
    client.api.tiersList().then((t) => setTiers(t.filter((x) => x.active)), () => setTiers([]));
  }, [client, load]);

  const tierName = (id: string) => tiers.find((t) => t.id === id)?.name ?? null;

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    const fields: Record<string, string> = {};
    const startsAt = localInputToIso(form.start);
    if (!startsAt) fields.startsAt = 'Choose a start date and time.';
    const capacity = Number(form.capacity);
    if (!Number.isInteger(capacity) || capacity < 1 || capacity > VR_MAX_CAPACITY) fields.capacity = `Enter a number of seats from 1 to ${VR_MAX_CAPACITY}.`;
    const duration = Number(form.duration);
    if (!Number.isInteger(duration) || duration < 5 || duration > 480) fields.durationMinutes = 'Enter a length from 5 to 480 minutes.';
    const price = form.price.trim() ? parsePrice(form.price, form.currency) : null;
    if (price && !price.ok) fields.price = price.message.replace('A pay-per-view price', 'A ticket price');
    if (!price && !form.tierId) fields.price = 'Set a ticket price, choose a tier whose subscribers get in free, or both.';
    if (Object.keys(fields).length) {
      setError({ message: null, fields });
      return;
    }
    setBusy(true);
    try {
      const created = await client.api.meetupCreate({
        title: form.title,
        theme: form.theme,
        capacity,
        startsAt: startsAt!,
        durationMinutes: duration,
        timezone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        price: price?.ok ? price.money : null,
        tierId: form.tierId || null,
      });
      setNotice(
        created.offline
          ? `${created.message} It shows as “Waiting to sync” until your server lists it.`
          : `“${created.experience.title}” is scheduled. Fans get tickets at ${created.access_url}. ${created.revenue_projection.message}`,
      );
      setForm(blank());
      await load();
    } catch (err) {
      setError(formError(err, ['title', 'capacity', 'startsAt', 'durationMinutes', 'price']));
    } finally {
      setBusy(false);
    }
  };

  const cancel = async (m: MeetupView) => {
    setCancelling(m.experience_id);
    setNotice(null);
    try {
      const r = await client.api.meetupCancel({ id: m.experience_id });
      setNotice(
        `“${m.title}” is cancelled. ${r.refunded} ${r.refunded === 1 ? 'ticket was' : 'tickets were'} refunded.` +
          (r.refundFailures ? ` ${r.refundFailures} refund(s) failed on the server; cancel again to retry them.` : ''),
      );
      setConfirming(null);
      await load();
    } catch (err) {
      setNotice(null);
      setLoadError(`Could not cancel “${m.title}”: ${formError(err).message ?? 'unknown problem'}`);
    } finally {
      setCancelling(null);
    }
  };

  const host = async (m: MeetupView) => {
    try {
      const { url } = await client.api.meetupHostLink({ id: m.experience_id });
      window.open(url, '_blank', 'noopener');
    } catch (err) {
      setLoadError(formError(err).message);
    }
  };

  if (session && !session.signedIn) {
    return (
      <section className="panel narrow" data-testid="meetups">
        <h2>Meetups</h2>
        <p className="notice">Sign in on the Account screen to schedule VR meetups: they live on your server.</p>
      </section>
    );
  }

  const f = error?.fields ?? {};
  const now = Date.now();
  return (
    <section className="panel meetups" aria-labelledby="meetups-title" data-testid="meetups">
      <h2 id="meetups-title">Meetups</h2>
      <p className="muted">Virtual rooms fans join from a headset, phone or browser. Fans buy tickets on your page; you host from the room.</p>
      {notice ? (
        <p role="status" className="notice" data-testid="meetup-notice">
          {notice}
        </p>
      ) : null}
      <div className="meetups-grid">
        <div>
          <h3>Your meetups</h3>
          {loadError ? (
            <div className="error" role="alert" data-testid="meetups-error">
              {loadError}{' '}
              <button type="button" onClick={() => void load()}>
                Try again
              </button>
            </div>
          ) : null}
          {meetups === null && !loadError ? <p role="status">Loading meetups…</p> : null}
          {meetups?.length === 0 ? <p className="muted" data-testid="meetups-empty">No meetups yet. Schedule your first one with the form.</p> : null}
          <ul className="meetup-list" data-testid="meetup-list">
            {meetups?.map((m) => {
              const phase = meetupPhase(m, now);
              return (
                <li key={m.experience_id} data-testid="meetup-row" className={`meetup ${phase}`}>
                  <div className="meetup-head">
                    <strong>{m.title}</strong>
                    <span className={`pill ${m.pending ? 'pending' : phase}`} data-testid="meetup-status">
                      {m.pending ? 'Waiting to sync — tickets go on sale once the studio syncs' : PHASE_TEXT[phase]}
                    </span>
                  </div>
                  <div className="muted">
                    {when(m.scheduling.start_time)} · {m.scheduling.duration_minutes} min · {THEME_LABELS[m.environment.theme].split(' — ')[0]}
                  </div>
                  <div>
                    <span data-testid="meetup-seats">{seatsText(m)}</span> · {accessText(m, tierName)}
                  </div>
                  {confirming === m.experience_id ? (
                    <div className="confirm row" role="group" aria-label={`Cancel ${m.title}?`}>
                      <span>
                        Cancel “{m.title}”? {m.tickets_sold > 0 ? `All ${m.tickets_sold} tickets are refunded and ` : ''}the room closes.
                      </span>
                      <button type="button" className="danger" onClick={() => void cancel(m)} disabled={cancelling !== null} data-testid="meetup-cancel-confirm" autoFocus>
                        {cancelling === m.experience_id ? 'Cancelling…' : 'Yes, cancel it'}
                      </button>
                      <button type="button" onClick={() => setConfirming(null)} disabled={cancelling !== null}>
                        Keep it
                      </button>
                    </div>
                  ) : m.pending ? null : (
                    <div className="row">
                      {phase === 'open' ? (
                        <button type="button" className="primary" onClick={() => void host(m)} data-testid="meetup-host">
                          Open the room as host
                        </button>
                      ) : null}
                      {phase === 'scheduled' || phase === 'open' ? (
                        <>
                          <a href={m.access_url} target="_blank" rel="noreferrer">
                            Fans’ link
                          </a>
                          <button type="button" onClick={() => setConfirming(m.experience_id)} data-testid="meetup-cancel">
                            Cancel meetup
                          </button>
                        </>
                      ) : null}
                    </div>
                  )}
                </li>
              );
            })}
          </ul>
        </div>
        <form onSubmit={(e) => void create(e)} noValidate data-testid="meetup-form" aria-busy={busy}>
          <h3>Schedule a meetup</h3>
          <Field name="title" label="Title" error={f.title} hint="What fans see on the ticket. Up to 200 characters.">
            {(a) => <input {...a} value={form.title} onChange={(e) => set('title', e.target.value)} data-testid="meetup-title" />}
          </Field>
          <Field name="theme" label="Room">
            {(a) => (
              <select {...a} value={form.theme} onChange={(e) => set('theme', e.target.value as VrTheme)} data-testid="meetup-theme">
                {VR_THEMES.map((t) => (
                  <option key={t} value={t}>
                    {THEME_LABELS[t]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field name="startsAt" label="Starts (your time)" error={f.startsAt}>
            {(a) => <input {...a} type="datetime-local" value={form.start} onChange={(e) => set('start', e.target.value)} data-testid="meetup-start" />}
          </Field>
          <div className="row">
            <Field name="durationMinutes" label="Minutes" error={f.durationMinutes}>
              {(a) => <input {...a} type="number" min={5} max={480} step={5} value={form.duration} onChange={(e) => set('duration', e.target.value)} data-testid="meetup-duration" />}
            </Field>
            <Field name="capacity" label="Seats" error={f.capacity}>
              {(a) => <input {...a} type="number" min={1} max={VR_MAX_CAPACITY} value={form.capacity} onChange={(e) => set('capacity', e.target.value)} data-testid="meetup-capacity" />}
            </Field>
          </div>
          <div className="row">
            <Field name="price" label="Ticket price" error={f.price} hint="Leave empty for a free room for a tier's subscribers.">
              {(a) => <input {...a} inputMode="decimal" value={form.price} onChange={(e) => set('price', e.target.value)} data-testid="meetup-price" />}
            </Field>
            <Field name="currency" label="Currency">
              {(a) => (
                <select {...a} value={form.currency} onChange={(e) => set('currency', e.target.value as CurrencyCode)}>
                  {currencyChoices(null).map((c) => (
                    <option key={c}>{c}</option>
                  ))}
                </select>
              )}
            </Field>
          </div>
          <Field name="tierId" label="Free for subscribers of" hint={tiers.length ? undefined : 'You have no active tiers yet (Account screen).'}>
            {(a) => (
              <select {...a} value={form.tierId} onChange={(e) => set('tierId', e.target.value)} data-testid="meetup-tier">
                <option value="">Nobody (everyone buys a ticket)</option>
                {tiers.map((t) => (
                  <option key={t.id} value={t.id}>
                    {t.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <button type="submit" className="primary" disabled={busy} data-testid="meetup-create">
            {busy ? 'Scheduling…' : 'Schedule meetup'}
          </button>
          {error?.message ? (
            <p className="error" role="alert" data-testid="meetup-form-error">
              {error.message}
            </p>
          ) : null}
        </form>
      </div>
    </section>
  );
}
