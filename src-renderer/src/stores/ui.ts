import { defineStore } from 'pinia';
import { ref } from 'vue';
import type { ResponseOf } from '../../../shared/contract';

/** What the gate screens (ceremony, unlock) hold across the status changes they cause. */
export const useUiRequests = defineStore('uiRequests', () => {
  /** Asked for from the application menu. */
  const restoreOpen = ref(false);
  /** The first-run "Import an existing CA…" panel. */
  const importOpen = ref(false);
  /** The ceremony's result stays on screen, although the store now exists, until the officer has noted the fingerprint. */
  const ceremonyResult = ref<ResponseOf<'createStore'> | null>(null);
  return { restoreOpen, importOpen, ceremonyResult };
});
