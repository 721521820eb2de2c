/**
 * A PKCS#11 token, found by its serial number and never only by its label
 * (OpenSC renames labels), through graphene-pk11 over pkcs11js. The token's
 * WebCrypto face (node-webcrypto-p11) is what the engine signs through, so
 * @peculiar/x509 builds certificates and CRLs exactly as with a key in the
 * vault while the private key never leaves the token.
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import type * as Graphene from 'graphene-pk11';
import type { Crypto as TokenCrypto } from 'node-webcrypto-p11';
import { RootkeeperError, rejected } from '../../../shared/errors';
import { lazyRequire } from '../../lazy-require';

/** graphene-pk11 (with pkcs11js's native module) and the token's WebCrypto: required when a token is first used. */
export const graphene = lazyRequire<typeof Graphene>('graphene-pk11');
const tokenCrypto = lazyRequire<{ Crypto: typeof TokenCrypto }>('node-webcrypto-p11');

export interface TokenAddress {
  /** Absolute path of the PKCS#11 module: opensc-pkcs11.so, libykcs11.so, libsofthsm2.so, … */
  readonly modulePath: string;
  /** The token's serial number as the token reports it (CK_TOKEN_INFO.serialNumber). */
  readonly serial: string;
}

export interface TokenInfo {
  readonly serial: string;
  readonly label: string;
  readonly manufacturer: string;
  readonly model: string;
}

/** What the user PIN's flags say before an attempt: tokens count tries down and then lock. */
export type PinState = 'ok' | 'count-low' | 'final-try' | 'locked';

// CK_TOKEN_INFO flags (PKCS#11 v2.40 §3.2).
const CKF_USER_PIN_COUNT_LOW = 0x10000;
const CKF_USER_PIN_FINAL_TRY = 0x20000;
const CKF_USER_PIN_LOCKED = 0x40000;

/** An open session on one token; `close()` logs out and unloads the module. */
export class OpenToken {
  readonly provider: TokenCrypto;

  constructor(
    private readonly module: Graphene.Module,
    private readonly slot: Graphene.Slot,
    readonly session: Graphene.Session,
    readonly info: TokenInfo,
  ) {
    this.provider = new (tokenCrypto().Crypto)({ session, name: info.label });
  }

  get pinState(): PinState {
    const flags = this.slot.getToken().flags;
    if (flags & CKF_USER_PIN_LOCKED) return 'locked';
    if (flags & CKF_USER_PIN_FINAL_TRY) return 'final-try';
    if (flags & CKF_USER_PIN_COUNT_LOW) return 'count-low';
    return 'ok';
  }

  /** Logs in as the user (or the security officer, which some tokens need to generate keys). */
  login(pin: string, as: 'user' | 'so' = 'user'): void {
    const who = as === 'so' ? 'security officer (SO) PIN' : 'PIN';
    if (as === 'user' && this.pinState === 'locked') throw pinLocked(this.info);
    try {
      this.session.login(pin, as === 'so' ? graphene().UserType.SO : graphene().UserType.USER);
    } catch (error) {
      const code = pkcs11Code(error);
      if (code === 'CKR_USER_ALREADY_LOGGED_IN') return;
      if (code === 'CKR_PIN_LOCKED') throw pinLocked(this.info);
      if (code === 'CKR_PIN_INCORRECT' || code === 'CKR_PIN_LEN_RANGE') {
        throw new RootkeeperError('WRONG_PASSPHRASE', `The token's ${who} is wrong.${triesLeft(this.pinState)}`);
      }
      throw tokenFailure(`logging in to token ${this.info.serial}`, error);
    }
  }

  close(): void {
    try {
      this.session.logout();
    } catch {
      // Not logged in: nothing to undo.
    }
    this.session.close();
    releaseModule(this.module);
  }
}

/** Loads the module, finds the token with this serial, opens a read-write session (not logged in). */
export function openToken(address: TokenAddress): OpenToken {
  const module = loadModule(address.modulePath);
  try {
    const { slot, info } = findSlot(module, address.serial);
    const session = slot.open(graphene().SessionFlag.SERIAL_SESSION | graphene().SessionFlag.RW_SESSION);
    return new OpenToken(module, slot, session, info);
  } catch (error) {
    releaseModule(module);
    throw error;
  }
}

/** The tokens a module sees now, for the officer to choose from. */
export function listTokens(modulePath: string): TokenInfo[] {
  const module = loadModule(modulePath);
  try {
    return presentTokens(module).map(({ info }) => info);
  } finally {
    releaseModule(module);
  }
}

/**
 * Modules loaded in this process, counted: PKCS#11's C_Finalize ends every
 * session of the library, so one token closing must not end another's.
 */
const loaded = new Map<string, { module: Graphene.Module; users: number }>();

function loadModule(modulePath: string): Graphene.Module {
  if (!path.isAbsolute(modulePath)) {
    throw rejected('invalid-option', `The PKCS#11 module must be given by its absolute path; "${modulePath}" is not.`);
  }
  const stat = statSync(modulePath, { throwIfNoEntry: false });
  if (!stat?.isFile()) throw rejected('not-found', `There is no PKCS#11 module at ${modulePath}.`);
  // One library under two paths (a multiarch link) is one library to PKCS#11.
  const key = realpathSync(modulePath);
  const known = loaded.get(key);
  if (known) {
    known.users++;
    return known.module;
  }
  let module: Graphene.Module;
  try {
    module = graphene().Module.load(modulePath, path.basename(modulePath));
  } catch {
    throw rejected('wrong-kind', `${modulePath} could not be loaded as a PKCS#11 module.`);
  }
  try {
    module.initialize();
  } catch (error) {
    if (pkcs11Code(error) !== 'CKR_CRYPTOKI_ALREADY_INITIALIZED') throw tokenFailure('initialising the module', error);
  }
  loaded.set(key, { module, users: 1 });
  return module;
}

function releaseModule(module: Graphene.Module): void {
  for (const [key, entry] of loaded) {
    if (entry.module !== module) continue;
    if (--entry.users > 0) return;
    loaded.delete(key);
    module.finalize();
    return;
  }
}

function presentTokens(module: Graphene.Module): { slot: Graphene.Slot; info: TokenInfo }[] {
  const slots = module.getSlots(true);
  const found: { slot: Graphene.Slot; info: TokenInfo }[] = [];
  for (let index = 0; index < slots.length; index++) {
    const slot = slots.items(index);
    const token = slot.getToken();
    // An uninitialised token (SoftHSM's spare slot) has no serial worth naming.
    if (!(token.flags & graphene().TokenFlag.TOKEN_INITIALIZED)) continue;
    found.push({
      slot,
      info: {
        serial: token.serialNumber.trim(),
        label: token.label.trim(),
        manufacturer: token.manufacturerID.trim(),
        model: token.model.trim(),
      },
    });
  }
  return found;
}

function findSlot(module: Graphene.Module, serial: string): { slot: Graphene.Slot; info: TokenInfo } {
  const tokens = presentTokens(module);
  const match = tokens.find(({ info }) => info.serial === serial.trim());
  if (match) return match;
  const present = tokens.map(({ info }) => `${info.serial} ("${info.label}")`).join(', ');
  throw rejected(
    'not-found',
    `No token with serial ${serial} is present.${present ? ` Tokens present: ${present}.` : ' No token is present.'}`,
  );
}

function triesLeft(state: PinState): string {
  if (state === 'final-try') return ' One try is left before the token locks its PIN.';
  if (state === 'count-low') return ' The token reports that few tries are left before it locks its PIN.';
  if (state === 'locked') return ' The token has now locked its PIN.';
  return '';
}

function pinLocked(info: TokenInfo): RootkeeperError {
  return rejected(
    'policy',
    `Token ${info.serial} has locked its PIN after too many wrong tries: unblock it with the PUK or SO PIN using the vendor's tool.`,
  );
}

/** graphene's errors carry the CKR_ name in their message. */
export function pkcs11Code(error: unknown): string | undefined {
  const message = error instanceof Error ? error.message : '';
  return /CKR_[A-Z_]+/.exec(message)?.[0];
}

function tokenFailure(what: string, error: unknown): RootkeeperError {
  const code = pkcs11Code(error);
  if (code === 'CKR_TOKEN_NOT_PRESENT' || code === 'CKR_DEVICE_REMOVED') {
    return rejected('not-found', `The token was removed while ${what}.`);
  }
  return rejected('policy', `The token refused ${what}${code ? ` (${code})` : ''}.`);
}
