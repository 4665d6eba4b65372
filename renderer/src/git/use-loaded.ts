import { useEffect, useState, type DependencyList } from 'react';
import { errorMessage } from '../api/errors';

/**
 * What a view reads from main when it opens (and again when `deps` change): the value, or the
 * error in words. An answer that arrives after the view moved on is dropped. With `keepPrevious`
 * the last value stays on screen while the next one is read (a diff refreshed after a stage must
 * not flash "Reading…").
 */
export function useLoaded<T>(load: () => Promise<T>, deps: DependencyList, options: { keepPrevious?: boolean } = {}): { value: T | null; error: string | null } {
  const [value, setValue] = useState<T | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    if (!options.keepPrevious) {
      setValue(null);
      setError(null);
    }
    load().then(
      (loaded) => {
        if (cancelled) return;
        setValue(loaded);
        setError(null);
      },
      (failure: unknown) => {
        if (!cancelled) setError(errorMessage(failure));
      },
    );
    return () => {
      cancelled = true;
    };
    // `load` is a fresh closure each render; `deps` say when it reads something else.
  }, deps);
  return { value, error };
}
