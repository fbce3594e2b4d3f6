// The post view's video player: hls.js is imported here only (a separate chunk, never on the creator page),
// plays the adaptive ladder (Auto, or a fixed quality from the menu), shows the poster, and shows sprite
// thumbnails from the WebVTT while hovering or dragging the seek bar. Native HLS (Safari) is used when
// hls.js cannot run. Errors are told in words; network hiccups are retried by hls.js.
import { useEffect, useRef, useState, type MouseEvent } from 'react';
import type Hls from 'hls.js';
import type { Playback } from '../lib/types';
import { cueAt, parseThumbnailsVtt, type ThumbCue } from './thumbnails';

type HlsInstance = Hls;

interface Level {
  index: number;
  label: string;
}

function clock(s: number): string {
  if (!Number.isFinite(s)) return '0:00';
  const m = Math.floor(s / 60);
  return `${m}:${String(Math.floor(s % 60)).padStart(2, '0')}`;
}

export function VideoPlayer({ playback, title }: { playback: Playback; title: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const hlsRef = useRef<HlsInstance | null>(null);
  const [levels, setLevels] = useState<Level[]>([]);
  const [chosen, setChosen] = useState(-1);
  const [playing, setPlaying] = useState(-1);
  const [state, setState] = useState<'loading' | 'ready' | 'error'>('loading');
  const [error, setError] = useState<string | null>(null);
  const [paused, setPaused] = useState(true);
  const [time, setTime] = useState(0);
  const [duration, setDuration] = useState(0);
  const [cues, setCues] = useState<ThumbCue[]>([]);
  const [hover, setHover] = useState<{ left: number; time: number } | null>(null);

  useEffect(() => {
    const el = video.current!;
    let hls: HlsInstance | null = null;
    let cancelled = false;
    (async () => {
      const { default: HlsJs } = await import('hls.js');
      if (cancelled) return;
      if (HlsJs.isSupported()) {
        hls = new HlsJs({ capLevelToPlayerSize: false, startLevel: -1 });
        hlsRef.current = hls;
        hls.on(HlsJs.Events.MANIFEST_PARSED, (_e, d) => {
          setLevels(
            d.levels
              .map((l, index) => ({ index, label: l.height ? `${l.height}p` : `${Math.round(l.bitrate / 1000)} kbps`, height: l.height }))
              .sort((a, b) => b.height - a.height)
              .map(({ index, label }) => ({ index, label })),
          );
          setState('ready');
        });
        hls.on(HlsJs.Events.LEVEL_SWITCHED, (_e, d) => setPlaying(d.level));
        let recoveries = 0;
        hls.on(HlsJs.Events.ERROR, (_e, d) => {
          if (!d.fatal) return;
          if (d.type === HlsJs.ErrorTypes.MEDIA_ERROR && recoveries++ < 2) return hls?.recoverMediaError();
          if (d.type === HlsJs.ErrorTypes.NETWORK_ERROR && d.response?.code === 403) {
            setError('The video link has expired or you no longer have access. Reload the page to get a new one.');
          } else if (d.type === HlsJs.ErrorTypes.NETWORK_ERROR) {
            setError('The video could not be loaded over the network. Check your connection and reload.');
          } else {
            setError('This video cannot be played in this browser.');
          }
          setState('error');
        });
        hls.loadSource(playback.url);
        hls.attachMedia(el);
      } else if (el.canPlayType('application/vnd.apple.mpegurl')) {
        el.src = playback.url;
        setState('ready');
      } else {
        setError('This browser cannot play adaptive video (HLS).');
        setState('error');
      }
    })().catch(() => {
      setError('The video player could not be loaded. Check your connection and reload.');
      setState('error');
    });
    return () => {
      cancelled = true;
      hls?.destroy();
      hlsRef.current = null;
    };
  }, [playback.url]);

  useEffect(() => {
    if (!playback.thumbnailsUrl) return;
    const ctl = new AbortController();
    fetch(playback.thumbnailsUrl, { signal: ctl.signal })
      .then((r) => (r.ok ? r.text() : ''))
      .then((t) => setCues(parseThumbnailsVtt(t, playback.thumbnailsUrl!)))
      .catch(() => setCues([])); // no thumbnails: the seek bar still works
    return () => ctl.abort();
  }, [playback.thumbnailsUrl]);

  const choose = (index: number) => {
    setChosen(index);
    const hls = hlsRef.current;
    if (!hls) return;
    // -1 is Auto (adaptive); a fixed level switches at once, dropping the buffer ahead.
    if (index === -1) hls.currentLevel = -1;
    else hls.currentLevel = index;
  };

  const toggle = () => {
    const el = video.current!;
    if (el.paused) void el.play().catch(() => setError('Playback was blocked. Press play again.'));
    else el.pause();
  };

  const onHover = (e: MouseEvent<HTMLInputElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    const f = Math.min(1, Math.max(0, (e.clientX - r.left) / r.width));
    setHover({ left: f * r.width, time: f * duration });
  };
  const cue = hover && cues.length ? cueAt(cues, hover.time) : null;
  const current = levels.find((l) => l.index === playing);

  return (
    <figure className="player" data-testid="player" data-state={state}>
      <video
        ref={video}
        poster={playback.posterUrl ?? undefined}
        playsInline
        preload="metadata"
        aria-label={`Video: ${title}`}
        data-testid="video"
        onClick={toggle}
        onPlay={() => setPaused(false)}
        onPause={() => setPaused(true)}
        onTimeUpdate={(e) => setTime(e.currentTarget.currentTime)}
        onDurationChange={(e) => setDuration(e.currentTarget.duration)}
        onLoadedMetadata={(e) => setDuration(e.currentTarget.duration)}
      />
      {state === 'loading' && (
        <p className="status overlay" role="status">
          Loading video…
        </p>
      )}
      {error && (
        <p className="form-error" role="alert" data-testid="player-error">
          {error}
        </p>
      )}
      <div className="controls">
        <button type="button" onClick={toggle} aria-label={paused ? 'Play' : 'Pause'} data-testid="play" disabled={state === 'error'}>
          {paused ? '▶' : '❚❚'}
        </button>
        <div className="seek">
          <input
            type="range"
            min={0}
            max={duration || 0}
            step={0.1}
            value={Math.min(time, duration || 0)}
            aria-label="Seek"
            aria-valuetext={`${clock(time)} of ${clock(duration)}`}
            onChange={(e) => {
              video.current!.currentTime = Number(e.target.value);
            }}
            onMouseMove={onHover}
            onMouseLeave={() => setHover(null)}
            data-testid="seek"
          />
          {hover && (
            <div className="thumb" style={{ left: hover.left }} data-testid="seek-preview" aria-hidden="true">
              {cue && (
                <div
                  className="sprite"
                  data-testid="seek-thumbnail"
                  style={{ width: cue.w, height: cue.h, backgroundImage: `url("${cue.url}")`, backgroundPosition: `-${cue.x}px -${cue.y}px` }}
                />
              )}
              <span>{clock(hover.time)}</span>
            </div>
          )}
        </div>
        <span className="time" aria-hidden="true">
          {clock(time)} / {clock(duration)}
        </span>
        <label className="quality">
          <span className="sr-only">Quality</span>
          <select value={chosen} onChange={(e) => choose(Number(e.target.value))} data-testid="quality" disabled={levels.length === 0}>
            <option value={-1}>Auto{chosen === -1 && current ? ` (${current.label})` : ''}</option>
            {levels.map((l) => (
              <option key={l.index} value={l.index}>
                {l.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" aria-label="Full screen" onClick={() => void video.current?.requestFullscreen?.().catch(() => {})}>
          <svg aria-hidden="true" viewBox="0 0 24 24" width="18" height="18">
            <path fill="currentColor" d="M4 4h6v2H6v4H4zm10 0h6v6h-2V6h-4zM4 14h2v4h4v2H4zm14 0h2v6h-6v-2h4z" />
          </svg>
        </button>
      </div>
      <figcaption className="sr-only">{title}</figcaption>
      <p className="hint" data-testid="playing-level" aria-live="polite">
        {current ? `Playing ${current.label}` : ''}
      </p>
    </figure>
  );
}
