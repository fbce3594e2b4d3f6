// The first-run checklist on the Account screen: what a new creator sets up and does first, each step
// ticked from real state (profile, tiers, library, posts) with a button to the place to do it.
import { useEffect, useState } from 'react';
import { useStudio, type Screen } from './store';

interface Step {
  id: string;
  text: string;
  done: boolean;
  go?: Screen;
  action?: string;
}

export function GettingStarted() {
  const client = useStudio((s) => s.client)!;
  const { posts, library, setScreen } = useStudio();
  const [profileDone, setProfileDone] = useState<boolean | null>(null);
  const [tierDone, setTierDone] = useState<boolean | null>(null);
  useEffect(() => {
    client.api.profileGet().then((p) => setProfileDone(p.bio.trim() !== '' && p.avatarUrl !== null), () => setProfileDone(false));
    client.api.tiersList().then((t) => setTierDone(t.some((x) => x.active)), () => setTierDone(false));
    // Re-checked when posts change: tiers and the profile are edited on this same screen.
  }, [client, posts]);
  const steps: Step[] = [
    { id: 'profile', text: 'Write a bio and add an avatar so fans know who you are', done: profileDone === true },
    { id: 'tier', text: 'Add a subscription tier with its monthly price', done: tierDone === true },
    { id: 'import', text: 'Import your first clip or photo', done: library.total > 0, go: 'library', action: 'Go to Library' },
    { id: 'post', text: 'Write a post and choose who can see it', done: posts.length > 0, go: 'posts', action: 'Write a post' },
    { id: 'schedule', text: 'Schedule or publish it', done: posts.some((p) => p.status !== 'draft'), go: 'schedule', action: 'Open the calendar' },
  ];
  const done = steps.filter((s) => s.done).length;
  if (profileDone === null || tierDone === null) return null;
  return (
    <section className="panel narrow getting-started" aria-labelledby="start-title" data-testid="getting-started">
      <h2 id="start-title">Getting started</h2>
      <p className="muted" data-testid="getting-started-count">
        {done === steps.length ? 'All set. New posts, tiers and payouts are always one click away in the menu.' : `${done} of ${steps.length} done`}
      </p>
      <ol>
        {steps.map((s) => (
          <li key={s.id} className={s.done ? 'done' : ''} data-testid={`start-${s.id}`} data-done={s.done}>
            <span aria-hidden="true">{s.done ? '✓' : '○'}</span> {s.text}
            <span className="visually-hidden">{s.done ? ' (done)' : ' (to do)'}</span>
            {!s.done && s.go ? (
              <button type="button" className="link" onClick={() => setScreen(s.go!)}>
                {s.action}
              </button>
            ) : null}
          </li>
        ))}
      </ol>
      <p className="muted small">Payouts go to Paxum or your bank; you choose when you request one on the Earnings screen.</p>
    </section>
  );
}
