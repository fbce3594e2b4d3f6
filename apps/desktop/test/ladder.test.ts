// The HLS ladder against real ffmpeg: every rung plays, segments and keyframes line up, the master playlist
// tells the truth, and no GPS / creation time / device name reaches any output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { probe } from '../src/main/services/media/probe.js';
import { processVideo, type VideoResult } from '../src/main/services/media/video.js';
import { parseMasterPlaylist, parseMediaPlaylist } from '../src/main/services/media/hls-playlist.js';
import { planLadder } from '../src/main/services/media/ladder.js';
import { CREATION_TIME, GPS_LOCATION, ffmpeg, ffprobeJson, makeTempDir, makeVideo } from './helpers/fixtures.js';

type Stream = { codec_type: string; codec_name: string; width?: number; height?: number; profile?: string; level?: number; tags?: Record<string, string> };

let tmp: { dir: string; cleanup: () => Promise<void> };
let src: string;
let out: string;
let result: VideoResult;

async function walk(dir: string): Promise<string[]> {
  const files: string[] = [];
  for (const e of await readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) files.push(...(await walk(p)));
    else files.push(p);
  }
  return files;
}

beforeAll(async () => {
  tmp = await makeTempDir();
  src = join(tmp.dir, 'source clip.mp4');
  await makeVideo(src, { width: 1280, height: 720, durationS: 8, sensitiveMetadata: true });
  out = join(tmp.dir, 'out dir'); // one space: fluent-ffmpeg must not split the path
  result = await processVideo(src, await probe(src), out, { preset: 'ultrafast' });
}, 120_000);

afterAll(async () => {
  await tmp?.cleanup();
});

describe('HLS ladder', () => {
  it('encodes every rung at or below the source and none above it', async () => {
    expect(result.rungs.map((r) => r.name)).toEqual(['720p', '480p', '360p']);
    expect((await readdir(join(out, 'hls'))).sort()).toEqual(['360p', '480p', '720p', 'master.m3u8']);
  });

  it('each rung is one media file whose byte ranges (init, then every segment) tile it exactly', async () => {
    for (const r of result.rungs) {
      const dir = join(out, 'hls', r.name);
      expect((await readdir(dir)).sort()).toEqual(['index.m3u8', 'media.mp4']);
      const pl = parseMediaPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'));
      expect(pl.initUri).toBe('media.mp4');
      expect(pl.initRange?.offset).toBe(0);
      let next = pl.initRange?.length ?? -1;
      expect(next).toBeGreaterThan(0);
      for (const s of pl.segments) {
        expect(s.uri).toBe('media.mp4');
        expect(s.byteRange?.offset).toBe(next);
        next += s.byteRange?.length ?? Number.NaN;
      }
      expect(next).toBe((await stat(join(dir, 'media.mp4'))).size);
      // The init range is an ftyp + moov header; every segment range starts with a box (styp/moof/sidx).
      const file = await readFile(join(dir, 'media.mp4'));
      expect(file.subarray(4, 8).toString('latin1')).toBe('ftyp');
      for (const s of pl.segments) expect(['styp', 'moof', 'sidx']).toContain(file.subarray(s.byteRange!.offset + 4, s.byteRange!.offset + 8).toString('latin1'));
    }
  });

  it('every variant is readable by ffprobe with the planned size, H.264 + AAC, and the whole duration', async () => {
    for (const r of result.rungs) {
      const info = (await ffprobeJson(join(out, 'hls', r.name, 'index.m3u8'), ['-show_streams', '-show_format', '-count_packets'])) as {
        streams: Array<Stream & { nb_read_packets?: string }>;
        format: { duration?: string };
      };
      const v = info.streams.find((s) => s.codec_type === 'video');
      const a = info.streams.find((s) => s.codec_type === 'audio');
      expect(v).toMatchObject({ codec_name: 'h264', width: r.width, height: r.height });
      expect(a).toMatchObject({ codec_name: 'aac' });
      expect(Number(v?.nb_read_packets)).toBe(8 * 30);
      expect(Number(info.format.duration)).toBeGreaterThan(7.8);
    }
  });

  it('segments are 4 s (the last may be shorter) and never exceed the target duration', async () => {
    for (const r of result.rungs) {
      const pl = parseMediaPlaylist(await readFile(join(out, 'hls', r.name, 'index.m3u8'), 'utf8'));
      expect(pl.ended).toBe(true);
      expect(pl.initUri).toBeTruthy();
      expect(pl.targetDuration).toBeGreaterThanOrEqual(4);
      expect(pl.targetDuration).toBeLessThanOrEqual(6);
      const d = pl.segments.map((s) => s.durationS);
      expect(d.length).toBe(2);
      for (const x of d.slice(0, -1)) expect(Math.abs(x - 4)).toBeLessThan(0.05);
      for (const x of d) expect(x).toBeLessThanOrEqual(pl.targetDuration + 0.5);
      expect(d.reduce((s, x) => s + x, 0)).toBeCloseTo(8, 1);
    }
  });

  it('keyframes sit at the same timestamps in every rung, every 2 s', async () => {
    const keyTimes: number[][] = [];
    for (const r of result.rungs) {
      const info = (await ffprobeJson(join(out, 'hls', r.name, 'index.m3u8'), ['-select_streams', 'v:0', '-show_entries', 'packet=pts_time,flags'])) as {
        packets: Array<{ pts_time: string; flags: string }>;
      };
      keyTimes.push(info.packets.filter((p) => p.flags.startsWith('K')).map((p) => Math.round(Number(p.pts_time) * 1000)));
    }
    const [first, ...rest] = keyTimes;
    expect(first?.length).toBe(4);
    for (const k of rest) expect(k).toEqual(first);
    const gaps = (first ?? []).slice(1).map((t, i) => t - (first?.[i] ?? 0));
    for (const g of gaps) expect(Math.abs(g - 2000)).toBeLessThanOrEqual(40);
  });

  it('the master playlist lists every rung with its real RESOLUTION, peak BANDWIDTH and CODECS', async () => {
    const entries = parseMasterPlaylist(await readFile(join(out, 'hls', 'master.m3u8'), 'utf8'));
    expect(entries.map((e) => e.uri)).toEqual(['720p/index.m3u8', '480p/index.m3u8', '360p/index.m3u8']);
    for (const [i, r] of result.rungs.entries()) {
      const e = entries[i];
      expect(e?.attrs.RESOLUTION).toBe(`${r.width}x${r.height}`);
      // Measure the peak segment bitrate independently: bytes of each segment's range (+init for the first) / EXTINF.
      const dir = join(out, 'hls', r.name);
      const pl = parseMediaPlaylist(await readFile(join(dir, 'index.m3u8'), 'utf8'));
      const init = pl.initRange?.length ?? Number.NaN;
      let peak = 0;
      for (const [j, s] of pl.segments.entries()) {
        const bytes = (s.byteRange?.length ?? Number.NaN) + (j === 0 ? init : 0);
        peak = Math.max(peak, (bytes * 8) / s.durationS);
      }
      const bandwidth = Number(e?.attrs.BANDWIDTH);
      expect(bandwidth).toBeGreaterThanOrEqual(Math.floor(peak));
      expect(bandwidth).toBeLessThan(peak * 1.01 + 1);
      expect(Number(e?.attrs['AVERAGE-BANDWIDTH'])).toBeLessThanOrEqual(bandwidth);
      // The rung's bitrate follows its target (video + 128k audio), within what a 8 s test clip allows.
      expect(bandwidth).toBeGreaterThan((r.videoKbps + 128) * 1000 * 0.5);
      expect(bandwidth).toBeLessThan((r.videoKbps + 128) * 1000 * 2);
      // CODECS names what is in the stream: avc1.PPCCLL must agree with ffprobe's profile and level.
      const codecs = (e?.attrs.CODECS ?? '').split(',');
      expect(codecs).toContain('mp4a.40.2');
      const avc = codecs.find((c) => c.startsWith('avc1.')) ?? '';
      expect(avc).toMatch(/^avc1\.[0-9a-f]{6}$/);
      const info = (await ffprobeJson(join(dir, 'index.m3u8'), ['-show_streams'])) as { streams: Stream[] };
      const v = info.streams.find((s) => s.codec_type === 'video');
      expect(parseInt(avc.slice(9, 11), 16)).toBe(v?.level);
      const profileIdc = parseInt(avc.slice(5, 7), 16);
      expect(profileIdc).toBe({ High: 100, Main: 77, Baseline: 66, 'Constrained Baseline': 66 }[v?.profile ?? ''] ?? -1);
    }
    const bw = entries.map((e) => Number(e.attrs.BANDWIDTH));
    expect([...bw].sort((a, b) => b - a)).toEqual(bw);
  });

  it('writes a poster, a blurred silent teaser and a sprite sheet with a WebVTT index', async () => {
    const poster = (await ffprobeJson(join(out, 'poster.jpg'), ['-show_streams'])) as { streams: Stream[] };
    expect(poster.streams[0]).toMatchObject({ width: 1280, height: 720 });
    const teaser = (await ffprobeJson(join(out, 'teaser.mp4'), ['-show_streams', '-show_format'])) as { streams: Stream[]; format: { duration: string } };
    expect(teaser.streams.map((s) => s.codec_type)).toEqual(['video']);
    expect(teaser.streams[0]).toMatchObject({ width: 640, height: 360 });
    expect(Number(teaser.format.duration)).toBeLessThanOrEqual(6.1);
    const vtt = await readFile(join(out, 'sprite', 'thumbnails.vtt'), 'utf8');
    expect(vtt.startsWith('WEBVTT')).toBe(true);
    const cues = [...vtt.matchAll(/(\d\d:\d\d:\d\d\.\d{3}) --> (\d\d:\d\d:\d\d\.\d{3})\n(sprite_\d{3}\.jpg)#xywh=(\d+),(\d+),(\d+),(\d+)/g)];
    expect(cues.length).toBe(8);
    expect(cues[cues.length - 1]?.[2]).toBe('00:00:08.000');
    const sheet = (await ffprobeJson(join(out, 'sprite', 'sprite_001.jpg'), ['-show_streams'])) as { streams: Stream[] };
    for (const c of cues) {
      expect(Number(c[4]) + Number(c[6])).toBeLessThanOrEqual(sheet.streams[0]?.width ?? 0);
      expect(Number(c[5]) + Number(c[7])).toBeLessThanOrEqual(sheet.streams[0]?.height ?? 0);
    }
  });

  it('writes a blurred still (preview_blur.jpg) from the poster, smeared beyond recognition and without tags', async () => {
    expect(result.outputs.find((o) => o.kind === 'preview')).toMatchObject({ file: 'preview_blur.jpg', width: 480, height: 270 });
    const still = (await ffprobeJson(join(out, 'preview_blur.jpg'), ['-show_streams', '-show_format'])) as { streams: Stream[]; format: { tags?: Record<string, string> } };
    expect(still.streams[0]).toMatchObject({ codec_name: 'mjpeg', width: 480, height: 270 });
    expect(still.format.tags ?? {}).toEqual({});
    // Edge energy: mean |Laplacian| of the grey picture at 160 x 90 (area-averaged, which also hides JPEG
    // block noise). The poster's bars, text and checkerboard have sharp edges; a 32 px smear has none left.
    const edgeEnergy = async (file: string): Promise<number> => {
      const raw = join(tmp.dir, `${file}.gray`);
      await ffmpeg(['-i', join(out, file), '-vf', 'scale=160:90:flags=area,format=gray', '-f', 'rawvideo', raw]);
      const px = await readFile(raw);
      const at = (x: number, y: number) => px[y * 160 + x]!;
      let sum = 0;
      for (let y = 1; y < 89; y++) for (let x = 1; x < 159; x++) sum += Math.abs(4 * at(x, y) - at(x - 1, y) - at(x + 1, y) - at(x, y - 1) - at(x, y + 1));
      return sum / (158 * 88);
    };
    const sharp = await edgeEnergy('poster.jpg');
    const blurred = await edgeEnergy('preview_blur.jpg');
    expect(sharp).toBeGreaterThan(2);
    expect(blurred).toBeLessThan(sharp / 10);
  });

  it('strips GPS, creation time and device tags from every output', async () => {
    const before = await probe(src);
    expect(before.tags.location).toBe(GPS_LOCATION);
    expect(before.tags.creation_time).toBe(CREATION_TIME);
    expect(before.tags.make).toBe('TestPhone');
    const files = await walk(out);
    const media = files.filter((f) => /\.(mp4|jpg)$/.test(f));
    expect(media.length).toBeGreaterThanOrEqual(6);
    for (const f of media) {
      const info = (await ffprobeJson(f, ['-show_format', '-show_streams'])) as { format: { tags?: Record<string, string> }; streams: Stream[] };
      const tags = { ...(info.format.tags ?? {}), ...Object.assign({}, ...info.streams.map((s) => s.tags ?? {})) } as Record<string, string>;
      expect(Object.keys(tags).filter((k) => /location|creation_time|make|date/i.test(k)), f).toEqual([]);
    }
    // Belt and braces: the raw bytes of every file carry none of the values.
    for (const f of files) {
      const bytes = await readFile(f);
      for (const needle of ['+48.8584', 'TestPhone', '2021-06-01']) expect(bytes.includes(needle), `${needle} in ${f}`).toBe(false);
    }
  });

  it('stores a hash per sampled frame', () => {
    expect(result.phash).toMatch(/^[0-9a-f]{16}(,[0-9a-f]{16}){4}$/);
  });
});

describe('ladder plan', () => {
  it('never upscales: a 640x360 source gets only 360p, a tiny one a single rung at its own size', () => {
    expect(planLadder(640, 360).map((r) => r.name)).toEqual(['360p']);
    expect(planLadder(1920, 1080).map((r) => `${r.width}x${r.height}`)).toEqual(['1920x1080', '1280x720', '854x480', '640x360']);
    const tiny = planLadder(320, 180);
    expect(tiny).toHaveLength(1);
    expect(tiny[0]).toMatchObject({ width: 320, height: 180 });
  });

  it('keeps portrait videos portrait', () => {
    expect(planLadder(720, 1280).map((r) => `${r.width}x${r.height}`)).toEqual(['720x1280', '480x854', '360x640']);
  });

  it('rejects a zero-sized source', () => {
    expect(() => planLadder(0, 720)).toThrow(/invalid source size/);
  });
});

describe('phone-style input', () => {
  it('turns a rotated (portrait) clip without audio into upright portrait rungs with video-only CODECS', async () => {
    const t = await makeTempDir();
    try {
      const raw = join(t.dir, 'raw.mp4');
      await makeVideo(raw, { width: 640, height: 360, durationS: 2, audio: false });
      // Stream copy keeps the display matrix, as a phone writes it (re-encoding would bake it in).
      const rotated = join(t.dir, 'portrait.mp4');
      const { ffmpeg } = await import('./helpers/fixtures.js');
      await ffmpeg(['-i', raw, '-c', 'copy', '-metadata:s:v:0', 'rotate=90', rotated]);
      const info = await probe(rotated);
      expect(info.video?.rotation === 90 || info.video?.rotation === 270).toBe(true);
      expect(info.audio).toBeNull();
      const r = await processVideo(rotated, info, join(t.dir, 'out'), { preset: 'ultrafast' });
      expect(r.rungs.map((x) => `${x.width}x${x.height}`)).toEqual(['360x640']);
      const v = (await ffprobeJson(join(t.dir, 'out', 'hls', '360p', 'index.m3u8'), ['-show_streams'])) as { streams: Stream[] };
      expect(v.streams.map((s) => s.codec_type)).toEqual(['video']);
      expect(v.streams[0]).toMatchObject({ width: 360, height: 640 });
      const master = parseMasterPlaylist(await readFile(join(t.dir, 'out', 'hls', 'master.m3u8'), 'utf8'));
      expect(master[0]?.attrs.CODECS).toMatch(/^avc1\.[0-9a-f]{6}$/);
      expect(master[0]?.attrs.RESOLUTION).toBe('360x640');
    } finally {
      await t.cleanup();
    }
  }, 60_000);
});
