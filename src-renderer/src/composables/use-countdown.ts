import { computed, onBeforeUnmount, ref, type Ref } from 'vue';

/** Seconds left until an ISO time, ticking each second; null without one. */
export function useCountdown(until: Ref<string | null>, onZero: () => void) {
  const now = ref(Date.now());
  let fired = false;
  const timer = window.setInterval(() => {
    now.value = Date.now();
    if (seconds.value === 0 && !fired) {
      fired = true;
      onZero();
    }
    if (seconds.value !== 0) fired = false;
  }, 1000);
  onBeforeUnmount(() => window.clearInterval(timer));
  const seconds = computed(() =>
    until.value === null ? null : Math.max(0, Math.floor((Date.parse(until.value) - now.value) / 1000)),
  );
  const text = computed(() => {
    if (seconds.value === null) return '';
    const minutes = Math.floor(seconds.value / 60);
    return `${minutes}:${String(seconds.value % 60).padStart(2, '0')}`;
  });
  return { seconds, text };
}
