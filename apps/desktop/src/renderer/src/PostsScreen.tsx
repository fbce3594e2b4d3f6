// Posts: the list and the editor (title, description, tags, media, visibility, price, schedule). Prices are
// typed in major units and parsed to integer minor units with the currency's exponent before they leave
// the form; the backend validates everything again with the core schemas.
import { useEffect, useState, type FormEvent, type ReactNode } from 'react';
import type { LibraryItemDetail, PostDraft, PublishWarningView } from '../../shared/studio-api';
import { CURRENCY_CODES, parseAmount, toDecimalString, type CurrencyCode, type Post } from '@fanz/core';
import { useStudio } from './store';
import { formError, type FormError } from './errors';

type Visibility = Post['visibility'];

interface Form {
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

const EMPTY: Form = { title: '', description: '', tags: '', mediaIds: [], teaserMediaId: null, thumbnailMediaId: null, visibility: 'free', price: '', currency: 'USD', scheduleAt: '' };

function toLocalInput(iso: string | null): string {
  if (!iso) return '';
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

function fromPost(p: Post): Form {
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

export const TIME_ZONE = Intl.DateTimeFormat().resolvedOptions().timeZone;

export function statusLabel(p: Post): string {
  if (p.status === 'scheduled' && p.scheduledAt) return `scheduled ${new Date(p.scheduledAt).toLocaleString()}`;
  if (p.status === 'published' && p.publishedAt) return `published ${new Date(p.publishedAt).toLocaleString()}`;
  return 'draft';
}

/** Library details (renditions, scores) of the chosen media, re-fetched when the selection changes. */
function useMediaDetails(mediaIds: string[]): LibraryItemDetail[] {
  const client = useStudio((s) => s.client)!;
  const [items, setItems] = useState<LibraryItemDetail[]>([]);
  const key = mediaIds.join(',');
  useEffect(() => {
    let live = true;
    void Promise.all(mediaIds.map((id) => client.api.libraryItem({ id }).catch(() => null))).then((r) => {
      if (live) setItems(r.filter((x): x is LibraryItemDetail => x !== null));
    });
    return () => {
      live = false;
    };
    // Re-fetch when the selection changes (by value), not on every render's new array.
  }, [client, key]);
  return items;
}

/** The content label local scoring stored for an item (one-hot rows), or undefined when not scored. */
function contentLabel(it: LibraryItemDetail): string | undefined {
  return ['explicit', 'suggestive', 'safe'].find((l) => it.scores.some((s) => s.model === 'content-label' && s.label === l && s.score === 1));
}

/**
 * What local scoring says about the chosen media: the content label (which visibility fits), technical
 * quality, and the frame picked as the best thumbnail. Advice only; the creator decides.
 */
function Recommendations({ mediaIds, items, visibility }: { mediaIds: string[]; items: LibraryItemDetail[]; visibility: Visibility }) {
  if (mediaIds.length === 0) return <aside className="recommend muted">Pick media to see what local scoring suggests.</aside>;
  return (
    <aside className="recommend" data-testid="recommendations">
      <h3>Recommendations</h3>
      {items.map((it) => {
        const score = (model: string, label: string) => it.scores.find((s) => s.model === model && s.label === label)?.score;
        const label = contentLabel(it);
        const sharp = score('quality', 'sharpness');
        const thumbAt = score('quality', 'thumbnail_time_s');
        return (
          <div key={it.id} className="rec-item">
            <strong>{it.title}</strong>
            {label ? (
              <p>
                Content: {label}
                {label !== 'safe' && visibility === 'free' ? <span className="field-error"> — consider subscribers or pay-per-view</span> : null}
              </p>
            ) : (
              <p className="muted">Not scored yet.</p>
            )}
            {sharp !== undefined ? <p>Sharpness {(sharp * 100).toFixed(0)}%</p> : null}
            {thumbAt !== undefined ? <p>Best thumbnail at {thumbAt.toFixed(1)} s</p> : null}
          </div>
        );
      })}
    </aside>
  );
}

/**
 * Picks the public teaser and thumbnail from the post's media that have a teaser or poster rendition,
 * showing each candidate's content label (public placements should be `safe`).
 */
function TeaserPicker({
  form,
  details,
  set,
  fieldError,
}: {
  form: Form;
  details: LibraryItemDetail[];
  set: <K extends keyof Form>(k: K, v: Form[K]) => void;
  fieldError: (k: string) => ReactNode;
}) {
  const candidates = details.filter((d) => form.mediaIds.includes(d.id) && d.renditions.some((r) => r.kind === 'teaser' || r.kind === 'poster'));
  const text = (d: LibraryItemDetail) => `${d.title} (${contentLabel(d) ?? 'not scored'})`;
  const pick = (k: 'teaserMediaId' | 'thumbnailMediaId', name: string) => (
    <label>
      {name}
      <select data-testid={`post-${k === 'teaserMediaId' ? 'teaser' : 'thumbnail'}`} value={form[k] ?? ''} onChange={(e) => set(k, e.target.value || null)}>
        <option value="">None</option>
        {candidates.map((d) => (
          <option key={d.id} value={d.id}>
            {text(d)}
          </option>
        ))}
      </select>
      {fieldError(k)}
    </label>
  );
  return (
    <fieldset data-testid="teaser-picker">
      <legend>Public teaser and thumbnail</legend>
      {candidates.length === 0 ? (
        <span className="muted">Chosen media with a teaser or poster appears here.</span>
      ) : (
        <>
          <ul className="small">
            {candidates.map((d) => (
              <li key={d.id} data-testid="teaser-candidate">
                {text(d)}
              </li>
            ))}
          </ul>
          <div className="row">
            {pick('teaserMediaId', 'Teaser')}
            {pick('thumbnailMediaId', 'Thumbnail')}
          </div>
          <span className="muted small">Shown to everyone, also for locked posts: it should be labelled safe.</span>
        </>
      )}
    </fieldset>
  );
}

function Editor({ post, onSaved }: { post: Post | null; onSaved: (id: string) => void }) {
  const client = useStudio((s) => s.client)!;
  const library = useStudio((s) => s.library.items);
  const [form, setForm] = useState<Form>(post ? fromPost(post) : EMPTY);
  const [baseline, setBaseline] = useState<Form>(form);
  const [error, setError] = useState<FormError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [shownId, setShownId] = useState(post?.id);
  // Label warnings for the draft about to go public, and the draft (as JSON) the creator confirmed them for.
  const [warnings, setWarnings] = useState<{ key: string; list: PublishWarningView[] } | null>(null);
  const [confirmedKey, setConfirmedKey] = useState<string | null>(null);
  const details = useMediaDetails(form.mediaIds);
  // Another device's edit (arriving by sync) refreshes the form, unless the creator is mid-edit here:
  // then their typing wins on screen and the merge happens field by field when they save.
  const fresh = post ? fromPost(post) : EMPTY;
  const dirty = JSON.stringify(form) !== JSON.stringify(baseline);
  if (shownId !== post?.id || (!dirty && JSON.stringify(fresh) !== JSON.stringify(baseline))) {
    setShownId(post?.id);
    setForm(fresh);
    setBaseline(fresh);
    if (shownId !== post?.id) setError(null);
  }
  const set = <K extends keyof Form>(k: K, v: Form[K]) => setForm((f) => ({ ...f, [k]: v }));

  const save = async (e: FormEvent, then?: 'schedule' | 'unschedule' | 'publish') => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    let price = null;
    if (form.visibility === 'pay_per_view') {
      try {
        price = parseAmount(form.price, form.currency, { allowZero: false });
      } catch (err) {
        setError({ message: `Price: ${(err as Error).message}`, fields: { price: (err as Error).message } });
        return;
      }
    }
    const draft: PostDraft = {
      ...(post ? { id: post.id } : {}),
      title: form.title,
      description: form.description,
      tags: form.tags.split(',').map((t) => t.trim()).filter(Boolean),
      mediaIds: form.mediaIds,
      teaserMediaId: form.teaserMediaId,
      thumbnailMediaId: form.thumbnailMediaId,
      visibility: form.visibility,
      price,
    };
    try {
      // A post that is (or is about to be) public is checked against the stored labels first; a warning
      // must be confirmed before saving. Drafts are never held back.
      const goingPublic = then === 'schedule' || then === 'publish' || (then !== 'unschedule' && post !== null && post.status !== 'draft');
      if (goingPublic) {
        const key = JSON.stringify(draft);
        const check = await client.api.postPublishCheck(draft);
        if (check.warnings.length > 0 && confirmedKey !== key) {
          setWarnings({ key, list: check.warnings });
          setError({ message: 'Check the content warnings below and confirm to publish anyway.', fields: {} });
          return;
        }
        setWarnings(check.warnings.length > 0 ? { key, list: check.warnings } : null);
      } else {
        setWarnings(null);
      }
      let saved = await client.api.postSave(draft);
      if (then === 'schedule') {
        if (!form.scheduleAt) {
          setError({ message: 'Pick a release date and time', fields: { scheduledAt: 'required' } });
          onSaved(saved.id);
          return;
        }
        saved = await client.api.postSchedule({ id: saved.id, at: new Date(form.scheduleAt).toISOString() });
      } else if (then === 'unschedule') {
        saved = await client.api.postUnschedule({ id: saved.id });
      }
      let waiting = false;
      if (then === 'publish') {
        const r = await client.api.postPublish({ id: saved.id });
        saved = r.post;
        waiting = r.waitingForUpload;
      }
      setNotice(
        then === 'schedule'
          ? `Scheduled for ${new Date(saved.scheduledAt!).toLocaleString()} (${TIME_ZONE})`
          : then === 'publish'
            ? waiting
              ? 'Uploading the media first: the post goes public as soon as the upload is done (progress in Jobs).'
              : 'Published'
            : 'Saved',
      );
      setForm(fromPost(saved));
      setBaseline(fromPost(saved));
      onSaved(saved.id);
    } catch (err) {
      setError(formError(err));
    }
  };

  const fieldError = (k: string) => (error?.fields[k] ? <span className="field-error" data-testid={`error-${k}`}>{error.fields[k]}</span> : null);
  const ready = library.filter((i) => i.status === 'ready');
  return (
    <div className="editor-wrap">
      <form className="editor" onSubmit={(e) => void save(e)} data-testid="post-editor">
        <h2>{post ? 'Edit post' : 'New post'}</h2>
        <label>
          Title
          <input data-testid="post-title" value={form.title} onChange={(e) => set('title', e.target.value)} />
          <span className="muted small">{form.title.length}/200</span>
          {fieldError('title')}
        </label>
        <label>
          Description
          <textarea data-testid="post-description" rows={4} value={form.description} onChange={(e) => set('description', e.target.value)} />
          {fieldError('description')}
        </label>
        <label>
          Tags (comma separated)
          <input data-testid="post-tags" value={form.tags} onChange={(e) => set('tags', e.target.value)} />
          {fieldError('tags')}
        </label>
        <fieldset>
          <legend>Media</legend>
          {ready.length === 0 ? <span className="muted">Ready media from the library appears here.</span> : null}
          <div className="media-pick">
            {ready.slice(0, 60).map((i) => (
              <label key={i.id} className="check">
                <input
                  type="checkbox"
                  data-testid="post-media"
                  checked={form.mediaIds.includes(i.id)}
                  onChange={(e) =>
                    setForm((f) => {
                      const mediaIds = e.target.checked ? [...f.mediaIds, i.id] : f.mediaIds.filter((m) => m !== i.id);
                      // A teaser or thumbnail must stay one of the post's media.
                      const keep = (m: string | null) => (m !== null && mediaIds.includes(m) ? m : null);
                      return { ...f, mediaIds, teaserMediaId: keep(f.teaserMediaId), thumbnailMediaId: keep(f.thumbnailMediaId) };
                    })
                  }
                />
                {i.title}
              </label>
            ))}
          </div>
        </fieldset>
        <TeaserPicker form={form} details={details} set={set} fieldError={fieldError} />
        <fieldset>
          <legend>Who can see it</legend>
          {(['free', 'subscribers', 'pay_per_view'] as const).map((v) => (
            <label key={v} className="check">
              <input type="radio" name="visibility" data-testid={`visibility-${v}`} checked={form.visibility === v} onChange={() => set('visibility', v)} />
              {v === 'free' ? 'Free' : v === 'subscribers' ? 'Subscribers' : 'Pay per view'}
            </label>
          ))}
          {form.visibility === 'pay_per_view' ? (
            <div className="row">
              <input data-testid="post-price" inputMode="decimal" placeholder="12.99" value={form.price} onChange={(e) => set('price', e.target.value)} />
              <select data-testid="post-currency" value={form.currency} onChange={(e) => set('currency', e.target.value as CurrencyCode)}>
                {CURRENCY_CODES.map((c) => (
                  <option key={c}>{c}</option>
                ))}
              </select>
              {fieldError('price')}
            </div>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>Release (times in {TIME_ZONE})</legend>
          <div className="row">
            <input type="datetime-local" data-testid="post-schedule-at" value={form.scheduleAt} onChange={(e) => set('scheduleAt', e.target.value)} />
            <button type="button" data-testid="post-schedule" onClick={(e) => void save(e, 'schedule')}>Save and schedule</button>
            {post?.status === 'scheduled' ? (
              <button type="button" onClick={(e) => void save(e, 'unschedule')}>Unschedule</button>
            ) : null}
            {fieldError('scheduledAt')}
          </div>
        </fieldset>
        {warnings ? (
          <div className="error" data-testid="publish-warnings">
            <ul>
              {warnings.list.map((w, n) => (
                <li key={n} data-testid="publish-warning">{w.message}</li>
              ))}
            </ul>
            <label className="check">
              <input
                type="checkbox"
                data-testid="publish-confirm"
                checked={confirmedKey === warnings.key}
                onChange={(e) => setConfirmedKey(e.target.checked ? warnings.key : null)}
              />
              I have checked these and want to publish anyway
            </label>
          </div>
        ) : null}
        {error ? <div className="error" role="alert" data-testid="post-error">{error.message.slice(0, 400)}</div> : null}
        {notice ? <div className="notice" data-testid="post-notice">{notice}</div> : null}
        <div className="row">
          <button type="submit" className="primary" data-testid="post-save">Save</button>
          {post?.status !== 'published' ? (
            <button type="button" data-testid="post-publish" onClick={(e) => void save(e, 'publish')}>Save and publish now</button>
          ) : null}
          {post ? <span className="muted" data-testid="post-status">{statusLabel(post)}</span> : null}
        </div>
      </form>
      <Recommendations mediaIds={form.mediaIds} items={details} visibility={form.visibility} />
    </div>
  );
}

export function PostsScreen() {
  const { posts, editingPostId, editPost } = useStudio();
  const current = posts.find((p) => p.id === editingPostId) ?? null;
  return (
    <section className="posts">
      <aside className="post-list">
        <button className="primary" data-testid="post-new" onClick={() => editPost(null)}>New post</button>
        <ul>
          {posts.map((p) => (
            <li key={p.id}>
              <button data-testid="post-item" className={p.id === editingPostId ? 'active' : ''} onClick={() => editPost(p.id)}>
                <strong>{p.title}</strong>
                <span className="muted small">
                  {p.visibility === 'pay_per_view' && p.price ? `${toDecimalString(p.price)} ${p.price.currency} · ` : ''}
                  {statusLabel(p)}
                </span>
              </button>
            </li>
          ))}
        </ul>
      </aside>
      <Editor post={current} onSaved={(id) => editPost(id)} />
    </section>
  );
}
