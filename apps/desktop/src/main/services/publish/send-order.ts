// How an upload job spreads a ladder's files over parallel requests. A ladder is a few big files (one
// media file per rung) and ~10 small ones (playlists, poster, sprite, VTT, teaser). A small file costs a
// request of its own whose latency, on a server busy receiving the big ones, is 30-200 ms while its bytes
// are nothing: sent one after another (behind the big files, or on one stream beside them) they made a
// tail of a quarter of the job (BENCH_TRACE=timeline in `npm run bench -- upload`). So the big files go
// biggest first on `bigStreams` streams and the small ones on a pool of their own beside them; a stream
// whose list is empty helps with the other list.

export interface Sized {
  size: number;
}

export interface SendLists<T> {
  /** Files above `smallBytes`, biggest first. */
  big: T[];
  /** The rest, biggest first. */
  small: T[];
}

export function sendLists<T extends Sized>(files: readonly T[], smallBytes: number): SendLists<T> {
  const bySize = [...files].sort((a, b) => b.size - a.size);
  return { big: bySize.filter((f) => f.size > smallBytes), small: bySize.filter((f) => f.size <= smallBytes) };
}

/**
 * Runs `send` over both lists: `bigStreams` workers take big files, `smallStreams` take small ones, and a
 * worker whose list ran out takes from the other. The small workers start once the first big files are
 * under way (`send` calls `underWay` when its upload exists on the server, or it ended): their creation
 * requests go first, unhindered, and the small files then travel beside the big ones' bytes. Stops taking
 * files after the first failure (rethrown).
 */
export async function sendAll<T extends Sized>(
  lists: SendLists<T>,
  bigStreams: number,
  smallStreams: number,
  send: (file: T, underWay: () => void) => Promise<void>,
): Promise<void> {
  let failure: unknown = null;
  let failed = false;
  const big = lists.big;
  const small = lists.small;
  const firstBig = Math.min(Math.max(1, bigStreams), big.length);
  let waiting = firstBig;
  let openGate = () => undefined as void;
  const gate = waiting === 0 ? Promise.resolve() : new Promise<void>((resolve) => (openGate = resolve));
  const worker = async (primary: T[], other: T[], first: boolean) => {
    for (let f = primary.shift() ?? other.shift(); f && !failed; f = primary.shift() ?? other.shift()) {
      let counted = !first;
      first = false;
      const underWay = () => {
        if (counted) return;
        counted = true;
        if (--waiting === 0) openGate();
      };
      try {
        await send(f, underWay);
      } catch (err) {
        if (!failed) failure = err;
        failed = true;
      } finally {
        underWay();
      }
    }
  };
  const smallWorker = async () => {
    await gate;
    await worker(small, big, false);
  };
  await Promise.all([
    ...Array.from({ length: Math.max(1, bigStreams) }, (_, i) => worker(big, small, i < firstBig)),
    ...Array.from({ length: Math.max(0, smallStreams) }, smallWorker),
  ]);
  if (failed) throw failure;
}
