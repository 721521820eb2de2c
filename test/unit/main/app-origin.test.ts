import { describe, expect, it } from 'vitest';
import { APP_ENTRY_URL, isAppUrl } from '../../../src-main/app-origin';

describe('isAppUrl', () => {
  it('accepts pages of the app origin', () => {
    expect(isAppUrl(APP_ENTRY_URL)).toBe(true);
    expect(isAppUrl('app://bundle/')).toBe(true);
    expect(isAppUrl('app://bundle/index.html#/vault')).toBe(true);
  });

  it('refuses look-alikes and everything else', () => {
    for (const url of [
      'app://bundle.evil/index.html',
      'app://bundlex/',
      'app://user:pw@bundle/',
      'app://other/',
      'https://bundle/',
      'file:///index.html',
      'about:blank',
      'data:text/html,x',
      'not a url',
      '',
    ]) {
      expect(isAppUrl(url), url).toBe(false);
    }
  });

  it('checks against another origin when given one', () => {
    expect(isAppUrl('https://rootkeeper.test/x', 'https://rootkeeper.test')).toBe(true);
    expect(isAppUrl('https://rootkeeper.test.evil/x', 'https://rootkeeper.test')).toBe(false);
  });
});
