// One post in a creator's list: its public poster (or the blurred preview while locked), title, date, and a
// lock with the price or the reason when the fan cannot open it yet.
import { useState } from 'react';
import { coverMedia, lockOf, type CreatorData } from '../lib/creator-data';
import { price } from '../lib/money';
import { Link } from '../lib/router';
import type { PublicPost } from '../lib/types';

export function lockText(post: PublicPost, reason: 'sign_in' | 'buy' | 'subscribe'): string {
  if (reason === 'buy' && post.price) return `Unlock for ${price(post.price)}`;
  if (reason === 'subscribe') return 'Subscribers only';
  return 'Sign in to view';
}

export function PostCover({ post, open, eager }: { post: PublicPost; open: boolean; eager?: boolean }) {
  const media = coverMedia(post);
  const [failed, setFailed] = useState(false);
  if (!media || failed) {
    return (
      <div className="cover placeholder" role="img" aria-label={`No preview for “${post.title}”`}>
        <span aria-hidden="true">{post.media[0]?.kind === 'image' ? '🖼' : '▶'}</span>
      </div>
    );
  }
  const src = `/api/v1/media/${encodeURIComponent(media)}/${open ? 'poster' : 'preview'}`;
  return (
    <img
      className={`cover${open ? '' : ' blurred'}`}
      src={src}
      alt={open ? `Poster of “${post.title}”` : `Blurred preview of “${post.title}”`}
      width={640}
      height={360}
      loading={eager ? 'eager' : 'lazy'}
      decoding="async"
      onError={() => setFailed(true)}
    />
  );
}

export function PostCard({ post, data, username }: { post: PublicPost; data: CreatorData; username: string }) {
  const lock = lockOf(post, data);
  const href = `/c/${encodeURIComponent(username)}/post/${encodeURIComponent(post.id)}`;
  const date = new Date(post.publishedAt);
  return (
    <li className="post-card" data-testid="post-card" data-post-id={post.id} data-locked={lock.open ? 'false' : 'true'}>
      <Link href={href} className="post-link" aria-label={`${post.title}${lock.open ? '' : ` (locked: ${lockText(post, lock.reason)})`}`}>
        <div className="cover-wrap">
          <PostCover post={post} open={lock.open} />
          {!lock.open && (
            <span className="lock" data-testid="post-lock">
              <svg aria-hidden="true" viewBox="0 0 24 24" width="16" height="16">
                <path fill="currentColor" d="M12 2a5 5 0 0 0-5 5v3H6a2 2 0 0 0-2 2v8a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-8a2 2 0 0 0-2-2h-1V7a5 5 0 0 0-5-5zm-3 8V7a3 3 0 1 1 6 0v3z" />
              </svg>
              {lockText(post, lock.reason)}
            </span>
          )}
        </div>
        <span className="post-title">{post.title}</span>
      </Link>
      <p className="post-meta">
        <time dateTime={post.publishedAt}>{date.toLocaleDateString(undefined, { year: 'numeric', month: 'short', day: 'numeric' })}</time>
        {' · '}
        {post.visibility === 'free' ? 'Free' : post.visibility === 'subscribers' ? 'Subscribers' : 'Pay per view'}
        {post.media.length > 1 ? ` · ${post.media.length} items` : ''}
      </p>
    </li>
  );
}
