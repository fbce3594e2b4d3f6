// The studio's updater: electron-updater (behind UpdaterPort) downloads and installs only the release that
// the signed feed offers. Every check first verifies the feed (update-check.ts); the updater is then pointed
// at that channel and may fetch only an offer whose version, files and sha512 equal the verified ones
// (electron-updater checks the downloaded bytes against that sha512). It honours the stored automatic
// download setting and reports each state change (checking, available, downloading n %, ready, refused)
// as an UpdateStatusView. Plain Node: no Electron import; the Electron wiring is electron-updater-port.ts.
import { StudioApiError, type UpdateStatusView } from '../../../shared/studio-api.js';
import { APP_VERSION } from './app-version.js';
import { checkForUpdate, describeUpdate, UpdateCheckError, type UpdateCheckResult } from './update-check.js';
import { UpdateStateFile, type UpdateChannel } from './update-state.js';

/** What the updater says it would install: electron-updater's UpdateInfo, narrowed. */
export interface UpdaterOffer {
  version: string;
  files: Array<{ url: string; sha512: string; size?: number | undefined }>;
}
export interface DownloadProgress {
  percent: number;
  transferred: number;
  total: number;
}

/** The part of electron-updater the studio drives (electron-updater-port.ts adapts AppUpdater to it). */
export interface UpdaterPort {
  /**
   * Points the updater at the channel's generic feed. `accept` is its only rule for which offer it may take
   * (electron-updater's isUpdateSupported), so an offer the verified feed does not name is never fetched.
   */
  prepare(o: { feedUrl: string; channel: UpdateChannel; allowDowngrade: boolean; stagingId: string; accept: (offer: UpdaterOffer) => boolean }): void;
  /** Why this updater cannot install here (e.g. not a packaged app), or null. */
  inactiveReason(): string | null;
  /** Reads the feed as the updater sees it: the offer it would download, or null when it has none. */
  check(): Promise<UpdaterOffer | null>;
  /** Downloads the offer of the last check (the updater verifies its sha512). */
  download(onProgress: (p: DownloadProgress) => void): Promise<void>;
  /** Quits and installs the downloaded update. */
  install(): void;
}

/** Why an updater's offer is not the verified release, or null when it is exactly that release. */
export function offerMismatch(offer: UpdaterOffer | null, verified: UpdateCheckResult): string | null {
  if (!offer) return `the updater found no update where the signed feed offers ${verified.latest}`;
  if (offer.version !== verified.latest) {
    return `the update host gave the updater ${offer.version.slice(0, 40)}, but the signed feed offers ${verified.latest}: not downloaded`;
  }
  if (offer.files.length === 0) return `the updater's offer of ${offer.version} names no file: not downloaded`;
  for (const f of offer.files) {
    if (f.sha512 !== verified.file.sha512 || (f.size !== undefined && f.size !== verified.file.size)) {
      return `the file the updater would download (${f.url.slice(0, 80)}) is not the one the signed feed names (sha512 or size differs): not downloaded`;
    }
  }
  return null;
}

export interface GatedUpdaterOptions {
  dataDir: string;
  /** The server the creator signed in to, or null. */
  serverUrl: () => string | null;
  /** null where no updater runs (browser mode, CLI): checks only. */
  port: UpdaterPort | null;
  currentVersion?: string;
  /** The user chose a channel downgrade: a lower verified version may be installed. */
  allowDowngrade?: boolean;
  env?: NodeJS.ProcessEnv;
  fetch?: typeof fetch;
  onChange?: (status: UpdateStatusView) => void;
}

type Phase =
  | { kind: 'idle' }
  | { kind: 'offered'; verified: UpdateCheckResult }
  | { kind: 'downloading'; verified: UpdateCheckResult; progress: DownloadProgress }
  | { kind: 'ready'; verified: UpdateCheckResult };

export class GatedUpdater {
  private phase: Phase = { kind: 'idle' };
  private last: UpdateStatusView | null = null;
  private checking: Promise<UpdateStatusView> | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly current: string;

  constructor(private readonly o: GatedUpdaterOptions) {
    this.current = o.currentVersion ?? APP_VERSION;
  }

  /** Verifies the feed, confirms the updater's offer against it and, when set to, starts the download. */
  check(): Promise<UpdateStatusView> {
    // One check at a time; a download under way or finished is not disturbed by a new check.
    if (this.phase.kind === 'downloading' || this.phase.kind === 'ready') return Promise.resolve(this.view());
    this.checking ??= this.runCheck().finally(() => (this.checking = null));
    return this.checking;
  }

  /** Starts downloading the verified offer; progress and the end arrive through onChange. */
  download(): UpdateStatusView {
    const port = this.o.port;
    if (!port) throw new StudioApiError('UPDATE_NOT_HERE', 'updates are downloaded by the desktop app; browser mode only checks the channel');
    if (this.phase.kind === 'downloading' || this.phase.kind === 'ready') return this.view();
    if (this.phase.kind !== 'offered') throw new StudioApiError('NO_VERIFIED_UPDATE', 'there is no verified update to download: check for updates first');
    const verified = this.phase.verified;
    this.phase = { kind: 'downloading', verified, progress: { percent: 0, transferred: 0, total: verified.file.size } };
    this.publish();
    port
      .download((p) => {
        if (this.phase.kind !== 'downloading') return;
        this.phase = { ...this.phase, progress: p };
        this.publish();
      })
      .then(
        () => {
          this.phase = { kind: 'ready', verified };
          this.publish();
        },
        (err: unknown) => {
          this.phase = { kind: 'offered', verified };
          this.publish({ state: 'failed', line: `The download of ${verified.latest} failed: ${downloadFailure(err)}` });
        },
      );
    return this.view();
  }

  /** Quits and installs: only a download of the verified release that has finished. */
  install(): UpdateStatusView {
    if (!this.o.port || this.phase.kind !== 'ready') throw new StudioApiError('NO_VERIFIED_UPDATE', 'no verified update has been downloaded yet');
    this.o.port.install();
    return this.view();
  }

  /** Checks now and then every intervalMs (the desktop app; stop() ends it). */
  checkEvery(intervalMs: number): void {
    this.stop();
    const tick = () => void this.check().catch(() => undefined);
    tick();
    this.timer = setInterval(tick, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  private async runCheck(): Promise<UpdateStatusView> {
    const server = this.o.serverUrl();
    if (!server) {
      this.phase = { kind: 'idle' };
      return this.publish({ state: 'unknown', line: 'Sign in to check for updates from your server.' });
    }
    const stateFile = new UpdateStateFile(this.o.dataDir);
    const { channel, autoDownload } = stateFile.read();
    let verified: UpdateCheckResult;
    try {
      verified = await checkForUpdate({
        server,
        channel,
        currentVersion: this.current,
        dataDir: this.o.dataDir,
        allowDowngrade: Boolean(this.o.allowDowngrade),
        ...(this.o.env ? { env: this.o.env } : {}),
        ...(this.o.fetch ? { fetch: this.o.fetch } : {}),
      });
    } catch (err) {
      this.phase = { kind: 'idle' };
      return this.publish({ state: 'refused', line: `No verified update: ${err instanceof UpdateCheckError ? err.reason : firstLine(err)}` });
    }
    const found = { latest: verified.latest, notes: verified.notes };
    if (!verified.available) {
      this.phase = { kind: 'idle' };
      return this.publish({ state: 'current', line: describeUpdate(verified), ...found });
    }
    const port = this.o.port;
    const inactive = port?.inactiveReason() ?? null;
    if (!port || inactive) {
      this.phase = { kind: 'idle' };
      const why = port ? ` The updater cannot install it here: ${inactive}.` : '';
      return this.publish({ state: 'available', line: `${describeUpdate(verified)}${why}`, ...found });
    }
    let offer: UpdaterOffer | null;
    try {
      port.prepare({
        feedUrl: new URL(`updates/${channel}`, server.endsWith('/') ? server : `${server}/`).toString(),
        channel,
        allowDowngrade: Boolean(this.o.allowDowngrade),
        stagingId: stateFile.stagingId(),
        accept: (o) => offerMismatch(o, verified) === null,
      });
      offer = await port.check();
    } catch (err) {
      this.phase = { kind: 'idle' };
      return this.publish({ state: 'refused', line: `The updater could not read the feed: ${firstLine(err)}`, ...found });
    }
    const mismatch = offerMismatch(offer, verified);
    if (mismatch) {
      this.phase = { kind: 'idle' };
      return this.publish({ state: 'refused', line: `No verified update: ${mismatch}`, ...found });
    }
    this.phase = { kind: 'offered', verified };
    const view = this.publish();
    return autoDownload ? this.download() : view;
  }

  /** The view of the current phase (or the override given), remembered and sent to onChange. */
  private publish(override?: Partial<UpdateStatusView>): UpdateStatusView {
    const v = { ...this.view(), ...override };
    this.last = v;
    this.o.onChange?.(v);
    return v;
  }

  private view(): UpdateStatusView {
    const s = new UpdateStateFile(this.o.dataDir).read();
    const base: UpdateStatusView = {
      current: this.current,
      state: 'unknown',
      line: this.last?.line ?? 'Not checked yet.',
      latest: this.last?.latest ?? null,
      notes: this.last?.notes ?? null,
      settings: { channel: s.channel === 'latest' ? 'stable' : 'beta', autoDownload: s.autoDownload },
      canDownload: false,
      progress: null,
    };
    const p = this.phase;
    if (p.kind === 'idle') return { ...base, ...(this.last ? { state: this.last.state } : {}) };
    const found = { latest: p.verified.latest, notes: p.verified.notes };
    if (p.kind === 'offered') return { ...base, ...found, state: 'available', line: describeUpdate(p.verified), canDownload: true };
    if (p.kind === 'downloading') {
      return { ...base, ...found, state: 'downloading', line: `Downloading ${p.verified.latest} (verified): ${Math.floor(p.progress.percent)} %`, progress: p.progress };
    }
    return { ...base, ...found, state: 'ready', line: `${p.verified.latest} is downloaded and verified: restart to install it.` };
  }
}

/** Why a download stopped, in words; the updater's own text stays only where it names the check that failed. */
function downloadFailure(err: unknown): string {
  const raw = firstLine(err);
  if (/sha512 checksum mismatch/i.test(raw)) return 'the file did not match the verified release (sha512 checksum mismatch), so it was not kept. Try again.';
  if (/fetch failed|net::|ECONNREFUSED|ECONNRESET|ENOTFOUND|ETIMEDOUT|socket hang up|aborted/i.test(raw)) return 'the connection to your server was lost. Try again.';
  return raw;
}

function firstLine(err: unknown): string {
  return (err instanceof Error ? err.message : String(err)).split('\n')[0]!.slice(0, 300);
}
