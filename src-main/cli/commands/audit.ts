import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, textDate } from '../io';
import { withSession } from '../session';
import { AUDIT_CATEGORIES } from '../../../shared/domain/audit';
import { choice, flag, optional } from '../values';

export const auditVerify: Command = {
  name: 'audit verify',
  summary: 'verify the whole journal and print its head, to compare with the paper log',
  synopsis: 'audit verify --store DIR --operator-passin SRC',
  help: [STORE_HELP, OPERATOR_HELP, JSON_HELP],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG },
  async run(context) {
    const { io, values } = context;
    const result = await withSession(context, (operations) => operations.call('verifyJournal', {}));
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `The journal verifies: ${result.records} records.`);
    print(io, `Head: sequence ${result.head.sequence}, chain hash ${result.head.chainHash}`);
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
