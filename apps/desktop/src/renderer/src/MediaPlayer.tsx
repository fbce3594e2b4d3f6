// Plays an item's local HLS renditions in the item panel with hls.js (Chromium has no native HLS), or
// natively where the browser can (Safari/Electron on macOS). Errors are said in words, never as codes.
import { useEffect, useRef, useState } from 'react';
import Hls from 'hls.js';

export function MediaPlayer({ src, poster, title }: { src: string; poster: string | undefined; title: string }) {
  const video = useRef<HTMLVideoElement>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const el = video.current;
    if (!el) return;
    setError(null);
    if (Hls.isSupported()) {
      // No worker: the studio's content security policy allows no blob: workers.
      const hls = new Hls({ enableWorker: false });
      hls.on(Hls.Events.ERROR, (_e, data) => {
        if (data.fatal) setError('This clip could not be played. Try transcoding it again from the Jobs screen.');
      });
      hls.loadSource(src);
      hls.attachMedia(el);
      return () => hls.destroy();
    }
    if (el.canPlayType('application/vnd.apple.mpegurl')) {
      el.src = src;
      return;
    }
    setError('This browser cannot play streaming video.');
  }, [src]);
  return (
    <div className="player">
      <video ref={video} controls preload="metadata" poster={poster} aria-label={`Play ${title}`} data-testid="media-player" />
      {error ? (
        <p className="error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
