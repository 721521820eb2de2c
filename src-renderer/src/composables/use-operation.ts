import { ref, shallowRef } from 'vue';
import { RootkeeperError } from '../../../shared/errors';
import { messageOf } from '../api';
import { useAppStatus } from '../stores/app-status';

/**
 * One action of a screen: busy while it runs (so it cannot be submitted
 * twice), its error as a sentence, its last result and how many runs produced one. Every operation touches
 * the session, so the status (and the idle timer) is read again afterwards.
 */
export function useOperation<A extends unknown[], R>(work: (...args: A) => Promise<R>) {
  const busy = ref(false);
  const error = ref<string | null>(null);
  const result = shallowRef<R | null>(null);
  /** Counts the runs that produced something: a ResultPanel keyed with it appears (and takes the focus) anew each time. */
  const done = ref(0);
  const appStatus = useAppStatus();

  async function run(...args: A): Promise<R | null> {
    if (busy.value) return null;
    busy.value = true;
    error.value = null;
    try {
      const value = await work(...args);
      result.value = value;
      if (value !== null && value !== undefined) done.value++;
      return value;
    } catch (caught) {
      error.value = messageOf(caught);
      if (caught instanceof RootkeeperError && caught.code === 'LOCKED') await appStatus.refresh();
      return null;
    } finally {
      busy.value = false;
      void appStatus.refresh();
    }
  }

  function reset(): void {
    error.value = null;
    result.value = null;
  }

  return { busy, error, result, done, run, reset };
}
