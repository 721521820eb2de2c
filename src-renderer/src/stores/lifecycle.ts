import { defineStore } from 'pinia';
import { computed, ref } from 'vue';
import type { ResponseOf } from '../../../shared/contract';
import type { IntermediateGeneration } from '../../../shared/domain/authorities';
import { call } from '../api';

/**
 * The CAs over the years: every intermediate generation with its status and
 * CRL, and what needs attention (`rootkeeper status`). Read again after
 * anything that rotates, revokes or publishes.
 */
export const useLifecycle = defineStore('lifecycle', () => {
  const generations = ref<IntermediateGeneration[] | null>(null);
  const status = ref<ResponseOf<'lifecycleStatus'> | null>(null);

  const active = computed(() => generations.value?.find((generation) => generation.status === 'active') ?? null);
  /** Generations whose key is here and that still sign their CRLs: active and retired. */
  const live = computed(
    () =>
      generations.value?.filter((generation) => generation.status === 'active' || generation.status === 'retired') ??
      [],
  );

  async function refresh(): Promise<void> {
    const [list, now] = await Promise.all([call('listIntermediates', {}), call('lifecycleStatus', {})]);
    // Newest first: the store lists them in the journal's order.
    generations.value = [...list.intermediates].reverse();
    status.value = now;
  }

  function clear(): void {
    generations.value = null;
    status.value = null;
  }

  return { generations, status, active, live, refresh, clear };
});
