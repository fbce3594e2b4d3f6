// /me/purchases and /me/subscriptions: the signed-in fan's own history.
import { Layout } from '../components/layout';
import { Empty, ErrorBox, Loading } from '../components/status';
import { api } from '../lib/api';
import { price } from '../lib/money';
import { Link } from '../lib/router';
import type { FanSubscription, Purchase } from '../lib/types';
import { useAsync } from '../lib/use-async';
import { useSession } from '../lib/use-session';

function NeedsFan({ title }: { title: string }) {
  const session = useSession();
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      <p>
        {session ? 'This page is for fan accounts. ' : ''}
        <Link href={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> with a fan account to see it.
      </p>
    </Layout>
  );
}

const ACCESS_TEXT: Record<NonNullable<Purchase['access']>, string> = {
  active: 'Open',
  expired: 'Access expired',
  revoked: 'Refunded, access removed',
  used_up: 'No views left',
};

function PurchasesList() {
  const state = useAsync((signal) => api<{ purchases: Purchase[] }>('/api/v1/me/purchases', { signal }), []);
  if (state.status === 'loading') return <Loading what="your purchases" />;
  if (state.status === 'error') return <ErrorBox error={state.error} what="your purchases" onRetry={state.reload} />;
  const list = state.data.purchases;
  if (list.length === 0) return <Empty>You have not bought anything yet. Unlocked posts and tips will show up here.</Empty>;
  return (
    <ul className="rows" data-testid="purchases">
      {list.map((p) => (
        <li key={p.paymentId} className="row-item" data-testid="purchase">
          <div>
            {p.kind === 'tip' ? (
              <strong>Tip to {p.creator.displayName}</strong>
            ) : p.post && p.access === 'active' ? (
              <Link href={`/c/${encodeURIComponent(p.creator.username)}/post/${encodeURIComponent(p.post.id)}`}>{p.post.title ?? 'Removed post'}</Link>
            ) : (
              <strong>{p.post?.title ?? 'Removed post'}</strong>
            )}
            <span className="hint">
              {' '}
              by <Link href={`/c/${encodeURIComponent(p.creator.username)}`}>@{p.creator.username}</Link> ·{' '}
              <time dateTime={p.createdAt}>{new Date(p.createdAt).toLocaleDateString()}</time>
            </span>
          </div>
          <div className="right">
            <span>{price(p.amount)}</span>
            <span className="badge">{p.status !== 'completed' ? p.status.replace('_', ' ') : p.access ? ACCESS_TEXT[p.access] : 'Sent'}</span>
          </div>
        </li>
      ))}
    </ul>
  );
}

function SubscriptionsList() {
  const state = useAsync((signal) => api<{ subscriptions: FanSubscription[] }>('/api/v1/me/subscriptions', { signal }), []);
  if (state.status === 'loading') return <Loading what="your subscriptions" />;
  if (state.status === 'error') return <ErrorBox error={state.error} what="your subscriptions" onRetry={state.reload} />;
  const list = state.data.subscriptions;
  if (list.length === 0) return <Empty>You do not subscribe to anyone yet. Find a creator and pick a tier.</Empty>;
  return (
    <ul className="rows" data-testid="subscriptions">
      {list.map((s) => (
        <li key={s.id} className="row-item" data-testid="subscription">
          <div>
            <Link href={`/c/${encodeURIComponent(s.creator.username)}`}>{s.creator.displayName}</Link>
            <span className="hint"> · {s.tierName}</span>
          </div>
          <div className="right">
            {s.amount && <span>{price(s.amount)}</span>}
            <span className="badge">
              {s.status === 'active'
                ? `Active until ${new Date(s.currentPeriodEnd).toLocaleDateString()}`
                : s.status === 'expired'
                  ? `Ended ${new Date(s.currentPeriodEnd).toLocaleDateString()}`
                  : 'Refunded'}
            </span>
          </div>
        </li>
      ))}
    </ul>
  );
}

export function MyPage({ which }: { which: 'purchases' | 'subscriptions' }) {
  const session = useSession();
  const title = which === 'purchases' ? 'My purchases' : 'My subscriptions';
  if (session?.user.role !== 'fan') return <NeedsFan title={title} />;
  return (
    <Layout title={title}>
      <h1>{title}</h1>
      {which === 'purchases' ? <PurchasesList /> : <SubscriptionsList />}
    </Layout>
  );
}
