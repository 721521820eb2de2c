import { flushPromises, mount } from '@vue/test-utils';
import { createPinia } from 'pinia';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppStatus } from '../../../shared/domain/app-status';
import type { Result } from '../../../shared/errors';
import type { RootkeeperApi } from '../../../shared/window-api';
import App from '../../../src-renderer/src/App.vue';
import { createAppRouter } from '../../../src-renderer/src/router';
import { sections } from '../../../src-renderer/src/sections';

const status: AppStatus = {
  version: '2.0.1',
  store: { location: '/media/usb/rootkeeper', state: 'empty' },
  session: { locked: true, locksAt: null },
};

function installApi(appStatus: () => Promise<Result<AppStatus>>) {
  const api = { appStatus: vi.fn(appStatus) } as unknown as RootkeeperApi;
  Object.defineProperty(window, 'rootkeeper', { value: api, configurable: true });
  return api;
}

async function mountApp() {
  const router = createAppRouter();
  await router.push('/vault');
  const wrapper = mount(App, { global: { plugins: [createPinia(), router] } });
  await flushPromises();
  return { wrapper, router };
}

afterEach(() => {
  Reflect.deleteProperty(window, 'rootkeeper');
});

describe('the app shell', () => {
  it('lists every section in the navigation', async () => {
    installApi(async () => ({ ok: true, value: status }));
    const { wrapper } = await mountApp();
    const links = wrapper.findAll('nav a');
    expect(links.map((link) => link.text())).toEqual(sections.map((section) => section.title));
  });

  it('shows the status the main side reported', async () => {
    installApi(async () => ({ ok: true, value: status }));
    const { wrapper } = await mountApp();
    expect(wrapper.get('[data-testid=lock-badge]').text()).toBe('Locked');
    expect(wrapper.get('[data-testid=app-version]').text()).toBe('Version 2.0.1');
    expect(wrapper.get('[data-testid=store-location]').text()).toBe('/media/usb/rootkeeper');
    expect(wrapper.get('[data-testid=store-state]').attributes('data-state')).toBe('empty');
    expect(wrapper.get('[data-testid=store-state]').text()).toContain('A new store can be created here');
  });

  it('shows the failure sentence when the operation fails', async () => {
    installApi(async () => ({
      ok: false,
      error: { code: 'INTERNAL', message: 'Rootkeeper hit an internal error and stopped this operation.' },
    }));
    const { wrapper } = await mountApp();
    expect(wrapper.get('[data-testid=status-error]').text()).toBe(
      'Rootkeeper hit an internal error and stopped this operation.',
    );
    expect(wrapper.get('[data-testid=lock-badge]').text()).toBe('Status unknown');
  });

  it('says plainly when it runs outside Rootkeeper', async () => {
    const { wrapper } = await mountApp();
    expect(wrapper.get('[data-testid=status-error]').text()).toContain('not running inside Rootkeeper');
  });

  it('asks again when the officer clicks Check again', async () => {
    let state: AppStatus['store']['state'] = 'empty';
    const api = installApi(async () => ({ ok: true, value: { ...status, store: { ...status.store, state } } }));
    const { wrapper } = await mountApp();
    state = 'initialized';
    await wrapper.get('[data-testid=refresh-status]').trigger('click');
    await flushPromises();
    expect(api.appStatus).toHaveBeenCalledTimes(2);
    expect(wrapper.get('[data-testid=store-state]').attributes('data-state')).toBe('initialized');
  });

  it('routes every section to its own page', async () => {
    installApi(async () => ({ ok: true, value: status }));
    const { wrapper, router } = await mountApp();
    for (const section of sections) {
      await router.push(section.path);
      await flushPromises();
      expect(wrapper.get('main h1').text()).toBe(section.title);
    }
  });
});
