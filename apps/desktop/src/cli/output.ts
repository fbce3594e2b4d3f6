// Output rules of the CLI: with --json, stdout carries exactly one JSON document and everything else
// (progress, notes) goes to stderr. Progress is a redrawn bar on a terminal and plain lines otherwise.

export interface Output {
  json: boolean;
  /** The command's result: JSON on stdout, or the human text. */
  result(data: unknown, human: () => string): void;
  /** A note for people, always on stderr. */
  note(line: string): void;
  progress(label: string): ProgressLine;
}

export interface ProgressLine {
  update(percent: number, etaS: number | null, stage: string | null): void;
  done(final: string): void;
}

function fmtEta(etaS: number | null): string {
  if (etaS === null || !Number.isFinite(etaS)) return '';
  const s = Math.max(0, Math.round(etaS));
  return ` ETA ${Math.floor(s / 60)}:${String(s % 60).padStart(2, '0')}`;
}

/** Where the CLI writes; process.stdout/stderr in real use, buffers in tests. */
export interface Sink {
  write(chunk: string): unknown;
  isTTY?: boolean;
}

export function createOutput(json: boolean, stdout: Sink = process.stdout, stderr: Sink = process.stderr): Output {
  const tty = !!stderr.isTTY && process.env.TERM !== 'dumb';
  return {
    json,
    result(data, human) {
      stdout.write(json ? `${JSON.stringify(data, null, 2)}\n` : `${human()}\n`);
    },
    note(line) {
      stderr.write(`${line}\n`);
    },
    progress(label) {
      let lastPct = -1;
      let lastStage: string | null = null;
      let lastAt = 0;
      return {
        update(percent, etaS, stage) {
          const pct = Math.floor(Math.max(0, Math.min(100, percent)));
          if (tty) {
            const width = 30;
            const filled = Math.round((pct / 100) * width);
            stderr.write(`\r\x1b[2K${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(pct).padStart(3)}% ${stage ?? ''}${fmtEta(etaS)}`);
            return;
          }
          // Plain lines: on each stage change, every 10%, or every 5 s, so logs stay readable.
          const now = Date.now();
          // A stage that only counts up ("uploading 12.3 MB of 200 MB") is the same stage.
          const sameStage = (stage ?? '').replace(/[\d.]+/g, '#') === (lastStage ?? '').replace(/[\d.]+/g, '#') && lastStage !== null;
          if (!sameStage || Math.floor(pct / 10) !== Math.floor(lastPct / 10) || now - lastAt > 5000) {
            stderr.write(`${label} ${pct}% ${stage ?? ''}${fmtEta(etaS)}\n`);
            lastPct = pct;
            lastStage = stage;
            lastAt = now;
          }
        },
        done(final) {
          stderr.write(tty ? `\r\x1b[2K${label} ${final}\n` : `${label} ${final}\n`);
        },
      };
    },
  };
}
