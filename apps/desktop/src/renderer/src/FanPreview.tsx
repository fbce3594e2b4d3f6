// The post as a fan will see it on the fan web app: locked (the blurred preview and the price or
// "Subscribers only") and unlocked (the real picture or the player). Built from the editor's form, so it
// updates while the creator types.
import { useState } from 'react';
import { formatMoneyLocale } from '@fanz/core';
import type { LibraryItemDetail } from '../../shared/studio-api';
import type { PostForm } from './post-form';
import { parsePrice } from './price-input';
import { useStudio } from './store';

export function FanPreview({ form, details }: { form: PostForm; details: LibraryItemDetail[] }) {
  const client = useStudio((s) => s.client)!;
  const [view, setView] = useState<'locked' | 'unlocked'>('locked');
  const cover = details.find((d) => d.id === form.thumbnailMediaId) ?? details[0];
  const price = form.visibility === 'pay_per_view' ? parsePrice(form.price, form.currency) : null;
  const lockText =
    form.visibility === 'subscribers' ? 'Subscribers only' : price?.ok ? `Unlock for ${formatMoneyLocale(price.money)}` : 'Pay per view';
  const locked = form.visibility !== 'free' && view === 'locked';
  const picture = cover ? (locked ? cover.lockedPreviewRenditionId : cover.thumbRenditionId) : null;
  return (
    <section className="fan-preview" aria-labelledby="fan-preview-title" data-testid="fan-preview">
      <h3 id="fan-preview-title">What fans see</h3>
      {form.visibility !== 'free' ? (
        <div className="row" role="group" aria-label="Preview as">
          <button type="button" className={view === 'locked' ? 'active' : ''} aria-pressed={view === 'locked'} onClick={() => setView('locked')} data-testid="fan-preview-locked">
            Locked
          </button>
          <button type="button" className={view === 'unlocked' ? 'active' : ''} aria-pressed={view === 'unlocked'} onClick={() => setView('unlocked')} data-testid="fan-preview-unlocked">
            Unlocked
          </button>
        </div>
      ) : (
        <p className="muted small">Free: every fan sees it as below.</p>
      )}
      <div className="fan-card">
        <div className="fan-media">
          {picture ? <img src={client.mediaUrl(picture)} alt={locked ? 'Blurred preview (what locked fans see)' : (cover?.title ?? '')} /> : <span className="muted">No picture yet</span>}
          {locked ? (
            <span className="lock" data-testid="fan-preview-lock">
              <svg width="12" height="14" viewBox="0 0 12 14" aria-hidden="true" className="lock-icon">
                <rect x="1" y="6" width="10" height="8" rx="1.5" fill="currentColor" />
                <path d="M3 6V4a3 3 0 0 1 6 0v2" stroke="currentColor" strokeWidth="1.6" fill="none" />
              </svg>{' '}
              {lockText}
            </span>
          ) : null}
        </div>
        <strong>{form.title || 'Untitled post'}</strong>
        {!locked && form.description ? <p>{form.description}</p> : null}
        {locked ? <p className="muted small">The description and media unlock {form.visibility === 'subscribers' ? 'with a subscription' : 'after paying'}.</p> : null}
      </div>
    </section>
  );
}
