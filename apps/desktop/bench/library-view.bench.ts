// Library list with the 0-100 quality filter (run: `npm run bench -- library-view`).
// The quality score is computed inside SQLite by a JS user function over three score rows per item (so the
// filter means exactly the number on the cards, also for items scored before the score existed). Baseline in
// the same run: the raw-sharpness filter it replaced (one EXISTS over one score row). Both return the same
// page size from BENCH_ITEMS items (default 50,000); prints median times and the ratio.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStudio } from '../src/main/services/studio.js';
import { listLibrary, registerQualityFunction } from '../src/main/library-view.js';

const ITEMS = Number(process.env.BENCH_ITEMS ?? 50_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 15);

const dir = await mkdtemp(join(tmpdir(), 'fanz-bench-libview-'));
const studio = openStudio({ dataDir: dir });
registerQualityFunction(studio);
const insItem = studio.db.prepare(
  `INSERT INTO media_items (id, kind, path, file_name, title, content_hash, size_bytes, mtime_ms, status, created_at, updated_at)
   VALUES (?, 'video', ?, ?, ?, ?, 1000, 0, 'ready', ?, ?)`,
);
const insScore = studio.db.prepare(`INSERT INTO scores (item_id, model, label, score, created_at) VALUES (?, 'quality', ?, ?, 0)`);
let seed = 7;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
studio.db.transaction(() => {
  for (let i = 0; i < ITEMS; i++) {
    const id = `med_bench${String(i).padStart(8, '0')}`;
    insItem.run(id, `/b/${i}.mp4`, `${i}.mp4`, `clip ${i}`, `h${i}`, i, i);
    // Sharpness spread over the measured range (0 .. ~2000, log-uniform), exposure 0.3-1, noise 0-10.
    insScore.run(id, 'sharpness', 10 ** (rand() * 3.3));
    insScore.run(id, 'exposure', 0.3 + 0.7 * rand());
    insScore.run(id, 'noise', 10 * rand());
  }
})();

const rawSharpness = studio.db.prepare(
  `SELECT m.id FROM media_items m
   WHERE EXISTS (SELECT 1 FROM scores s WHERE s.item_id = m.id AND s.model = 'quality' AND s.label = 'sharpness' AND s.score >= @sharp)
   ORDER BY m.created_at DESC, m.id DESC LIMIT 200`,
);

// The id query listLibrary runs for the quality filter (library-view.ts), on its own.
const qualityIds = studio.db.prepare(
  `SELECT m.id FROM media_items m
   WHERE fanz_quality(
     (SELECT score FROM scores s WHERE s.item_id = m.id AND s.model = 'quality' AND s.label = 'sharpness'),
     (SELECT score FROM scores s WHERE s.item_id = m.id AND s.model = 'quality' AND s.label = 'exposure'),
     (SELECT score FROM scores s WHERE s.item_id = m.id AND s.model = 'quality' AND s.label = 'noise')) >= @minq
   ORDER BY m.created_at DESC, m.id DESC LIMIT 200`,
);

function median(f: () => void): number {
  const t: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const s = performance.now();
    f();
    t.push(performance.now() - s);
  }
  return t.sort((a, b) => a - b)[Math.floor(t.length / 2)]!;
}

// A selective filter (few items pass, so the scan is long) and a loose one.
// Thresholds chosen so both filters pass a similar share of items (selective, loose, nearly none).
for (const [minQuality, sharp] of [
  [60, 30],
  [80, 300],
  [99, 1900],
] as const) {
  const passing = (qualityIds.all({ minq: minQuality }) as unknown[]).length;
  const base = median(() => rawSharpness.all({ sharp }));
  const ids = median(() => qualityIds.all({ minq: minQuality }));
  const full = median(() => listLibrary(studio, { minQuality, limit: 200 }));
  console.log(
    `${ITEMS} items, quality >= ${minQuality} (${passing} returned, page of 200): filter SQL ${ids.toFixed(1)} ms vs raw-sharpness SQL ${base.toFixed(1)} ms (ratio ${(ids / base).toFixed(1)}x); whole listLibrary page ${full.toFixed(1)} ms`,
  );
}
await studio.close();
await rm(dir, { recursive: true, force: true });
