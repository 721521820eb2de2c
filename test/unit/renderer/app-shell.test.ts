/**
 * The app shell against a scripted window API: which screen the status
 * calls for, what failures look like, and the small pieces every screen
 * relies on. The workflows themselves are tested end to end in Chromium.
 */
import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppStatus } from '../../../shared/domain/app-status';
import type { Overview } from '../../../shared/domain/overview';
import type { Result } from '../../../shared/errors';
import type { MenuCommand } from '../../../shared/menu';
import App from '../../../src-renderer/src/App.vue';
import FingerprintText from '../../../src-renderer/src/components/FingerprintText.vue';
import { readFiles } from '../../../src-renderer/src/composables/files';
import { createAppRouter } from '../../../src-renderer/src/router';
import { sections } from '../../../src-renderer/src/sections';

const status = (state: AppStatus['store']['state'], locked = true): AppStatus => ({
  version: '2.0.1',
  store: { location: '/media/usb/rootkeeper', state },
  session: { locked, locksAt: locked ? null : new Date(Date.now() + 300_000).toISOString() },
});

const overview = {
  root: { subject: 'CN=Root', sha256: 'AA:BB', notAfter: '2046-01-01T00:00:00.000Z', publicKey: 'ECDSA P-384' },
  intermediate: null,
  pendingRequest: null,
  crls: {
    root: { lastNumber: 0, thisUpdate: null, nextUpdate: null },
    intermediate: { lastNumber: 0, thisUpdate: null, nextUpdate: null },
  },
  counts: { total: 0, valid: 0, expiring: 0, expired: 0, revoked: 0 },
  head: { sequence: 3, chainHash: 'ab' },
} as unknown as Overview;

function installApi(answers: Record<string, () => Promise<Result<unknown>>>) {
  let menu: ((command: MenuCommand) => void) | null = null;
  const api = new Proxy({} as Record<string, unknown>, {
    get: (_target, name: string) => {
      if (name === 'onMenuCommand') return (listener: (command: MenuCommand) => void) => (menu = listener);
      const answer = answers[name];
      return answer
        ? vi.fn(answer)
        : vi.fn(async () => ({ ok: false, error: { code: 'INTERNAL', message: `no ${name} here` } }));
    },
  });
  Object.defineProperty(window, 'rootkeeper', { value: api, configurable: true });
  return { menu: (command: MenuCommand) => menu?.(command) };
}

async function mountApp() {
  const router = createAppRouter();
  await router.push('/overview');
  const wrapper = mount(App, { global: { plugins: [createPinia(), router] }, attachTo: document.body });
  await flushPromises();
  return { wrapper, router };
}

afterEach(() => {
  Reflect.deleteProperty(window, 'rootkeeper');
  document.body.replaceChildren();
});

describe('the app shell', () => {
  it('opens on the key ceremony when the folder holds no store', async () => {
    installApi({ appStatus: async () => ({ ok: true, value: status('empty') }) });
    const { wrapper } = await mountApp();
    expect(wrapper.get('h1').text()).toBe('Create the root CA');
    expect(wrapper.get('[data-testid=store-location]').text()).toBe('/media/usb/rootkeeper');
    expect(wrapper.find('nav').exists()).toBe(false);
  });

  it('asks for the operator passphrase when a store is there and locked', async () => {
    installApi({ appStatus: async () => ({ ok: true, value: status('initialized') }) });
    const { wrapper } = await mountApp();
    expect(wrapper.get('h1').text()).toBe('Unlock the store');
    expect(wrapper.get<HTMLInputElement>('[data-testid=operator-passphrase]').attributes('type')).toBe('password');
    expect(wrapper.get('[data-testid=operator-passphrase]').attributes('autocomplete')).toBe('off');
  });

  it('lists every section once unlocked, and routes each to its own page', async () => {
    installApi({
      appStatus: async () => ({ ok: true, value: status('initialized', false) }),
      overview: async () => ({ ok: true, value: overview }),
    });
    const { wrapper, router } = await mountApp();
    expect(wrapper.findAll('nav a').map((link) => link.text())).toEqual(sections.map((section) => section.title));
    expect(wrapper.get('[data-testid=idle-timer]').text()).toMatch(/^Locks in (4:5\d|5:00)$/);
    for (const section of sections) {
      await router.push(section.path);
      await flushPromises();
      expect(wrapper.get('main h1').text()).toBe(section.title);
    }
  });

  it('follows the application menu: Issue opens the Issue screen', async () => {
    const api = installApi({
      appStatus: async () => ({ ok: true, value: status('initialized', false) }),
      overview: async () => ({ ok: true, value: overview }),
    });
    const { wrapper, router } = await mountApp();
    api.menu('issue');
    await flushPromises();
    expect(router.currentRoute.value.path).toBe('/issue');
    expect(wrapper.get('main h1').text()).toBe('Issue');
  });

  it('shows the failure sentence when the status cannot be read', async () => {
    installApi({
      appStatus: async () => ({
        ok: false,
        error: { code: 'INTERNAL', message: 'Rootkeeper hit an internal error and stopped this operation.' },
      }),
    });
    const { wrapper } = await mountApp();
    expect(wrapper.get('[data-testid=status-error]').text()).toBe(
      'Rootkeeper hit an internal error and stopped this operation.',
    );
  });

  it('says plainly when it runs outside Rootkeeper', async () => {
    const { wrapper } = await mountApp();
    expect(wrapper.get('[data-testid=status-error]').text()).toContain('not running inside Rootkeeper');
  });
});

describe('pieces every screen uses', () => {
  it('prints a fingerprint in lines of eight bytes without changing its text', () => {
    const value = Array.from({ length: 32 }, (_, index) => index.toString(16).padStart(2, '0').toUpperCase()).join(':');
    const wrapper = mount(FingerprintText, { props: { value } });
    expect(wrapper.findAll('.fingerprint-group')).toHaveLength(4);
    expect(wrapper.text()).toBe(value);
  });

  it('reads dropped files as bytes and refuses oversized and empty ones before anything is sent', async () => {
    const { read, refused } = await readFiles([
      new File(['-----BEGIN CERTIFICATE REQUEST-----'], 'a.csr'),
      new File([new Uint8Array(65 * 1024)], 'big.der'),
      new File([], 'empty.pem'),
    ]);
    expect(read.map((file) => [file.name, file.bytes.length])).toEqual([['a.csr', 35]]);
    expect(refused.map((file) => file.name)).toEqual(['big.der', 'empty.pem']);
    expect(refused[0]!.problem).toMatch(/at most 64 KiB/);
  });
});
