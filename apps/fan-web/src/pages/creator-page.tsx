// /c/:username: the creator's profile, subscription tiers (subscribe), a tip form, and posts newest first.
import { useState } from 'react';
import { parseAmount, type CurrencyCode } from '@fanz/core';
import { Layout } from '../components/layout';
import { PaymentForm } from '../components/payment-form';
import { PostCard } from '../components/post-card';
import { Empty, ErrorBox, Loading } from '../components/status';
import { ApiError } from '../lib/api-error';
import { loadCreator, type CreatorData } from '../lib/creator-data';
import { perInterval, price } from '../lib/money';
import { Link } from '../lib/router';
import type { Tier } from '../lib/types';
import { useAsync } from '../lib/use-async';
import { useSession } from '../lib/use-session';

export function Avatar({ profile, size = 96 }: { profile: CreatorData['profile']; size?: number }) {
  const [failed, setFailed] = useState(false);
  if (!profile.avatarUrl || failed) {
    return (
      <span className="avatar initials" style={{ width: size, height: size }} role="img" aria-label={`${profile.displayName} has no avatar`}>
        {profile.displayName.slice(0, 1).toUpperCase()}
      </span>
    );
  }
  return <img className="avatar" src={profile.avatarUrl} alt={`Avatar of ${profile.displayName}`} width={size} height={size} onError={() => setFailed(true)} />;
}

function SignInFirst({ what }: { what: string }) {
  return (
    <p className="hint">
      <Link href={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> or{' '}
      <Link href={`/signup?next=${encodeURIComponent(location.pathname)}`}>create a fan account</Link> to {what}.
    </p>
  );
}

function TierCard({ tier, data, onChange }: { tier: Tier; data: CreatorData; onChange: () => void }) {
  const session = useSession();
  const [open, setOpen] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const current = data.access?.subscription_tier_id === tier.id;
  return (
    <li className="tier" data-testid="tier">
      <h3>{tier.name}</h3>
      <p className="price" data-testid="tier-price">
        {perInterval(tier.price, tier.interval)}
      </p>
      {tier.benefits.length > 0 ? (
        <ul className="benefits">
          {tier.benefits.map((b) => (
            <li key={b}>{b}</li>
          ))}
        </ul>
      ) : (
        <p className="hint">No benefits listed.</p>
      )}
      {current ? (
        <p className="ok" data-testid="tier-subscribed">
          Subscribed{data.access?.expires_at ? ` until ${new Date(data.access.expires_at).toLocaleDateString()}` : ''}.
        </p>
      ) : done ? (
        <p className="ok" role="status">
          {done}
        </p>
      ) : !session ? (
        <SignInFirst what="subscribe" />
      ) : session.user.role !== 'fan' ? (
        <p className="hint">Sign in with a fan account to subscribe.</p>
      ) : open ? (
        <PaymentForm
          testId="subscribe-form"
          title={`Subscribe to ${tier.name} for ${perInterval(tier.price, tier.interval)}`}
          amount={tier.price}
          submitLabel={`Pay ${price(tier.price)}`}
          body={() => ({ subscriptionId: tier.id })}
          onPriceChanged={onChange}
          onPaid={(r) => {
            setDone(`Subscribed to ${tier.name}${r.subscription ? ` until ${new Date(r.subscription.expiresAt).toLocaleDateString()}` : ''}.`);
            onChange();
          }}
        />
      ) : (
        <button type="button" className="button" onClick={() => setOpen(true)} data-testid="tier-subscribe">
          Subscribe
        </button>
      )}
    </li>
  );
}

function TipBox({ data }: { data: CreatorData }) {
  const session = useSession();
  const currency = (data.catalog.tiers[0]?.price.currency ?? data.catalog.posts.find((p) => p.price)?.price?.currency ?? 'USD') as CurrencyCode;
  const [text, setText] = useState('5.00');
  const [thanks, setThanks] = useState<string | null>(null);
  const amountOf = () => {
    try {
      return parseAmount(text, currency, { allowZero: false });
    } catch {
      return null;
    }
  };
  const amount = amountOf();
  return (
    <section className="card" aria-labelledby="tip-title">
      <h2 id="tip-title">Send a tip</h2>
      {thanks && (
        <p className="ok" role="status" data-testid="tip-thanks">
          {thanks}
        </p>
      )}
      {!session ? (
        <SignInFirst what="send a tip" />
      ) : session.user.role !== 'fan' ? (
        <p className="hint">Sign in with a fan account to send a tip.</p>
      ) : (
        <PaymentForm
          testId="tip-form"
          title={`Tip ${data.profile.displayName}`}
          amount={null}
          submitLabel={amount ? `Send ${price(amount)}` : 'Send tip'}
          body={() => {
            const a = amountOf();
            return a ? { tip: { creatorId: data.profile.id, amount: a } } : `Enter an amount in ${currency}, like 5.00.`;
          }}
          onPaid={(r) => {
            setThanks(`Thank you! Your tip of ${price(r.payment.amount)} was sent.`);
          }}
        >
          <label>
            Amount ({currency})
            <input inputMode="decimal" value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!amount} data-testid="tip-amount" />
          </label>
        </PaymentForm>
      )}
    </section>
  );
}

export function CreatorPage({ username }: { username: string }) {
  const state = useAsync((signal) => loadCreator(username, signal), [username]);
  const [, setTick] = useState(0);

  if (state.status === 'loading') {
    return (
      <Layout title={`@${username}`}>
        <Loading what={`@${username}`} />
      </Layout>
    );
  }
  if (state.status === 'error') {
    const missing = state.error instanceof ApiError && state.error.status === 404;
    return (
      <Layout title={missing ? 'Not found' : `@${username}`}>
        {missing ? (
          <section className="card">
            <h1>No creator called @{username}</h1>
            <p>
              Check the spelling, or <Link href="/">search again</Link>.
            </p>
          </section>
        ) : (
          <ErrorBox error={state.error} what="this creator" onRetry={state.reload} />
        )}
      </Layout>
    );
  }
  const data = state.data;
  const { profile, catalog } = data;
  return (
    <Layout title={profile.displayName}>
      <section className="profile" aria-labelledby="creator-name">
        <Avatar profile={profile} />
        <div>
          <h1 id="creator-name" data-testid="creator-name">
            {profile.displayName}
          </h1>
          <p className="handle">@{profile.username}</p>
          {profile.bio ? <p className="bio" data-testid="creator-bio">{profile.bio}</p> : <p className="hint">No bio yet.</p>}
          {data.access?.has_subscription && (
            <p className="ok" data-testid="subscription-badge">
              You subscribe ({data.access.subscription_tier}).
            </p>
          )}
        </div>
      </section>

      <section aria-labelledby="tiers-title">
        <h2 id="tiers-title">Subscriptions</h2>
        {catalog.tiers.length === 0 ? (
          <Empty>{profile.displayName} has no subscription tiers yet.</Empty>
        ) : (
          <ul className="tiers">
            {catalog.tiers.map((t) => (
              <TierCard key={t.id} tier={t} data={data} onChange={() => (state.reload(), setTick((n) => n + 1))} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="posts-title">
        <h2 id="posts-title">
          Posts <span className="count">({catalog.posts.length})</span>
        </h2>
        {catalog.posts.length === 0 ? (
          <Empty>No posts yet. Check back soon.</Empty>
        ) : (
          <ul className="posts" data-testid="posts">
            {catalog.posts.map((p) => (
              <PostCard key={p.id} post={p} data={data} username={profile.username} />
            ))}
          </ul>
        )}
      </section>

      <TipBox data={data} />
    </Layout>
  );
}
