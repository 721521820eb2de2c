import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withSession } from '../session';
import { flag } from '../values';

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
