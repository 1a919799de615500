/** Waiting on a run's work while the run may be stopped (time limit, failed part, interrupt). */

/** Resolves/rejects with `p`, or rejects once `signal` aborts; `onAbandon` sees an abandoned `p`. */
export function untilAborted<T>(p: Promise<T>, signal: AbortSignal, onAbandon?: () => void): Promise<T> {
  if (signal.aborted) {
    onAbandon?.();
    p.catch(() => undefined);
    return Promise.reject(new Error("the run was stopped"));
  }
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => {
      onAbandon?.();
      p.catch(() => undefined);
      reject(new Error("the run was stopped"));
    };
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => { signal.removeEventListener("abort", onAbort); resolve(v); },
      (e: unknown) => { signal.removeEventListener("abort", onAbort); reject(e as Error); },
    );
  });
}
