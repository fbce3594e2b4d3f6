// /c/:username/post/:postId: one post. Open posts load a playback URL per media (video through the hls.js
// player, photos as images); locked ones show the blurred preview, the lock and the way to open them.
import { lazy, Suspense, useState } from 'react';
import { Layout } from '../components/layout';
import { PaymentForm } from '../components/payment-form';
import { lockText, PostCover } from '../components/post-card';
import { ErrorBox, Loading } from '../components/status';
import { api } from '../lib/api';
import { ApiError, errorText } from '../lib/api-error';
import { loadCreator, lockOf, type CreatorData } from '../lib/creator-data';
import { price } from '../lib/money';
import { Link } from '../lib/router';
import type { MediaRef, Playback, PublicPost } from '../lib/types';
import { useAsync } from '../lib/use-async';
import { useSession } from '../lib/use-session';

// The player (and hls.js with it) is its own chunk, fetched only when a post with video is opened.
const VideoPlayer = lazy(() => import('../player/video-player').then((m) => ({ default: m.VideoPlayer })));

function playbackError(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.status === 403) return 'You do not have access to this media.';
    if (err.status === 404) return 'This media is not available.';
    if (err.status === 409) return 'This media is still being prepared by the creator. Try again later.';
  }
  return errorText(err);
}

function MediaItem({ media, post }: { media: MediaRef; post: PublicPost }) {
  const state = useAsync((signal) => api<Playback>(`/api/v1/media/${encodeURIComponent(media.mediaId)}/playback`, { signal }), [media.mediaId]);
  const label = media.caption || post.title;
  if (state.status === 'loading') return <Loading what="the media" />;
  if (state.status === 'error') {
    return (
      <div className="status error" role="alert" data-testid="media-error">
        <p>{playbackError(state.error)}</p>
        <button type="button" onClick={state.reload}>
          Try again
        </button>
      </div>
    );
  }
  const p = state.data;
  if (p.kind === 'image') {
    return <img className="photo" src={p.url} alt={media.caption ? media.caption : `Photo from “${post.title}”`} data-testid="photo" />;
  }
  return (
    <Suspense fallback={<Loading what="the player" />}>
      <VideoPlayer playback={p} title={label} />
    </Suspense>
  );
}

function Unlock({ post, data, onOpened }: { post: PublicPost; data: CreatorData; onOpened: () => void }) {
  const session = useSession();
  const lock = lockOf(post, data);
  const [shown, setShown] = useState(post.price);
  if (lock.open) return null;
  if (lock.reason === 'sign_in' || !session) {
    return (
      <p className="locked-note">
        <Link href={`/signin?next=${encodeURIComponent(location.pathname)}`}>Sign in</Link> or{' '}
        <Link href={`/signup?next=${encodeURIComponent(location.pathname)}`}>create a fan account</Link> to open this post.
      </p>
    );
  }
  if (session.user.role !== 'fan') return <p className="locked-note">Sign in with a fan account to open this post.</p>;
  if (lock.reason === 'subscribe') {
    return (
      <p className="locked-note">
        This post is for subscribers. <Link href={`/c/${encodeURIComponent(data.profile.username)}`}>See the subscription tiers</Link>.
      </p>
    );
  }
  if (!shown) return <p className="locked-note">This post has no price yet.</p>;
  return (
    <PaymentForm
      testId="buy-form"
      title={`Unlock “${post.title}” for ${price(shown)}`}
      amount={shown}
      submitLabel={`Pay ${price(shown)}`}
      body={() => ({ postId: post.id })}
      onPriceChanged={(m) => setShown(m)}
      onPaid={onOpened}
    />
  );
}

export function PostView({ username, postId }: { username: string; postId: string }) {
  const state = useAsync((signal) => loadCreator(username, signal), [username]);
  if (state.status === 'loading') {
    return (
      <Layout title="Post">
        <Loading what="the post" />
      </Layout>
    );
  }
  if (state.status === 'error') {
    return (
      <Layout title="Post">
        <ErrorBox error={state.error} what="this post" onRetry={state.reload} />
      </Layout>
    );
  }
  const data = state.data;
  const post = data.catalog.posts.find((p) => p.id === postId);
  if (!post) {
    return (
      <Layout title="Post not found">
        <section className="card">
          <h1>Post not found</h1>
          <p>
            It may have been removed or not published yet. <Link href={`/c/${encodeURIComponent(data.profile.username)}`}>Back to {data.profile.displayName}</Link>.
          </p>
        </section>
      </Layout>
    );
  }
  const lock = lockOf(post, data);
  return (
    <Layout title={post.title}>
      <p className="crumbs">
        <Link href={`/c/${encodeURIComponent(data.profile.username)}`}>← {data.profile.displayName}</Link>
      </p>
      <article className="post-view" data-testid="post-view" data-locked={lock.open ? 'false' : 'true'}>
        <h1>{post.title}</h1>
        <p className="post-meta">
          <time dateTime={post.publishedAt}>{new Date(post.publishedAt).toLocaleString()}</time>
        </p>
        {lock.open ? (
          post.media.length === 0 ? (
            <p className="hint">This post has no media.</p>
          ) : (
            post.media.map((m) => <MediaItem key={m.mediaId} media={m} post={post} />)
          )
        ) : (
          <>
            <div className="cover-wrap large">
              <PostCover post={post} open={false} eager />
              <span className="lock" data-testid="post-lock">
                {lockText(post, lock.reason)}
              </span>
            </div>
            <Unlock post={post} data={data} onOpened={state.reload} />
          </>
        )}
        {post.description && <p className="description">{post.description}</p>}
        {post.tags.length > 0 && (
          <ul className="tags" aria-label="Tags">
            {post.tags.map((t) => (
              <li key={t}>#{t}</li>
            ))}
          </ul>
        )}
      </article>
    </Layout>
  );
}
