import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, OUT, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withSession } from '../session';
import { flag, required } from '../values';

export const ceremonyExport: Command = {
  name: 'ceremony export',
  summary: "write a past ceremony record again (JSON, the root's signature, PDF, README) from the journal's copy",
  synopsis: 'ceremony export --store DIR --record FILE.json --out DIR --operator-passin SRC',
  help: [
    STORE_HELP,
    '--record FILE.json       the record, by its JSON file name (see `ceremony list`)',
    '--out DIR                the folder to write it into (a subfolder named after the record is made)',
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...OUT, ...JSON_FLAG, record: { type: 'string' } },
  async run(context) {
    const { io, values } = context;
    const file = required(values, 'record');
    const destination = required(values, 'out');
    const result = await withSession(context, (operations) =>
      operations.call('exportCeremonyRecord', { file, destination }),
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `Wrote ${file} again to ${result.written.folder} (its SHA-256 ${result.sha256}, as journaled):`);
    for (const written of result.written.files) print(io, `  ${written.sha256}  ${written.name}`);
    print(io, 'README.txt there gives the openssl command that verifies the signature.');
  },
};
