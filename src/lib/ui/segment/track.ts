import { describeError } from '../describe-error';

/**
 * Runs an async load for an `$effect` and hands its result on unless the effect re-ran meanwhile;
 * return the function it gives from the effect so a stale result is dropped.
 * @param load the work (engine queries)
 * @param done receives the result
 * @param failed receives the error message
 * @example $effect(() => track(() => nb.rows(q), (rows) => (data = rows), (m) => (error = m)));
 */
export function track<T>(load: () => Promise<T>, done: (value: T) => void, failed: (message: string) => void): () => void {
  let stale = false;
  load().then(
    (value) => {
      if (!stale) done(value);
    },
    (e) => {
      if (!stale) failed(describeError(e).message);
    }
  );
  return () => {
    stale = true;
  };
}
