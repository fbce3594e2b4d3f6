// A generated test clip (2 s, 320x240, with a tone) made with the same ffmpeg the studio resolves.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { resolveBinaries } from '../src/main/services/media/binaries.js';

export function makeClip(dir: string, name = 'sunset-walk.mp4'): string {
  const out = join(dir, name);
  execFileSync(resolveBinaries().ffmpeg.path, [
    '-hide_banner', '-loglevel', 'error', '-y',
    '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=15',
    '-f', 'lavfi', '-i', 'sine=frequency=440:sample_rate=44100',
    '-t', '2', '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', '-c:a', 'aac', '-shortest', out,
  ]);
  return out;
}
