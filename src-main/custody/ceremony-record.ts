/**
 * The record of a ceremony — a store created, or any use of the root: every
 * step with its UTC time, who was present (custodians by share index and
 * name, witnesses), the app and machine, the store, the root's fingerprint,
 * the journal head before and after, and what the root signed. It is written
 * as ceremony-<UTC time>-<operation>.json with a detached signature by the
 * root key itself (.json.sig, as `openssl dgst -verify` reads it), the same
 * as a printable PDF with a signature line per person, and a README.txt with
 * the exact verify command. No name carries a colon (FAT-formatted sticks).
 */
import { existsSync } from 'node:fs';
import { readFile, readdir } from 'node:fs/promises';
import { hostname, arch, release, type } from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import type { CustodianRef } from './custody-slot';
import { sha256Hex } from './hash';
import type { RecordDigest, RootSigner } from './root-source';

export const CEREMONY_OPERATIONS = [
  'init',
  'intermediate-create',
  'intermediate-rotate',
  'root-crl',
  'root-crl-schedule',
  'intermediate-revoke',
  'custody-split',
  'custody-reshare',
] as const;
export type CeremonyOperation = (typeof CEREMONY_OPERATIONS)[number];

export interface CeremonyStep {
  readonly at: string;
  readonly step: string;
}

export interface SignedObject {
  readonly what: string;
  readonly sha256: string;
}

export interface JournalHeadFacts {
  readonly sequence: number;
  readonly chainHash: string;
}

export interface CeremonyRecord {
  readonly format: 'rootkeeper-ceremony-record';
  readonly version: 1;
  readonly operation: CeremonyOperation;
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly app: {
    readonly name: 'Rootkeeper';
    readonly version: string;
    readonly codeFile: string;
    readonly codeSha256: string;
  };
  readonly machine: { readonly os: string; readonly hostname: string };
  readonly store: { readonly id: string; readonly rootSubject: string; readonly rootSha256: string };
  readonly custody: { readonly threshold: number; readonly total: number; readonly setId: string } | null;
  readonly journal: { readonly before: JournalHeadFacts | null; readonly after: JournalHeadFacts };
  readonly custodiansPresent: readonly CustodianRef[];
  readonly witnesses: readonly string[];
  readonly steps: readonly CeremonyStep[];
  readonly signed: readonly SignedObject[];
  readonly signature: { readonly file: string; readonly digest: RecordDigest; readonly verify: string };
}

/** What the operator asked for: where the record goes and who witnessed. */
export interface CeremonyRequest {
  readonly folder: string;
  readonly witnesses: readonly string[];
  /** Steps the officer confirmed in the app's ceremony wizard before the root was unlocked, with their times. */
  readonly checklist?: readonly CeremonyStep[];
}

export function checkWitnesses(witnesses: readonly string[]): void {
  for (const witness of witnesses) {
    // eslint-disable-next-line no-control-regex
    if (witness.trim() === '' || witness.length > 128 || /[\u0000-\u001f\u007f]/.test(witness)) {
      throw rejected('invalid-name', 'A witness is named by 1 to 128 printable characters.');
    }
  }
}

/**
 * A step the wizard confirmed: its time must be a real UTC time no later
 * than now (it happened before the root was unlocked), its words printable.
 */
const CLOCK_SLACK_MS = 60_000;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f]/;
function confirmedStep(check: CeremonyStep): CeremonyStep {
  const at = Date.parse(check.at);
  const printable = check.step.trim() !== '' && !CONTROL.test(check.step);
  if (!Number.isFinite(at) || at > Date.now() + CLOCK_SLACK_MS || !printable)
    throw rejected('invalid-option', 'A confirmed ceremony step needs a past UTC time and printable words.');
  return { at: new Date(at).toISOString(), step: `Confirmed in the ceremony wizard: ${check.step}` };
}

/** Collects the steps of one ceremony as they happen. */
export class CeremonyLog {
  private readonly steps: CeremonyStep[] = [];
  private readonly signedObjects: SignedObject[] = [];
  private readonly custodians: CustodianRef[] = [];
  readonly startedAt = new Date().toISOString();

  constructor(
    readonly operation: CeremonyOperation,
    readonly request: CeremonyRequest,
  ) {
    checkWitnesses(request.witnesses);
    for (const check of request.checklist ?? []) this.steps.push(confirmedStep(check));
  }

  step(text: string): void {
    this.steps.push({ at: new Date().toISOString(), step: text });
  }

  signed(what: string, der: Uint8Array): void {
    const sha256 = sha256Hex(der);
    this.signedObjects.push({ what, sha256 });
    this.step(`The root signed ${what}, SHA-256 ${sha256}.`);
  }

  /** Custodians who received their share at this ceremony. */
  receiving(custodian: CustodianRef, files: readonly string[]): void {
    this.custodians.push({ index: custodian.index, name: custodian.name });
    this.step(`Share ${custodian.index} written for custodian ${custodian.name}: ${files.join(', ')}.`);
  }

  /** Custodians whose shares unlocked the root. */
  present(custodians: readonly CustodianRef[]): void {
    for (const custodian of custodians) {
      this.custodians.push({ index: custodian.index, name: custodian.name });
      this.step(`Share ${custodian.index} of custodian ${custodian.name} was given and accepted.`);
    }
  }

  record(facts: {
    appVersion: string;
    code: { file: string; sha256: string };
    store: CeremonyRecord['store'];
    custody: CeremonyRecord['custody'];
    journal: CeremonyRecord['journal'];
    digest: RecordDigest;
    jsonFile: string;
  }): CeremonyRecord {
    return {
      format: 'rootkeeper-ceremony-record',
      version: 1,
      operation: this.operation,
      startedAt: this.startedAt,
      finishedAt: new Date().toISOString(),
      app: { name: 'Rootkeeper', version: facts.appVersion, codeFile: facts.code.file, codeSha256: facts.code.sha256 },
      machine: { os: `${type()} ${release()} ${arch()}`, hostname: hostname() },
      store: facts.store,
      custody: facts.custody,
      journal: facts.journal,
      custodiansPresent: [...this.custodians],
      witnesses: [...this.request.witnesses],
      steps: [...this.steps],
      signed: [...this.signedObjects],
      signature: {
        file: `${facts.jsonFile}.sig`,
        digest: facts.digest,
        verify: verifyCommand(facts.digest, facts.jsonFile),
      },
    };
  }
}

export function verifyCommand(digest: RecordDigest, jsonFile: string): string {
  return `openssl dgst -${digest} -verify root-pubkey.pem -signature ${jsonFile}.sig ${jsonFile}`;
}

/** The record's base name: its UTC time without colons, and the operation. */
export function recordBaseName(operation: CeremonyOperation, at: Date, attempt = 1): string {
  const time = at
    .toISOString()
    .replace(/\.\d+Z$/, 'Z')
    .replace(/:/g, '-');
  return `ceremony-${time}-${operation}${attempt > 1 ? `-${attempt}` : ''}`;
}

/**
 * The SHA-256 of the running app's code: of every .js file of the bundle
 * folder (out/main when built: the entry the process was started with, and
 * its chunks), as a list of "sha256  name" lines, so an auditor can
 * recompute it with sha256sum.
 */
export async function runningCode(): Promise<{ file: string; sha256: string }> {
  const entry = process.argv[1];
  const folder =
    entry && /\.(c|m)?js$/.test(entry) && existsSync(entry)
      ? path.dirname(entry)
      : path.dirname(fileURLToPath(import.meta.url));
  const files = (await readdir(folder, { recursive: true })).filter((name) => /\.(c|m)?js$/.test(name)).sort();
  const lines: string[] = [];
  for (const name of files)
    lines.push(`${sha256Hex(await readFile(path.join(folder, name)))}  ${name.split(path.sep).join('/')}`);
  return {
    file: `${path.basename(folder)}/ (${files.length} files)`,
    sha256: sha256Hex(Buffer.from(`${lines.join('\n')}\n`)),
  };
}

/** What the store knows at the end of a ceremony; the front end adds the app's version and code. */
export type StoreRecordFacts = Pick<Parameters<CeremonyLog['record']>[0], 'store' | 'custody' | 'journal'>;

export interface WrittenRecord {
  readonly folder: string;
  readonly json: string;
  readonly sha256: string;
  readonly files: readonly string[];
}

/**
 * A ceremony in progress, as the store sees it: the log to add steps to,
 * and how to write the record (exports/ceremony.ts, bound by the operation)
 * with the root signer before it is dropped.
 */
export interface CeremonyHook {
  readonly log: CeremonyLog;
  write(
    facts: StoreRecordFacts,
    signer: Pick<RootSigner, 'digest' | 'signDetached'>,
    rootCertificate: Uint8Array,
  ): Promise<WrittenRecord>;
  /** Set once the record is written. */
  written?: WrittenRecord;
  /** The record's exact JSON bytes and the root's signature, kept in the journal so the record can be written again. */
  kept?: KeptRecord;
}

export interface KeptRecord {
  readonly json: Uint8Array;
  readonly signature: Uint8Array;
}

/** The journal's copy of a record, for the ceremony-recorded event: base64, or nothing when none was kept. */
export function keptInJournal(hook: CeremonyHook): { json?: string; signature?: string } {
  const kept = hook.kept;
  if (!kept) return {};
  return { json: Buffer.from(kept.json).toString('base64'), signature: Buffer.from(kept.signature).toString('base64') };
}
