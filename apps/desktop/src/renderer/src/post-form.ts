// The post editor's form state and its conversions to and from a Post / PostDraft. Prices are typed as
// creators write them and parsed to integer minor units (price-input.ts) before they leave the form.
import { toDecimalString, type CurrencyCode, type Post } from '@fanz/core';
import type { PostDraft } from '../../shared/studio-api';
import { parsePrice } from './price-input';
import { formatWhen, toLocalInput } from './time-text';

export type Visibility = Post['visibility'];

export interface PostForm {
  title: string;
  description: string;
  tags: string;
  mediaIds: string[];
  teaserMediaId: string | null;
  thumbnailMediaId: string | null;
  visibility: Visibility;
  price: string;
  currency: CurrencyCode;
  scheduleAt: string;
}

export function emptyForm(currency: CurrencyCode = 'USD'): PostForm {
  return { title: '', description: '', tags: '', mediaIds: [], teaserMediaId: null, thumbnailMediaId: null, visibility: 'free', price: '', currency, scheduleAt: '' };
}

export function fromPost(p: Post): PostForm {
  return {
    title: p.title,
    description: p.description,
    tags: p.tags.join(', '),
    mediaIds: p.media.map((m) => m.mediaId),
    teaserMediaId: p.teaserMediaId,
    thumbnailMediaId: p.thumbnailMediaId,
    visibility: p.visibility,
    price: p.price ? toDecimalString(p.price) : '',
    currency: (p.price?.currency ?? 'USD') as CurrencyCode,
    scheduleAt: toLocalInput(p.scheduledAt),
  };
}

/** The draft to send, or the price problem in words. */
export function toDraft(form: PostForm, id: string | undefined): { draft: PostDraft } | { priceError: string } {
  let price = null;
  if (form.visibility === 'pay_per_view') {
    const r = parsePrice(form.price, form.currency);
    if (!r.ok) return { priceError: r.message };
    price = r.money;
  }
  return {
    draft: {
      ...(id ? { id } : {}),
      title: form.title,
      description: form.description,
      tags: form.tags.split(',').map((t) => t.trim()).filter(Boolean),
      mediaIds: form.mediaIds,
      teaserMediaId: form.teaserMediaId,
      thumbnailMediaId: form.thumbnailMediaId,
      visibility: form.visibility,
      price,
    },
  };
}

export function statusLabel(p: Post): string {
  if (p.status === 'scheduled' && p.scheduledAt) return `Scheduled for ${formatWhen(p.scheduledAt)}`;
  if (p.status === 'published' && p.publishedAt) return `Published ${formatWhen(p.publishedAt)}`;
  return 'Draft';
}

/** The currency of the creator's most recent priced post, for the price field's default. */
export function usualCurrency(posts: Post[]): CurrencyCode | null {
  const priced = posts.filter((p) => p.price).sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
  return (priced[0]?.price?.currency as CurrencyCode | undefined) ?? null;
}
