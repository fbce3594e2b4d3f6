// End-to-end seconds to score a 60 s video (ffmpeg frame sampling + ONNX classifier + quality + thumbnail),
// against a baseline measured in the same run: the same sampled frames classified by the reference
// nsfwjs on @tensorflow/tfjs (pure JS CPU). Prints the ratio. Run: npm run bench -- scoring-video
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { measureQuality } from '@fanz/ml-models';
import { loadReferenceClassifier } from '@fanz/ml-models/reference';
import { resolveBinaries } from '../src/main/services/media/binaries.js';
import { scoreMedia } from '../src/main/services/scoring/scoring-service.js';
import { sampleVideoFrames } from '../src/main/services/scoring/frame-decoder.js';

const dir = mkdtempSync(join(tmpdir(), 'fanz-score-bench-'));
const video = join(dir, 'sixty.mp4');
try {
  execFileSync(resolveBinaries().ffmpeg.path, [
    // 60 s of moving test pattern with a hard cut to colour bars every 5 s (11 scene changes).
    '-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=s=640x360:r=24:d=60', '-f', 'lavfi', '-i', 'smptehdbars=s=640x360:r=24:d=60',
    '-filter_complex', "[0][1]overlay=enable='lt(mod(t\\,10)\\,5)'[v]", '-map', '[v]',
    '-c:v', 'libx264', '-preset', 'ultrafast', '-pix_fmt', 'yuv420p', video,
  ]);
  await scoreMedia(video, { sampling: { maxFrames: 1 } }); // warm-up: opens the onnxruntime session once

  for (const mode of ['even', 'scene'] as const) {
    const t0 = performance.now();
    const r = await scoreMedia(video, { sampling: { mode, maxFrames: 12 } });
    const ours = (performance.now() - t0) / 1000;
    console.log(`60 s 640x360 video, ${mode} sampling, ${r.frames.length} frames: ONNX pipeline ${ours.toFixed(2)} s (decode ${r.timingsMs.decode} ms, classify ${r.timingsMs.classify} ms, quality ${r.timingsMs.quality} ms)`);
    if (mode === 'scene') break; // the tfjs baseline below is measured once, on even sampling

    const reference = await loadReferenceClassifier();
    const t1 = performance.now();
    const frames = await sampleVideoFrames(video, 640, 360, 60, { mode: 'even', maxFrames: 12, sceneThreshold: 0.3, width: 448 });
    for (const f of frames) {
      await reference.infer(f.image);
      measureQuality(f.image);
    }
    const base = (performance.now() - t1) / 1000;
    reference.dispose();
    console.log(`  baseline (same frames, nsfwjs on tfjs cpu): ${base.toFixed(2)} s; ratio ${(base / ours).toFixed(1)}x faster`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
