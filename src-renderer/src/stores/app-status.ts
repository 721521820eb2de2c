import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { AppStatus } from '../../../shared/domain/app-status';
import { RootkeeperError, type Failure } from '../../../shared/errors';
import { call } from '../api';

export const useAppStatus = defineStore('appStatus', () => {
  const status = ref<AppStatus | null>(null);
  const failure = ref<Failure | null>(null);
  const loading = ref(false);

  async function refresh(): Promise<void> {
    if (loading.value) return;
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

  return { status, failure, loading, refresh };
});
