import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { UsageError, print, printJson, progress, textDate } from '../io';
import { CliOperations } from '../operations';
import { ROOT_SHARE, ROOT_SHARE_HELP, readRootCredential } from '../custody-args';
import { withSession } from '../session';
import { AUDIT_CATEGORIES } from '../../../shared/domain/audit';
import { choice, flag, optional, storeDir } from '../values';

export const auditVerify: Command = {
  name: 'audit verify',
  summary: 'verify the whole journal and print its head, to compare with the paper log',
  synopsis: 'audit verify --store DIR [--expect-head HASH] --operator-passin SRC',
  help: [
    STORE_HELP,
    '--expect-head HASH       a chain hash from the paper log: the journal must pass through it (else exit 4)',
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, 'expect-head': { type: 'string' } },
  async run(context) {
    const { io, values } = context;
    const expectHead = optional(values, 'expect-head')?.toLowerCase();
    if (expectHead !== undefined && !/^[0-9a-f]{64}$/.test(expectHead))
      throw new UsageError('--expect-head takes a chain hash: 64 hexadecimal digits');
    const result = await withSession(context, (operations) =>
      operations.call('verifyJournal', expectHead ? { expectHead } : {}),
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `The journal verifies: ${result.records} records.`);
    print(io, `Head: sequence ${result.head.sequence}, chain hash ${result.head.chainHash}`);
    if (result.expected !== undefined)
      print(
        io,
        `The expected head is record ${result.expected}; ${result.head.sequence - result.expected} record(s) were added since.`,
      );
  },
};

export const auditAcceptRollback: Command = {
  name: 'audit accept-rollback',
  summary: 'let a deliberately older copy of the store open again (operator and root; journaled)',
  synopsis:
    'audit accept-rollback --store DIR --operator-passin SRC (--root-passin SRC | --root-share SRC… | --root-pin-passin SRC)',
  help: [
    STORE_HELP,
    OPERATOR_HELP,
    '--root-passin SRC        the root passphrase: going back needs the root officer too',
    ...ROOT_SHARE_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, ...ROOT_SHARE, 'root-passin': { type: 'string' } },
  async run(context) {
    const { io, values, passphrases } = context;
    const operatorPassphrase = await passphrases.read(optional(values, 'operator-passin'), 'Operator passphrase');
    // The root as every root command takes it: passphrase, a quorum of shares, or the token's PIN.
    const root = await readRootCredential(context);
    progress(io, 'verifying the store, the operator passphrase and the root (argon2id)…');
    const result = await new CliOperations(storeDir(values, io), io).call('acceptRollback', {
      operatorPassphrase,
      ...root,
    });
    if (flag(values, 'json')) return printJson(io, result);
    print(
      io,
      `Accepted: this store goes on from record ${result.from.sequence}; the last seen was record ${result.lastSeen.sequence}. The acceptance is journaled as record ${result.head.sequence}.`,
    );
  },
};

export const auditLog: Command = {
  name: 'audit log',
  summary: 'print the journal as a timeline, newest first (as the app shows it), after verifying it',
  synopsis: `audit log --store DIR [--category ${AUDIT_CATEGORIES.join('|')}] [--search TEXT] [--oldest-first] --operator-passin SRC`,
  help: [
    STORE_HELP,
    `--category C             only ${AUDIT_CATEGORIES.join(', ')} events`,
    '--search TEXT            only events whose description or serial contains TEXT',
    '--oldest-first           the first event first, as the journal was written',
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: {
    ...STORE,
    ...OPERATOR,
    ...JSON_FLAG,
    category: { type: 'string' },
    search: { type: 'string' },
    'oldest-first': { type: 'boolean' },
  },
  async run(context) {
    const { io, values } = context;
    const category = choice(values, 'category', AUDIT_CATEGORIES);
    const query = optional(values, 'search');
    // One call for everything: each call reads and verifies the whole journal.
    const { entries } = await withSession(context, (operations) =>
      operations.call('journalEntries', { ...(category ? { category } : {}), ...(query ? { query } : {}) }),
    );
    // journalEntries answers newest first, as the app's timeline shows it.
    const ordered = flag(values, 'oldest-first') ? [...entries].reverse() : entries;
    if (flag(values, 'json')) return printJson(io, ordered);
    for (const entry of ordered)
      print(
        io,
        `${String(entry.sequence).padStart(6)}  ${textDate(entry.at)}  ${entry.summary}${entry.serial ? `  [${entry.serial}]` : ''}`,
      );
  },
};
