import { readonly, ref } from 'vue';

/**
 * One polite live region for the whole window (LiveRegion.vue in App.vue):
 * a region must exist before its text changes for screen readers to speak
 * it, and results appear in regions that did not exist a moment before.
 */
const message = ref('');
let pending: number | undefined;

export const announcement = readonly(message);

/** Speaks `text`; the region is emptied first so that the same sentence twice is spoken twice. */
export function announce(text: string): void {
  message.value = '';
  window.clearTimeout(pending);
  pending = window.setTimeout(() => (message.value = text), 50);
}
