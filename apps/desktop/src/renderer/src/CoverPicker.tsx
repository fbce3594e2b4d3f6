// A clip's cover, chosen by looking: the frames of the scrubbing sprite as buttons, the frame local scoring
// suggests marked, "Use the suggested frame" in one click. The new cover (and the blurred preview fans see
// on locked posts) is made from the original on this computer.
import { useState } from 'react';
import type { LibraryItemDetail } from '../../shared/studio-api';
import { useStudio } from './store';
import { formError } from './errors';
import { formatMoment } from './media-text';

/** At most this many frames on screen (evenly spread over the clip). */
const MAX_FRAMES = 12;

export function CoverPicker({ item, onChanged }: { item: LibraryItemDetail; onChanged: (d: LibraryItemDetail) => void }) {
  const client = useStudio((s) => s.client)!;
  const [busy, setBusy] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  if (item.frames.length === 0) return null;
  const step = Math.max(1, Math.ceil(item.frames.length / MAX_FRAMES));
  const frames = item.frames.filter((_, i) => i % step === 0);
  const suggested = item.suggestedFrameS;
  // The frame shown for the suggestion: the last one starting at or before it.
  const suggestedFrame = suggested === null ? null : [...item.frames].reverse().find((f) => f.timeS <= suggested + 1e-6) ?? null;
  const use = async (timeS: number) => {
    setBusy(timeS);
    setError(null);
    setNotice(null);
    try {
      onChanged(await client.api.coverFromFrame({ id: item.id, timeS }));
      setNotice(`Cover set to the frame at ${formatMoment(timeS)}.`);
    } catch (err) {
      setError(formError(err).message ?? 'The cover could not be changed.');
    } finally {
      setBusy(null);
    }
  };
  return (
    <section aria-labelledby="cover-title" data-testid="cover-picker">
      <h4 id="cover-title">Cover</h4>
      {suggested !== null ? (
        <button type="button" className="link" disabled={busy !== null} onClick={() => void use(suggested)} data-testid="cover-suggested">
          Use the suggested frame ({formatMoment(suggested)})
        </button>
      ) : null}
      <div className="frames" role="group" aria-label="Frames to use as the cover">
        {frames.map((f) => (
          <button
            type="button"
            key={f.timeS}
            className={`frame ${suggestedFrame?.timeS === f.timeS ? 'suggested' : ''}`}
            disabled={busy !== null}
            onClick={() => void use(f.timeS)}
            aria-label={`Use the frame at ${formatMoment(f.timeS)} as the cover`}
            data-testid="cover-frame"
          >
            <span
              className="frame-img"
              style={{
                width: f.w,
                height: f.h,
                backgroundImage: `url("${client.itemFileUrl(item.id, f.sheet)}")`,
                backgroundPosition: `-${f.x}px -${f.y}px`,
              }}
            />
            <span className="small">{formatMoment(f.timeS)}</span>
          </button>
        ))}
      </div>
      {busy !== null ? <p role="status">Making the new cover…</p> : null}
      {notice ? <p role="status" className="small" data-testid="cover-notice">{notice}</p> : null}
      {error ? <p className="error" role="alert">{error}</p> : null}
    </section>
  );
}
