import { computed, onMounted, ref } from 'vue';
import type { ResponseOf } from '../../../shared/contract';
import { call } from '../api';

/**
 * How the open store holds its root (passphrase, shares or a token), read
 * once per screen: the root dialog asks for the token's PIN instead of the
 * root passphrase when the root key lives on a token (RootPinDialog hands
 * the screen `{ rootTokenPin }`).
 */
export function useRootHolding() {
  const status = ref<ResponseOf<'custodyStatus'> | null>(null);
  onMounted(async () => {
    status.value = await call('custodyStatus', {}).catch(() => null);
  });
  const token = computed(() => (status.value?.mode === 'token' ? (status.value.token ?? null) : null));
  return { token };
}
