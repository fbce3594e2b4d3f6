// Loads data for a screen and tells the three states apart (loading, error, data). `reload` runs it again
// and keeps showing the current data until the new data is there (no loading flash after a payment).
import { useCallback, useEffect, useRef, useState } from 'react';

export type AsyncState<T> = { status: 'loading' } | { status: 'error'; error: unknown } | { status: 'ready'; data: T };

export function useAsync<T>(load: (signal: AbortSignal) => Promise<T>, deps: unknown[]): AsyncState<T> & { reload: () => void } {
  const [state, setState] = useState<AsyncState<T>>({ status: 'loading' });
  const [round, setRound] = useState(0);
  const lastDeps = useRef<unknown[] | null>(null);
  useEffect(() => {
    const ctl = new AbortController();
    const sameTarget = lastDeps.current !== null && lastDeps.current.length === deps.length && deps.every((d, i) => Object.is(d, lastDeps.current![i]));
    lastDeps.current = deps;
    // A reload of the same thing keeps the data on screen; anything else starts from "loading".
    if (!sameTarget) setState({ status: 'loading' });
    load(ctl.signal).then(
      (data) => !ctl.signal.aborted && setState({ status: 'ready', data }),
      (error) => !ctl.signal.aborted && setState({ status: 'error', error }),
    );
    return () => ctl.abort();
  }, [...deps, round]);
  const reload = useCallback(() => setRound((r) => r + 1), []);
  return { ...state, reload };
}
