import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { Overview } from '../../../shared/domain/overview';
import { call } from '../api';

/** The open store at a glance; read again after anything that changes it. */
export const useOverview = defineStore('overview', () => {
  const overview = ref<Overview | null>(null);
  /** What unlocking repaired or noticed (an interrupted operation's records, failed attempts), shown once. */
  const notices = ref<string[]>([]);

  async function refresh(): Promise<void> {
    overview.value = await call('overview', {});
  }

  function clear(): void {
    overview.value = null;
  }

  return { overview, notices, refresh, clear };
});
