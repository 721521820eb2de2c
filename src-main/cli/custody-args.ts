/**
 * The custody and ceremony flags every root command shares: --root-share
 * (repeated, -passin syntax; file: and fd: read the whole share file, each
 * `stdin` takes the next line, `ask` asks on the terminal without echo),
 * --share-pin for PIN-protected shares, --ceremony-record and --witness,
 * and for a new share set --root-custody M-of-N, --custodian,
 * --custodian-pin and --share-out.
 */
import path from 'node:path';
import { needsPin } from '../custody/share-file';
import { readKeyring, sharesSlotOf, tokenSlotOf } from '../store/keyring';
import type { CommandContext, Values } from './command';
import { UsageError } from './io';
import { list, optional, storeDir } from './values';

export const ROOT_SHARE = {
  'root-share': { type: 'string', multiple: true },
  'share-pin': { type: 'string', multiple: true },
  'root-pin-passin': { type: 'string' },
  'root-pkcs11-module': { type: 'string' },
} as const;
export const CEREMONY = {
  'ceremony-record': { type: 'string' },
  witness: { type: 'string', multiple: true },
} as const;
export const NEW_CUSTODY = {
  'root-custody': { type: 'string' },
  custodian: { type: 'string', multiple: true },
  'custodian-pin': { type: 'string', multiple: true },
  'share-out': { type: 'string' },
} as const;

export const ROOT_SHARE_HELP = [
  "--root-share SRC         a custodian's share, for a root in custody (repeat until M): file:PATH or fd:N",
  '                         (the whole share file), env:VAR, pass:WORDS, stdin (one share per line), ask',
  '                         (asked on the terminal without echo); with no root source, asked one at a time',
  '--share-pin SRC          the PIN of each PIN-protected share, in order (else asked)',
  "--root-pin-passin SRC    the PIN of the token the root key lives on (else asked when the store's root is on one)",
  "--root-pkcs11-module PATH  the token's PKCS#11 module, instead of the one the store remembers",
];
export const CEREMONY_HELP = [
  '--ceremony-record DIR    write a signed ceremony record (JSON, .sig, PDF, README) to DIR',
  '--witness NAME           a witness present at the ceremony (repeatable)',
];
export const NEW_CUSTODY_HELP = [
  '--root-custody M-of-N    split the root among N custodians, any M of whom unlock it (2 ≤ M ≤ N ≤ 16)',
  '--custodian NAME         a custodian, in share order (N times)',
  "--custodian-pin SRC      each custodian's PIN for their share file, in order (pass: for none)",
  '--share-out DIR          where the share files and printable cards go (not the store folder)',
];

type ShareRequest = { text: string; label: string; pin?: string };

/** The shares given with --root-share, with the PINs their protected files need. */
export async function readRootShares(context: CommandContext): Promise<ShareRequest[] | undefined> {
  const sources = list(context.values, 'root-share');
  if (sources.length === 0) return undefined;
  const pins = list(context.values, 'share-pin');
  const shares: ShareRequest[] = [];
  for (const [position, source] of sources.entries()) {
    const share = await readShareSource(context, source, position + 1);
    if (needsPin(share.text)) {
      share.pin = await context.passphrases.read(pins.shift(), `PIN for ${share.label}`);
    }
    shares.push(share);
  }
  return shares;
}

async function readShareSource(context: CommandContext, source: string, position: number): Promise<ShareRequest> {
  const { io, passphrases } = context;
  const colon = source.indexOf(':');
  const kind = colon < 0 ? source : source.slice(0, colon);
  const rest = colon < 0 ? '' : source.slice(colon + 1);
  switch (kind) {
    case 'file':
      return { text: await passphrases.readWhole('file', rest, source), label: path.basename(rest) };
    case 'fd':
      return { text: await passphrases.readWhole('fd', rest, source), label: `fd ${rest}` };
    case 'env': {
      const value = io.env[rest];
      if (value === undefined) throw new UsageError(`the environment variable ${rest} is not set`);
      return { text: value, label: `$${rest}` };
    }
    case 'pass':
      return { text: rest, label: `share ${position} of the command line` };
    case 'stdin':
      return { text: await passphrases.nextStdinLine(), label: `share ${position} (stdin)` };
    case 'ask':
      return {
        text: await passphrases.read(undefined, `Share ${position}: its words`),
        label: `share ${position} as typed`,
      };
    default:
      throw new UsageError(`"${source}" is not a share source: use file:PATH, fd:N, env:VAR, pass:WORDS, stdin or ask`);
  }
}

/**
 * The root credential of a root command: the shares given, the passphrase
 * given, or — with neither — whatever the store's custody needs, asked on
 * the terminal (each custodian's share in turn, or the root passphrase).
 */
export type RootCredential =
  { rootPassphrase: string } | { rootShares: ShareRequest[] } | { rootTokenPin: string; rootPkcs11Module?: string };

export async function readRootCredential(context: CommandContext): Promise<RootCredential> {
  const token = await readTokenCredential(context);
  if (token) return token;
  const shares = await readRootShares(context);
  const passin = optional(context.values, 'root-passin');
  if (shares && passin !== undefined) throw new UsageError('give --root-passin or --root-share, not both');
  if (shares) return { rootShares: shares };
  if (passin === undefined) {
    const keyring = await readKeyring(storeDir(context.values, context.io)).catch(() => null);
    const slot = keyring ? sharesSlotOf(keyring) : null;
    if (slot) {
      const asked: ShareRequest[] = [];
      for (let position = 1; position <= slot.threshold; position += 1) {
        asked.push(await readShareSource(context, 'ask', position));
      }
      return { rootShares: asked };
    }
  }
  return { rootPassphrase: await context.passphrases.read(passin, 'Root passphrase') };
}

/**
 * The token's PIN (and module) when --root-pin-passin is given, or when the
 * store's root is on a token and no other root source was given (asked).
 */
async function readTokenCredential(context: CommandContext): Promise<RootCredential | undefined> {
  const { values, io, passphrases } = context;
  const pinSource = optional(values, 'root-pin-passin');
  const module = optional(values, 'root-pkcs11-module');
  const others = optional(values, 'root-passin') !== undefined || list(values, 'root-share').length > 0;
  if (pinSource !== undefined && others)
    throw new UsageError('give --root-pin-passin, --root-passin or --root-share: only one');
  if (pinSource === undefined) {
    if (others) {
      if (module !== undefined) throw new UsageError('--root-pkcs11-module goes with a root on a token');
      return undefined;
    }
    const keyring = await readKeyring(storeDir(values, io)).catch(() => null);
    if (!keyring || !tokenSlotOf(keyring)) {
      if (module !== undefined) throw new UsageError('--root-pkcs11-module goes with a root on a token');
      return undefined;
    }
  }
  const modulePath = module === undefined ? undefined : path.resolve(io.cwd, module);
  const pin = await passphrases.read(pinSource, 'Token PIN');
  return { rootTokenPin: pin, ...(modulePath ? { rootPkcs11Module: modulePath } : {}) };
}

export function ceremonyOf(values: Values, cwd: string): { destination: string; witnesses: string[] } | undefined {
  const folder = optional(values, 'ceremony-record');
  const witnesses = list(values, 'witness');
  if (folder === undefined) {
    if (witnesses.length > 0) throw new UsageError('--witness goes with --ceremony-record DIR');
    return undefined;
  }
  return { destination: path.resolve(cwd, folder), witnesses };
}

/** A new share set from --root-custody, --custodian, --custodian-pin and --share-out; undefined without them. */
export async function newCustodyOf(
  context: CommandContext,
): Promise<{ threshold: number; custodians: { name: string; pin: string | null }[]; shareOut: string } | undefined> {
  const { values, io, passphrases } = context;
  const quorum = optional(values, 'root-custody');
  const names = list(values, 'custodian');
  const shareOut = optional(values, 'share-out');
  if (quorum === undefined) {
    if (names.length > 0 || shareOut !== undefined)
      throw new UsageError('--custodian and --share-out go with --root-custody M-of-N');
    return undefined;
  }
  const match = /^(\d+)-of-(\d+)$/.exec(quorum);
  if (!match) throw new UsageError(`--root-custody takes M-of-N, e.g. 2-of-3, not "${quorum}"`);
  const [threshold, total] = [Number(match[1]), Number(match[2])];
  if (names.length !== total)
    throw new UsageError(`--root-custody ${quorum} needs --custodian ${total} times; ${names.length} given`);
  if (shareOut === undefined) throw new UsageError('--share-out DIR is required with --root-custody');
  const pinSources = list(values, 'custodian-pin');
  if (pinSources.length > 0 && pinSources.length !== total) {
    throw new UsageError(`--custodian-pin must be given once per custodian (${total} times), or not at all`);
  }
  const custodians = [];
  for (const [position, name] of names.entries()) {
    const source = pinSources[position];
    const pin = source === undefined ? '' : await passphrases.read(source, `PIN for ${name}`, true);
    custodians.push({ name, pin: pin === '' ? null : pin });
  }
  return { threshold, custodians, shareOut: path.resolve(io.cwd, shareOut) };
}
