import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { contract, isOperationName, operationNames } from '../../../shared/contract';

describe('the IPC contract', () => {
  it('gives every operation its own rootkeeper: channel', () => {
    const channels = operationNames.map((name) => contract[name].channel);
    expect(new Set(channels).size).toBe(channels.length);
    for (const channel of channels) expect(channel).toMatch(/^rootkeeper:[a-z][a-z0-9-]*$/);
  });

  it('documents every operation in a sentence', () => {
    for (const name of operationNames) expect(contract[name].summary).toMatch(/^[A-Z].+\.$/);
  });

  it('knows its operation names and nothing inherited', () => {
    expect(isOperationName('appStatus')).toBe(true);
    for (const name of ['toString', '__proto__', 'constructor', 'hasOwnProperty', '', 42, null]) {
      expect(isOperationName(name)).toBe(false);
    }
  });

  it('uses strict response schemas, so an undeclared field can never be sent', () => {
    const status = {
      version: '1',
      store: { location: '/s', state: 'empty' },
      session: { locked: true, locksAt: null },
    };
    expect(v.safeParse(contract.appStatus.response, status).success).toBe(true);
    expect(v.safeParse(contract.appStatus.response, { ...status, privateKey: 'x' }).success).toBe(false);
    const nested = { ...status, session: { locked: true, passphrase: 'x' } };
    expect(v.safeParse(contract.appStatus.response, nested).success).toBe(false);
  });

  it('declares every request and response as a strict object', () => {
    for (const name of operationNames) {
      expect(contract[name].request.type, `${name} request`).toBe('strict_object');
      expect(contract[name].response.type, `${name} response`).toBe('strict_object');
    }
  });

  it('uses strict request schemas', () => {
    expect(v.safeParse(contract.appStatus.request, {}).success).toBe(true);
    expect(v.safeParse(contract.appStatus.request, { extra: 1 }).success).toBe(false);
    expect(v.safeParse(contract.appStatus.request, null).success).toBe(false);
  });
});
