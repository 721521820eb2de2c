/**
 * Installed into the page before any of its scripts, in place of the
 * preload: the same `buildWindowApi` from shared/, carried over a Playwright
 * binding instead of IPC.
 */
import { WINDOW_API_KEY, buildWindowApi } from '../../../shared/window-api';
import { HARNESS_BINDING } from './constants';

type Binding = (operation: string, request: unknown) => Promise<unknown>;

const api = buildWindowApi((operation, request) => {
  const binding = (window as unknown as Record<string, Binding>)[HARNESS_BINDING];
  return binding!(operation, request);
});

// contextBridge defines its keys read-only; so does the harness.
Object.defineProperty(window, WINDOW_API_KEY, { value: api, writable: false, configurable: false, enumerable: true });
