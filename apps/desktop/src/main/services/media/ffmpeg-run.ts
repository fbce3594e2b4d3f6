// Runs one ffmpeg command through fluent-ffmpeg and turns it into a promise with progress, cancellation
// (AbortSignal) and a readable error. Callers build the arguments; this module knows nothing of ladders.
import ffmpeg from 'fluent-ffmpeg';
import { resolveBinaries } from './binaries.js';
import { MediaError } from './errors.js';

export interface FfmpegJob {
  /** One or more inputs, each with its own input options (e.g. `-ss`). */
  inputs: Array<{ path: string; options?: string[] }>;
  complexFilter?: string;
  /** Output options; outputs are given in `outputs` and each takes the options listed before it. */
  outputs: Array<{ path: string; options: string[] }>;
  /** Total media seconds the command will produce, for percent and ETA. */
  durationS?: number;
  onProgress?: (p: { percent: number; etaS: number | null; timeS: number }) => void;
  /** Called with the encoder's pid when it starts and null when it exits (crash recovery uses it). */
  onChild?: (pid: number | null) => void;
  signal?: AbortSignal;
}

// fluent-ffmpeg keeps this many stderr lines for the error message; unlimited would grow with every
// progress line of an hour-long encode.
const STDERR_LINES_KEPT = 200;

function parseTimemark(mark: string | undefined): number {
  if (!mark) return 0;
  const m = /^(-?\d+):(\d+):(\d+(?:\.\d+)?)$/.exec(mark.trim());
  if (!m) return 0;
  return Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3]);
}

// ffmpeg's last stderr lines hold the reason; the banner and the stats lines do not.
function reasonFromStderr(stderr: string): string {
  const lines = stderr
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l && !/^(frame=|size=|video:|\s*(built with|configuration:|lib\w+\s+\d))/.test(l));
  const useful = lines.filter((l) => /error|invalid|no such file|not found|failed|could not|unable|moov atom|does not contain/i.test(l));
  return (useful.length ? useful.slice(-3) : lines.slice(-2)).join(' | ').slice(0, 500);
}

/**
 * fluent-ffmpeg splits an option string that contains exactly one space into two arguments when options come
 * as one array ("-ss 10" style). A path like "/Users/Ann Lee/clip.mp4" or a two-rung var_stream_map would be
 * torn apart, so options are always passed as separate arguments (at least two), which it never splits.
 */
function noSplit(options: string[]): [string, string, ...string[]] {
  const [a = '-nostdin', b = '-hide_banner', ...rest] = options.length >= 2 ? options : [...options, '-hide_banner'];
  return [a, b, ...rest];
}

export function runFfmpeg(job: FfmpegJob): Promise<void> {
  const { ffmpeg: bin } = resolveBinaries();
  return new Promise((resolve, reject) => {
    if (job.signal?.aborted) {
      reject(new MediaError('CANCELLED', 'cancelled before ffmpeg started'));
      return;
    }
    const cmd = ffmpeg({ stdoutLines: STDERR_LINES_KEPT }).setFfmpegPath(bin.path);
    for (const input of job.inputs) {
      cmd.input(input.path);
      // -nostdin: ffmpeg must never wait on the terminal of the CLI that started it.
      cmd.inputOptions(...noSplit(['-nostdin', ...(input.options ?? [])]));
    }
    if (job.complexFilter) cmd.complexFilter(job.complexFilter);
    for (const out of job.outputs) cmd.output(out.path).outputOptions(...noSplit(out.options));

    const started = Date.now();
    let aborted = false;
    const onAbort = () => {
      aborted = true;
      cmd.kill('SIGKILL');
    };
    job.signal?.addEventListener('abort', onAbort, { once: true });

    cmd.on('start', () => {
      const pid = (cmd as unknown as { ffmpegProc?: { pid?: number } }).ffmpegProc?.pid;
      if (pid) job.onChild?.(pid);
    });
    cmd.on('progress', (p: { timemark?: string }) => {
      if (!job.onProgress || !job.durationS) return;
      const timeS = parseTimemark(p.timemark);
      const percent = Math.max(0, Math.min(100, (timeS / job.durationS) * 100));
      const elapsed = (Date.now() - started) / 1000;
      const etaS = percent > 1 ? (elapsed * (100 - percent)) / percent : null;
      job.onProgress({ percent, etaS, timeS });
    });
    cmd.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      job.signal?.removeEventListener('abort', onAbort);
      job.onChild?.(null);
      if (aborted) {
        reject(new MediaError('CANCELLED', 'cancelled'));
      } else if (/killed with signal/.test(err.message)) {
        // Killed by someone else (OOM killer, user): the input may be fine, so a retry may succeed.
        reject(new MediaError('FFMPEG_KILLED', err.message, true));
      } else {
        reject(new MediaError('FFMPEG_FAILED', `ffmpeg failed: ${reasonFromStderr(stderr ?? '') || err.message}`));
      }
    });
    cmd.on('end', () => {
      job.signal?.removeEventListener('abort', onAbort);
      job.onChild?.(null);
      resolve();
    });
    cmd.run();
  });
}

/** Runs ffmpeg writing raw bytes to stdout and returns them (small outputs only, e.g. 9x8 gray frames). */
export function runFfmpegToBuffer(inputPath: string, inputOptions: string[], outputOptions: string[]): Promise<Buffer> {
  return runFfmpegMultiToBuffer([{ path: inputPath, options: inputOptions }], null, outputOptions);
}

export function runFfmpegMultiToBuffer(inputs: Array<{ path: string; options?: string[] }>, complexFilter: string | null, outputOptions: string[]): Promise<Buffer> {
  const { ffmpeg: bin } = resolveBinaries();
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const cmd = ffmpeg({ stdoutLines: STDERR_LINES_KEPT }).setFfmpegPath(bin.path);
    for (const input of inputs) cmd.input(input.path).inputOptions(...noSplit(['-nostdin', ...(input.options ?? [])]));
    if (complexFilter) cmd.complexFilter(complexFilter);
    cmd.outputOptions(...noSplit(outputOptions));
    cmd.on('error', (err: Error, _stdout: string | null, stderr: string | null) => {
      reject(new MediaError('FFMPEG_FAILED', `ffmpeg failed: ${reasonFromStderr(stderr ?? '') || err.message}`));
    });
    // Resolve only when ffmpeg exited cleanly and stdout is drained; either may happen first.
    let streamDone = false;
    let cmdDone = false;
    const finish = () => {
      if (streamDone && cmdDone) resolve(Buffer.concat(chunks));
    };
    cmd.on('end', () => {
      cmdDone = true;
      finish();
    });
    const stream = cmd.pipe();
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => {
      streamDone = true;
      finish();
    });
  });
}
