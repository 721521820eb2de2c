import { describe, expect, it } from 'vitest';
import { mount } from '@vue/test-utils';
import FingerprintText from '../../../src-renderer/src/components/FingerprintText.vue';
import { fingerprintGroups } from '../../../src-renderer/src/composables/format';

const SHA256 = Array.from({ length: 32 }, (_, index) => (index * 7 + 16).toString(16).toUpperCase().padStart(2, '0'));

describe('fingerprints in groups of eight bytes', () => {
  it('cuts a colon-separated SHA-256 into four groups of eight bytes, the colons kept', () => {
    const groups = fingerprintGroups(SHA256.join(':'));
    expect(groups).toEqual(
      [0, 8, 16, 24].map((start, index) => SHA256.slice(start, start + 8).join(':') + (index < 3 ? ':' : '')),
    );
    expect(groups.join('')).toBe(SHA256.join(':'));
  });

  it('cuts a SHA-1 into eight, eight and four bytes', () => {
    const sha1 = SHA256.slice(0, 20).join(':');
    expect(fingerprintGroups(sha1).map((group) => group.replace(/:$/, '').split(':').length)).toEqual([8, 8, 4]);
  });

  it('cuts plain hex, as sha256sum prints it, every sixteen digits', () => {
    const hex = SHA256.join('').toLowerCase();
    const groups = fingerprintGroups(hex);
    expect(groups).toHaveLength(4);
    expect(groups.every((group) => group.length === 16)).toBe(true);
    expect(groups.join('')).toBe(hex);
  });

  it('renders one element per group whose text is the value unchanged', () => {
    const value = SHA256.join(':');
    const wrapper = mount(FingerprintText, { props: { value, lines: true } });
    expect(wrapper.findAll('.fingerprint-group')).toHaveLength(4);
    expect(wrapper.text()).toBe(value);
    expect(wrapper.classes()).toContain('fingerprint-lines');
  });
});
