/**
 * The form pieces every screen shares: problems shown beside their field
 * only once it was left or submit pressed, listed at the button, tied to
 * the field by aria-describedby; a result panel that takes the focus and
 * is announced.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import FieldError from '../../../src-renderer/src/components/FieldError.vue';
import FormErrorSummary from '../../../src-renderer/src/components/FormErrorSummary.vue';
import LiveRegion from '../../../src-renderer/src/components/LiveRegion.vue';
import ResultPanel from '../../../src-renderer/src/components/ResultPanel.vue';
import { useFormErrors } from '../../../src-renderer/src/composables/use-form-errors';

/** A two-field form: a passphrase and its repetition, as the screens have them. */
const PassphraseForm = defineComponent({
  emits: ['done'],
  setup(_props, { emit }) {
    const first = ref('');
    const second = ref('');
    const form = useFormErrors(() => [
      { id: 'first', label: 'Passphrase', check: () => (first.value.length < 12 ? 'Too short.' : null) },
      {
        id: 'second',
        label: 'Passphrase, again',
        check: () => (second.value === '' ? 'Type it again.' : second.value !== first.value ? 'They differ.' : null),
      },
    ]);
    return () =>
      h(
        'form',
        {
          onFocusout: form.leave,
          onSubmit: (event: Event) => (event.preventDefault(), form.submit(() => emit('done'))),
        },
        [
          h('input', {
            id: 'first',
            value: first.value,
            'aria-describedby': form.describedBy('first'),
            onInput: (event: Event) => (first.value = (event.target as HTMLInputElement).value),
          }),
          h(FieldError, { field: 'first', message: form.message('first') }),
          h('input', {
            id: 'second',
            value: second.value,
            'aria-describedby': form.describedBy('second'),
            onInput: (event: Event) => (second.value = (event.target as HTMLInputElement).value),
          }),
          h(FieldError, { field: 'second', message: form.message('second') }),
          h(FormErrorSummary, { errors: form.shown.value }),
          h('button', { type: 'submit' }, 'Go'),
        ],
      );
  },
});

afterEach(() => {
  document.body.replaceChildren();
});

describe('useFormErrors with FieldError and FormErrorSummary', () => {
  it('says nothing about a field before it is left, then shows the problem beside it and at the button', async () => {
    const wrapper = mount(PassphraseForm, { attachTo: document.body });
    await wrapper.find('#first').setValue('short');
    expect(wrapper.find('.field-problem').exists()).toBe(false);
    expect(wrapper.find('.error-summary').exists()).toBe(false);
    await wrapper.find('#first').trigger('focusout');
    expect(wrapper.find('#first-error').text()).toBe('Too short.');
    expect(wrapper.find('#first').attributes('aria-describedby')).toBe('first-error');
    // The repetition, still empty and never reached, is not faulted.
    expect(wrapper.find('#second-error').exists()).toBe(false);
    expect(wrapper.findAll('.error-summary li').map((item) => item.text())).toEqual(['Passphrase: Too short.']);
  });

  it('lists every problem on submit, focuses the summary, and does not run the action', async () => {
    const wrapper = mount(PassphraseForm, { attachTo: document.body });
    await wrapper.find('form').trigger('submit');
    await flushPromises();
    expect(wrapper.emitted('done')).toBeUndefined();
    expect(wrapper.findAll('.error-summary li').map((item) => item.text())).toEqual([
      'Passphrase: Too short.',
      'Passphrase, again: Type it again.',
    ]);
    expect(document.activeElement?.classList.contains('error-summary')).toBe(true);
    // A summary entry takes the officer to its field.
    await wrapper.findAll('.error-summary button')[1]!.trigger('click');
    expect(document.activeElement?.id).toBe('second');
  });

  it('runs the action once nothing is wrong, and only says "they differ" once both are typed', async () => {
    const wrapper = mount(PassphraseForm, { attachTo: document.body });
    await wrapper.find('#first').setValue('long enough passphrase');
    await wrapper.find('#second').setValue('long enough passphrasf');
    await wrapper.find('#second').trigger('focusout');
    expect(wrapper.find('#second-error').text()).toBe('They differ.');
    await wrapper.find('#second').setValue('long enough passphrase');
    expect(wrapper.find('#second-error').exists()).toBe(false);
    await wrapper.find('form').trigger('submit');
    expect(wrapper.emitted('done')).toHaveLength(1);
  });
});

describe('ResultPanel', () => {
  it('takes the focus, is scrolled into view and is announced in the live region', async () => {
    vi.useFakeTimers();
    const scrolled = vi.fn();
    Element.prototype.scrollIntoView = scrolled;
    const region = mount(LiveRegion, { attachTo: document.body });
    const panel = mount(ResultPanel, {
      props: { title: 'Issued CN=www.example.com', testid: 'issued' },
      slots: { default: 'the files' },
      attachTo: document.body,
    });
    await nextTick();
    await nextTick();
    expect(document.activeElement).toBe(panel.element);
    expect(scrolled).toHaveBeenCalled();
    expect(panel.attributes('aria-labelledby')).toBe(panel.find('h2').attributes('id'));
    vi.advanceTimersByTime(100);
    await nextTick();
    expect(region.attributes('aria-live')).toBe('polite');
    expect(region.text()).toBe('Issued CN=www.example.com');
    vi.useRealTimers();
  });
});
