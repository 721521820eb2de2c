import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson, textDate } from '../io';
import { withSession } from '../session';
import { flag } from '../values';

export const ceremonyList: Command = {
  name: 'ceremony list',
  summary: 'list the ceremony records the journal holds, newest first (each can be written again)',
  synopsis: 'ceremony list --store DIR --operator-passin SRC [--json]',
  help: [STORE_HELP, OPERATOR_HELP, JSON_HELP],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG },
  async run(context) {
    const { io, values } = context;
    const { records } = await withSession(context, (operations) => operations.call('ceremonyRecords', {}));
    if (flag(values, 'json')) return printJson(io, records);
    if (records.length === 0) return print(io, 'The journal records no ceremony record.');
    for (const record of records)
      print(
        io,
        `${String(record.sequence).padStart(6)}  ${textDate(record.at)}  ${record.file}  SHA-256 ${record.sha256}${record.kept ? '' : '  (no copy kept: only the original files hold it)'}`,
      );
  },
};
