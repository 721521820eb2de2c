import { computed, nextTick, reactive, ref } from 'vue';

/** One field's check: `id` is the input's DOM id, `label` names it in the summary. */
export interface FieldRule {
  readonly id: string;
  readonly label: string;
  check(): string | null;
}

export interface ShownError {
  readonly id: string;
  readonly label: string;
  readonly message: string;
}

/**
 * Whether a mouse button or finger is down. A field left by pressing a button
 * is marked as left only once the press is over: showing its problem at once
 * would move the button away from under the pointer and lose the click.
 */
let pointerDown = false;
const afterPress: Array<() => void> = [];
if (typeof document !== 'undefined') {
  document.addEventListener('pointerdown', () => (pointerDown = true), true);
  const release = () => {
    pointerDown = false;
    const pending = afterPress.splice(0);
    // After the click this press makes, which the browser dispatches in the same task.
    window.setTimeout(() => pending.forEach((mark) => mark()));
  };
  document.addEventListener('pointerup', release, true);
  document.addEventListener('pointercancel', release, true);
}

/**
 * A form's problems, each shown beside its field (FieldError, tied to it by
 * aria-describedby) and all together at the submit button
 * (FormErrorSummary) — but only for fields the officer has left, or for
 * every field once submit was pressed, so nobody is told off for a field
 * they have not reached. `rules` is read reactively: a rule for a field not
 * on screen is simply not returned.
 *
 * Wire it with `@focusout="form.leave"` on the form (any input with an id is
 * marked as left) and `@submit.prevent="form.submit(action)"`.
 */
export function useFormErrors(rules: () => readonly FieldRule[]) {
  const left = reactive(new Set<string>());
  const submitted = ref(false);

  const errors = computed((): ShownError[] =>
    rules().flatMap((rule) => {
      const message = rule.check();
      return message ? [{ id: rule.id, label: rule.label, message }] : [];
    }),
  );
  const shown = computed(() => errors.value.filter((error) => submitted.value || left.has(error.id)));
  const valid = computed(() => errors.value.length === 0);

  function message(id: string): string | null {
    return shown.value.find((error) => error.id === id)?.message ?? null;
  }

  /** The field's aria-describedby: its FieldError when one is shown, plus any other ids given. */
  function describedBy(id: string, ...others: Array<string | undefined>): string | undefined {
    const ids = [...others.filter(Boolean), ...(message(id) ? [`${id}-error`] : [])];
    return ids.length ? ids.join(' ') : undefined;
  }

  function leave(event: FocusEvent): void {
    const id = (event.target as HTMLElement | null)?.id;
    if (!id) return;
    if (pointerDown) afterPress.push(() => left.add(id));
    else left.add(id);
  }

  /** Shows a field's problem now, before it is left: for a value already past saving as typed (an https:// URL). */
  function touch(id: string): void {
    left.add(id);
  }

  /** Runs `action` if nothing is wrong; otherwise shows every problem and moves the focus to the summary. */
  async function submit(action: () => unknown, summarySelector = '.error-summary'): Promise<void> {
    if (valid.value) {
      action();
      return;
    }
    submitted.value = true;
    await nextTick();
    (document.querySelector(summarySelector) as HTMLElement | null)?.focus();
  }

  /** Forgets what was left and pressed: a new form, after a result, starts without reproaches. */
  function reset(): void {
    left.clear();
    submitted.value = false;
  }

  return { errors, shown, valid, message, describedBy, leave, touch, submit, reset };
}
