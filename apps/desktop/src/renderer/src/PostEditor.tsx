// The post editor: title, description, tags, media (its own list), thumbnail and teaser by picture, who
// can see it and the price (typed like "$9.99" or "9,99"), the release time in the creator's time zone,
// the label check before going public, and beside it what fans will see and what local scoring suggests.
import { useEffect, useState, type FormEvent } from 'react';
import { formatMoneyLocale, type CurrencyCode, type Post } from '@fanz/core';
import type { LibraryItemDetail, PublishWarningView } from '../../shared/studio-api';
import { useStudio } from './store';
import { formError, type FormError } from './errors';
import { Field } from './FormField';
import { emptyForm, fromPost, statusLabel, toDraft, usualCurrency, type PostForm } from './post-form';
import { afterFees, currencyChoices, parsePrice } from './price-input';
import { formatWhenMaybeUtc, TIME_ZONE } from './time-text';
import { PostMediaPicker } from './PostMediaPicker';
import { TeaserPicker } from './TeaserPicker';
import { FanPreview } from './FanPreview';
import { PostRecommendations } from './PostRecommendations';

const FIELDS = ['title', 'description', 'tags', 'price', 'scheduledAt', 'thumbnailMediaId'];

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

export function PostEditor({ post, onSaved }: { post: Post | null; onSaved: (id: string) => void }) {
  const client = useStudio((s) => s.client)!;
  const posts = useStudio((s) => s.posts);
  const showUtc = useStudio((s) => s.showUtc);
  const signedIn = useStudio((s) => s.session?.signedIn ?? false);
  const usual = usualCurrency(posts);
  const blank = emptyForm(usual ?? 'USD');
  const [form, setForm] = useState<PostForm>(post ? fromPost(post) : blank);
  const [baseline, setBaseline] = useState<PostForm>(form);
  const [error, setError] = useState<FormError | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  const [shownId, setShownId] = useState(post?.id);
  // Label warnings for the draft about to go public, and the draft (as JSON) the creator confirmed them for.
  const [warnings, setWarnings] = useState<{ key: string; list: PublishWarningView[] } | null>(null);
  const [confirmedKey, setConfirmedKey] = useState<string | null>(null);
  const details = useMediaDetails(form.mediaIds);
  // Another device's edit (arriving by sync) refreshes the form, unless the creator is mid-edit here:
  // then their typing wins on screen and the merge happens field by field when they save.
  const fresh = post ? fromPost(post) : blank;
  const dirty = JSON.stringify(form) !== JSON.stringify(baseline);
  if (shownId !== post?.id || (!dirty && JSON.stringify(fresh) !== JSON.stringify(baseline))) {
    setShownId(post?.id);
    setForm(fresh);
    setBaseline(fresh);
    if (shownId !== post?.id) setError(null);
  }
  const set = <K extends keyof PostForm>(k: K, v: PostForm[K]) => setForm((f) => ({ ...f, [k]: v }));

  const save = async (e: FormEvent, then?: 'schedule' | 'unschedule' | 'publish') => {
    e.preventDefault();
    setError(null);
    setNotice(null);
    const built = toDraft(form, post?.id);
    if ('priceError' in built) {
      setError({ message: null, fields: { price: built.priceError } });
      return;
    }
    const draft = built.draft;
    if (then === 'schedule' && !form.scheduleAt) {
      setError({ message: null, fields: { scheduledAt: 'Pick a release date and time.' } });
      return;
    }
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
      if (then === 'schedule') saved = await client.api.postSchedule({ id: saved.id, at: new Date(form.scheduleAt).toISOString() });
      else if (then === 'unschedule') saved = await client.api.postUnschedule({ id: saved.id });
      let waiting = false;
      if (then === 'publish') {
        const r = await client.api.postPublish({ id: saved.id });
        saved = r.post;
        waiting = r.waitingForUpload;
      }
      setNotice(
        then === 'schedule'
          ? `Scheduled for ${formatWhenMaybeUtc(saved.scheduledAt!, showUtc)} (your time).`
          : then === 'publish'
            ? waiting
              ? 'Uploading the media first: the post goes public as soon as the upload is done (progress in Jobs).'
              : 'Published.'
            : then === 'unschedule'
              ? 'Unscheduled: it is a draft again.'
              : 'Saved',
      );
      setForm(fromPost(saved));
      setBaseline(fromPost(saved));
      onSaved(saved.id);
    } catch (err) {
      setError(formError(err, FIELDS));
    }
  };

  const f = error?.fields ?? {};
  const price = form.visibility === 'pay_per_view' && form.price.trim() ? parsePrice(form.price, form.currency) : null;
  return (
    <div className="editor-wrap">
      <form className="editor" onSubmit={(e) => void save(e)} data-testid="post-editor" noValidate>
        <h2>{post ? 'Edit post' : 'New post'}</h2>
        {!signedIn ? (
          <p className="notice" data-testid="post-signed-out">
            You are not signed in: drafts are kept on this computer and join your account when you sign in (Account). Scheduling and publishing need the account.
          </p>
        ) : null}
        <Field name="title" label="Title" error={f.title} hint={`${form.title.length} of 200 characters`}>
          {(a) => <input {...a} data-testid="post-title" value={form.title} onChange={(e) => set('title', e.target.value)} />}
        </Field>
        <Field name="description" label="Description" error={f.description}>
          {(a) => <textarea {...a} data-testid="post-description" rows={3} value={form.description} onChange={(e) => set('description', e.target.value)} />}
        </Field>
        <Field name="tags" label="Tags" error={f.tags} hint="Separate tags with commas.">
          {(a) => <input {...a} data-testid="post-tags" value={form.tags} onChange={(e) => set('tags', e.target.value)} />}
        </Field>
        <PostMediaPicker
          selected={form.mediaIds}
          onToggle={(id, on) =>
            setForm((x) => {
              const mediaIds = on ? [...x.mediaIds, id] : x.mediaIds.filter((m) => m !== id);
              // A teaser or thumbnail must stay one of the post's media.
              const keep = (m: string | null) => (m !== null && mediaIds.includes(m) ? m : null);
              return { ...x, mediaIds, teaserMediaId: keep(x.teaserMediaId), thumbnailMediaId: keep(x.thumbnailMediaId) };
            })
          }
        />
        <TeaserPicker
          details={details}
          thumbnailId={form.thumbnailMediaId}
          teaserId={form.teaserMediaId}
          onThumbnail={(id) => set('thumbnailMediaId', id)}
          onTeaser={(id) => set('teaserMediaId', id)}
          error={f.thumbnailMediaId}
        />
        <fieldset>
          <legend>Who can see it</legend>
          {(['free', 'subscribers', 'pay_per_view'] as const).map((v) => (
            <label key={v} className="check">
              <input type="radio" name="visibility" data-testid={`visibility-${v}`} checked={form.visibility === v} onChange={() => set('visibility', v)} />
              {v === 'free' ? 'Free for everyone' : v === 'subscribers' ? 'Subscribers only' : 'Pay per view'}
            </label>
          ))}
          {form.visibility === 'pay_per_view' ? (
            <div className="row price-row">
              <Field
                name="price"
                label="Price"
                error={f.price}
                hint={price?.ok ? `You receive ${afterFees(price.money)} after the platform fee.` : 'For example 9.99, $9.99 or 9,99.'}
              >
                {(a) => <input {...a} data-testid="post-price" inputMode="decimal" placeholder="9.99" value={form.price} onChange={(e) => set('price', e.target.value)} />}
              </Field>
              <Field name="currency" label="Currency">
                {(a) => (
                  <select {...a} data-testid="post-currency" value={form.currency} onChange={(e) => set('currency', e.target.value as CurrencyCode)}>
                    {[...new Set([...currencyChoices(usual), form.currency])].map((c) => (
                      <option key={c}>{c}</option>
                    ))}
                  </select>
                )}
              </Field>
            </div>
          ) : null}
        </fieldset>
        <fieldset>
          <legend>Release</legend>
          <div className="row">
            <Field name="scheduledAt" label={`Date and time (your time, ${TIME_ZONE})`} error={f.scheduledAt}>
              {(a) => <input {...a} type="datetime-local" data-testid="post-schedule-at" value={form.scheduleAt} onChange={(e) => set('scheduleAt', e.target.value)} />}
            </Field>
            <button type="button" data-testid="post-schedule" disabled={!signedIn} onClick={(e) => void save(e, 'schedule')}>
              Save and schedule
            </button>
            {post?.status === 'scheduled' ? (
              <button type="button" onClick={(e) => void save(e, 'unschedule')}>
                Unschedule
              </button>
            ) : null}
          </div>
        </fieldset>
        {warnings ? (
          <div className="error" data-testid="publish-warnings">
            <ul>
              {warnings.list.map((w, n) => (
                <li key={n} data-testid="publish-warning">
                  {w.message}
                </li>
              ))}
            </ul>
            <label className="check">
              <input type="checkbox" data-testid="publish-confirm" checked={confirmedKey === warnings.key} onChange={(e) => setConfirmedKey(e.target.checked ? warnings.key : null)} />
              I have checked these and want to publish anyway
            </label>
          </div>
        ) : null}
        {error?.message ? (
          <div className="error" role="alert" data-testid="post-error">
            {error.message.slice(0, 400)}
          </div>
        ) : null}
        {notice ? (
          <div className="notice" role="status" data-testid="post-notice">
            {notice}
          </div>
        ) : null}
        <div className="row">
          <button type="submit" className="primary" data-testid="post-save">
            Save
          </button>
          {post?.status !== 'published' ? (
            <button type="button" data-testid="post-publish" disabled={!signedIn} onClick={(e) => void save(e, 'publish')}>
              Save and publish now
            </button>
          ) : null}
          {post ? (
            <span className="muted" data-testid="post-status">
              {statusLabel(post)}
              {post.price ? ` · ${formatMoneyLocale(post.price)}` : ''}
            </span>
          ) : null}
        </div>
      </form>
      <aside className="recommend" aria-label="Preview and suggestions">
        <FanPreview form={form} details={details} />
        <PostRecommendations items={details} visibility={form.visibility} />
      </aside>
    </div>
  );
}
