// Importing 1,000 files at once (plus a missing path and an unsupported file): the import reports what it
// skipped and why, the jobs queue up, the UI keeps answering meanwhile, and the library grid renders only
// the tiles on screen.
import { expect, test } from '@playwright/test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';
import { startStudio, tempDir, type Proc } from '../processes.js';

/** A valid 8x8 RGB PNG whose pixels encode n, so every file has different content (no de-duplication). */
function png(n: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(8, 0);
  ihdr.writeUInt32BE(8, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // RGB
  const rows: number[] = [];
  for (let y = 0; y < 8; y++) {
    rows.push(0);
    for (let x = 0; x < 8; x++) rows.push((n >> 8) & 255, n & 255, (x * 32 + y * 4) & 255);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(Buffer.from(rows))),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

let studio: { proc: Proc; url: string } | null = null;
test.afterEach(async () => {
  await studio?.proc.stop();
});

test.setTimeout(240_000);
test('imports 1,000 files at once: jobs queue, skipped files are explained, the UI stays responsive', async ({ page }) => {
  const media = tempDir('bulk');
  const folder = join(media, 'shoot');
  mkdirSync(folder);
  for (let i = 0; i < 1000; i++) writeFileSync(join(folder, `frame-${String(i).padStart(4, '0')}.png`), png(i));
  writeFileSync(join(media, 'notes.txt'), 'not media');

  studio = await startStudio(tempDir('studio'), 'http://127.0.0.1:9');
  await page.goto(studio.url);
  await page.getByTestId('import-paths').fill([folder, join(media, 'notes.txt'), join(media, 'missing.mp4')].join('\n'));
  await page.getByTestId('import-submit').click();
  // While the import runs, the UI still answers: switch screens and back.
  await page.getByTestId('nav-jobs').click();
  await expect(page.getByTestId('jobs')).toBeVisible();
  await page.getByTestId('nav-library').click();
  await expect(page.getByTestId('import-message')).toContainText('Imported 1000; processing started (see Jobs). Not imported:', { timeout: 150_000 });
  await expect(page.getByTestId('import-message')).toContainText('unsupported file type .txt');
  await expect(page.getByTestId('library-count')).toHaveText('1000 items');
  // Virtualized: far fewer tiles in the DOM than items, and scrolling brings in later ones.
  const tiles = await page.getByTestId('library-tile').count();
  expect(tiles).toBeGreaterThan(0);
  expect(tiles).toBeLessThan(200);
  await page.getByTestId('library-grid').evaluate((el) => (el.scrollTop = el.scrollHeight));
  await expect(page.getByTestId('library-tile').last()).toBeVisible();
  await page.getByTestId('library-search').fill('frame 0999');
  await expect(page.getByTestId('library-tile')).toHaveCount(1);
  await page.getByTestId('nav-jobs').click();
  await expect(page.getByTestId('job-row').first()).toBeVisible();
  await page.screenshot({ path: test.info().outputPath('bulk-import-jobs.png') });
});
