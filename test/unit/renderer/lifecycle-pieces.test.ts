/**
 * The lifecycle screens' pieces: each attention item mapped to its sentence
 * and the place its action is done, and a URL field that shows the engine's
 * own refusal as soon as the scheme is typed, before the field is left.
 */
import { mount } from '@vue/test-utils';
import { describe, expect, it } from 'vitest';
import { defineComponent, h, nextTick, ref } from 'vue';
import type { AttentionItem } from '../../../shared/domain/authorities';
import UrlField from '../../../src-renderer/src/components/UrlField.vue';
import { attentionView } from '../../../src-renderer/src/composables/attention';
import { urlRule } from '../../../src-renderer/src/composables/url-rule';
import { useFormErrors } from '../../../src-renderer/src/composables/use-form-errors';

const ROOT = 'aa01';
const item = (kind: AttentionItem['kind'], serial: string | null = 'bb02'): AttentionItem => ({
  kind,
  subject: 'CN=Example Issuing CA',
  serial,
  due: '2026-06-19T08:00:00.000Z',
  action: 'as the CLI says it',
});

describe('attention items in the app', () => {
  it('sends CRL items to the CRLs section, CA items to a rotation, certificates to their renewal', () => {
    expect(attentionView(item('crl-due'), ROOT, true)).toEqual({
      sentence: 'Publish its next CRL before 2026-06-19 08:00:00 UTC.',
      go: { label: 'Publish CRL', to: '/crls' },
      urgent: false,
    });
    expect(attentionView(item('crl-overdue'), ROOT, true)).toMatchObject({ go: { to: '/crls' }, urgent: true });
    expect(attentionView(item('crl-never-published'), ROOT, true)).toMatchObject({
      sentence: expect.stringMatching(/^It has issued certificates, yet its CRL was never published/),
      go: { label: 'Publish CRL' },
      urgent: true,
    });
    expect(attentionView(item('crl-never-published', ROOT), ROOT, true).sentence).toMatch(
      /^It has signed intermediates/,
    );
    expect(attentionView(item('ca-expiring'), ROOT, true)).toMatchObject({
      go: { label: 'Rotate', to: '/intermediate' },
      urgent: false,
    });
    // The root is not rotated in this app: no link, and the sentence says what to plan.
    expect(attentionView(item('ca-expiring', ROOT), ROOT, true)).toMatchObject({
      sentence: expect.stringMatching(/Plan a new root/),
      go: null,
    });
    expect(attentionView(item('certificate-expiring', 'cc03'), ROOT, true).go).toEqual({
      label: 'Renew',
      to: { path: '/certificates', query: { serial: 'cc03' } },
    });
    expect(attentionView(item('no-active-intermediate', null), ROOT, true).go?.label).toBe('Rotate');
    expect(attentionView(item('no-active-intermediate', null), ROOT, false).go?.label).toBe('Create one');
    expect(attentionView(item('crl-schedule-obsolete', ROOT), ROOT, true).go?.to).toBe('/crls');
  });
});

const UrlForm = defineComponent({
  setup() {
    const url = ref('');
    const form = useFormErrors(() => [urlRule('crl-url', 'CRL URL', () => url.value, 'crl')]);
    return () =>
      h('form', { onFocusout: form.leave }, [
        h(UrlField, {
          id: 'crl-url',
          label: 'CRL URL',
          hint: 'hint',
          placeholder: 'http://example',
          message: form.message('crl-url'),
          modelValue: url.value,
          'onUpdate:modelValue': (value: string) => (url.value = value),
          onSchemed: () => form.touch('crl-url'),
        }),
        h('input', { id: 'other' }),
      ]);
  },
});

describe('a URL field', () => {
  it('shows an https URL refused as soon as its scheme is typed, tied to the field', async () => {
    const wrapper = mount(UrlForm, { attachTo: document.body });
    const input = wrapper.get('#crl-url');
    await input.setValue('pki.exa');
    expect(wrapper.find('[data-testid=crl-url-error]').exists()).toBe(false);
    await input.setValue('https://pki.example.com/ca.crl');
    await nextTick();
    expect(wrapper.get('[data-testid=crl-url-error]').text()).toBe(
      'It uses https://, and clients fetch CRLs without TLS: write http://.',
    );
    expect(input.attributes('aria-invalid')).toBe('true');
    expect(input.attributes('aria-describedby')).toBe('crl-url-hint crl-url-error');
    await input.setValue('http://pki.example.com/ca.crl');
    expect(wrapper.find('[data-testid=crl-url-error]').exists()).toBe(false);
    wrapper.unmount();
  });

  it('faults an unfinished URL only once the field is left', async () => {
    const wrapper = mount(UrlForm, { attachTo: document.body });
    const input = wrapper.get('#crl-url');
    await input.setValue('pki.example.com/ca.crl');
    expect(wrapper.find('[data-testid=crl-url-error]').exists()).toBe(false);
    await input.trigger('focusout');
    expect(wrapper.get('[data-testid=crl-url-error]').text()).toMatch(
      /^It is not a whole URL: start it with http:\/\//,
    );
    wrapper.unmount();
  });
});
