import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { AppStatus } from '../../../shared/domain/app-status';
import { RootkeeperError, type Failure } from '../../../shared/errors';
import { call } from '../api';

/**
 * Where the store lives, what its folder holds and whether it is unlocked:
 * read fresh from the main side after every operation, never assumed.
 */
export const useAppStatus = defineStore('appStatus', () => {
  const status = ref<AppStatus | null>(null);
  const failure = ref<Failure | null>(null);
  const loading = ref(false);
  let pending: Promise<void> | null = null;

  /** Concurrent callers share one request. */
  function refresh(): Promise<void> {
    pending ??= read().finally(() => (pending = null));
    return pending;
  }

  async function read(): Promise<void> {
    loading.value = true;
    try {
      status.value = await call('appStatus', {});
      failure.value = null;
    } catch (error) {
      failure.value =
        error instanceof RootkeeperError
          ? error.toFailure()
          : { code: 'INTERNAL', message: 'Rootkeeper could not read its status. Restart the app and try again.' };
    } finally {
      loading.value = false;
    }
  }

  async function lock(): Promise<void> {
    try {
      await call('lock', {});
    } finally {
      await refresh();
    }
  }

  const unlocked = computed(() => status.value?.session.locked === false);
  /** No store yet: the key ceremony (or a restore) comes first. */
  const needsStore = computed(() => status.value !== null && status.value.store.state !== 'initialized');

  return { status, failure, loading, unlocked, needsStore, refresh, lock };
});
