// The shapes the fan web reads from /api/v1 (see the server's route schemas).
import type { Money } from '@fanz/core';

export type { Money };

export interface Profile {
  id: string;
  username: string;
  displayName: string;
  bio: string;
  avatarUrl: string | null;
}

export interface MediaRef {
  mediaId: string;
  kind: 'video' | 'image' | 'audio';
  caption?: string;
}

export interface PublicPost {
  id: string;
  creatorId: string;
  title: string;
  description: string;
  tags: string[];
  media: MediaRef[];
  teaserMediaId: string | null;
  thumbnailMediaId: string | null;
  visibility: 'free' | 'subscribers' | 'pay_per_view';
  price: Money | null;
  tierIds: string[];
  publishedAt: string;
}

export interface Tier {
  id: string;
  name: string;
  price: Money;
  interval: 'month' | 'year';
  benefits: string[];
}

export interface Catalog {
  creatorId: string | null;
  posts: PublicPost[];
  tiers: Tier[];
}

export interface Access {
  has_subscription: boolean;
  subscription_tier: string | null;
  subscription_tier_id: string | null;
  expires_at: string | null;
  purchased_posts: string[];
}

export interface Playback {
  url: string;
  expiresAt: string;
  kind: 'video' | 'image';
  posterUrl: string | null;
  thumbnailsUrl: string | null;
}

export interface CreatorRef {
  id: string;
  username: string;
  displayName: string;
}

export interface Purchase {
  paymentId: string;
  kind: 'pay_per_view' | 'tip';
  status: 'completed' | 'refunded' | 'charged_back';
  amount: Money;
  createdAt: string;
  creator: CreatorRef;
  post: { id: string; title: string | null } | null;
  access: 'active' | 'expired' | 'revoked' | 'used_up' | null;
}

export interface FanSubscription {
  id: string;
  tierId: string;
  tierName: string;
  status: 'active' | 'expired' | 'revoked';
  currentPeriodEnd: string;
  startedAt: string;
  amount: Money | null;
  creator: CreatorRef;
}
