/**
 * What a token's PIN flags make of a login: SoftHSM2 only ever reports
 * CKF_USER_PIN_COUNT_LOW (after any wrong PIN) and never FINAL_TRY or
 * LOCKED, so those answers are checked here against a token that reports
 * them (a stand-in for graphene's slot and session, the same objects
 * graphene hands over, with the flags and CKR_ errors a YubiKey or a
 * SmartCard-HSM gives). The SoftHSM side is test/interop/token-cli.test.ts.
 */
import type * as graphene from 'graphene-pk11';
import { describe, expect, it } from 'vitest';
import { RootkeeperError } from '../../../shared/errors';
import { OpenToken } from '../../../src-main/custody/token/pkcs11-token';

const COUNT_LOW = 0x10000;
const FINAL_TRY = 0x20000;
const LOCKED = 0x40000;
const INITIALIZED = 0x400;
const LOGIN_REQUIRED = 0x4;

/** A token whose flags change as a real one's do after a failed login. */
function tokenWith(flags: number, failure: string | null, after: number = flags) {
  let current = flags;
  const attempts: string[] = [];
  const slot = { getToken: () => ({ flags: current | INITIALIZED | LOGIN_REQUIRED }) };
  const session = {
    slot,
    flags: 0x6,
    login(pin: string) {
      attempts.push(pin);
      if (failure) {
        current = after;
        throw new Error(`${failure}:0x000000a0`);
      }
    },
    logout() {},
    close() {},
  };
  const token = new OpenToken(
    {} as graphene.Module,
    slot as unknown as graphene.Slot,
    session as unknown as graphene.Session,
    { serial: 'f00d', label: 'Stand-in', manufacturer: 'test', model: 'test' },
  );
  return { token, attempts };
}

function failureOf(action: () => void): RootkeeperError {
  try {
    action();
  } catch (error) {
    if (error instanceof RootkeeperError) return error;
    throw error;
  }
  throw new Error('the login was not refused');
}

describe('a token PIN and its flags', () => {
  it('a wrong PIN is WRONG_PASSPHRASE (exit 3) and says when one try is left', () => {
    const { token } = tokenWith(COUNT_LOW, 'CKR_PIN_INCORRECT', FINAL_TRY);
    const error = failureOf(() => token.login('000000'));
    expect(error.code).toBe('WRONG_PASSPHRASE');
    expect(error.message).toBe("The token's PIN is wrong. One try is left before the token locks its PIN.");
  });

  it('a wrong PIN while tries are not yet low says nothing of tries', () => {
    const { token } = tokenWith(0, 'CKR_PIN_INCORRECT', 0);
    expect(failureOf(() => token.login('000000')).message).toBe("The token's PIN is wrong.");
  });

  it('the last wrong PIN says the token has now locked it', () => {
    const { token } = tokenWith(FINAL_TRY, 'CKR_PIN_INCORRECT', LOCKED);
    expect(failureOf(() => token.login('000000')).message).toMatch(/The token has now locked its PIN\./);
  });

  it('a locked PIN is refused before any attempt, as a token that cannot be used (exit 2), not a wrong PIN', () => {
    const { token, attempts } = tokenWith(LOCKED, null);
    const error = failureOf(() => token.login('246810'));
    expect(attempts).toEqual([]);
    expect(error.code).toBe('REJECTED_INPUT');
    expect(error.message).toBe(
      "Token f00d has locked its PIN after too many wrong tries: unblock it with the PUK or SO PIN using the vendor's tool.",
    );
  });

  it('CKR_PIN_LOCKED from the login itself is the same sentence', () => {
    const { token } = tokenWith(0, 'CKR_PIN_LOCKED', LOCKED);
    const error = failureOf(() => token.login('246810'));
    expect(error.code).toBe('REJECTED_INPUT');
    expect(error.message).toMatch(/^Token f00d has locked its PIN/);
  });

  it('reports the flags before a login: count low, final try', () => {
    expect(tokenWith(COUNT_LOW, null).token.pinState).toBe('count-low');
    expect(tokenWith(FINAL_TRY | COUNT_LOW, null).token.pinState).toBe('final-try');
    expect(tokenWith(0, null).token.pinState).toBe('ok');
  });
});
