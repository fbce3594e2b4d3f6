// Everything a creator page and a post view need: the public profile, the public catalog (posts newest
// first, active tiers) and, for a signed-in fan, what they may open (purchases, subscription).
import { api } from './api';
import { getSession } from './session';
import type { Access, Catalog, Profile, PublicPost } from './types';

export interface CreatorData {
  profile: Profile;
  catalog: Catalog;
  access: Access | null;
}

export async function loadCreator(username: string, signal: AbortSignal): Promise<CreatorData> {
  const profile = await api<Profile>(`/api/v1/creators/${encodeURIComponent(username)}`, { auth: false, signal });
  const session = getSession();
  const [catalog, access] = await Promise.all([
    api<Catalog>(`/api/v1/catalog?creatorId=${encodeURIComponent(profile.id)}`, { auth: false, signal }),
    session?.user.role === 'fan' ? api<Access>(`/api/v1/access?creatorId=${encodeURIComponent(profile.id)}`, { signal }) : Promise.resolve(null),
  ]);
  return { profile, catalog, access };
}

export type Lock = { open: true } | { open: false; reason: 'sign_in' | 'buy' | 'subscribe' };

/** Whether the current viewer may open a post, mirroring the server's playback rules. */
export function lockOf(post: PublicPost, data: CreatorData): Lock {
  const session = getSession();
  if (session?.user.id === post.creatorId) return { open: true };
  if (post.visibility === 'free') return session ? { open: true } : { open: false, reason: 'sign_in' };
  const a = data.access;
  if (post.visibility === 'pay_per_view') return a?.purchased_posts.includes(post.id) ? { open: true } : { open: false, reason: 'buy' };
  const subscribed = !!a?.has_subscription && (post.tierIds.length === 0 || (a.subscription_tier_id !== null && post.tierIds.includes(a.subscription_tier_id)));
  return subscribed ? { open: true } : { open: false, reason: 'subscribe' };
}

/** The media shown on the post's card: the chosen thumbnail, else the teaser, else the first media. */
export function coverMedia(post: PublicPost): string | null {
  return post.thumbnailMediaId ?? post.teaserMediaId ?? post.media[0]?.mediaId ?? null;
}
