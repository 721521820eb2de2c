import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import {
  CEREMONY,
  CEREMONY_HELP,
  NEW_CUSTODY,
  NEW_CUSTODY_HELP,
  ceremonyOf,
  newCustodyOf,
  readRootCredential,
} from '../custody-args';
import { printCustody, printRecord } from '../custody-output';
import { UsageError, print, printJson, progress } from '../io';
import { withSession } from '../session';
import { flag } from '../values';

export const custodySplit: Command = {
  name: 'custody split',
  summary: 'put a passphrase root in M-of-N custody: the root passphrase stops opening it',
  synopsis:
    'custody split --store DIR --root-custody M-of-N --custodian NAME… --share-out DIR [--custodian-pin SRC…] --root-passin SRC --operator-passin SRC [--ceremony-record DIR [--witness NAME]…]',
  help: [
    STORE_HELP,
    ...NEW_CUSTODY_HELP,
    '--root-passin SRC        the current root passphrase',
    ...CEREMONY_HELP,
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, ...NEW_CUSTODY, ...CEREMONY, 'root-passin': { type: 'string' } },
  async run(context) {
    const { io, values } = context;
    const custody = await newCustodyOf(context);
    if (!custody) throw new UsageError('--root-custody M-of-N is required');
    const ceremony = ceremonyOf(values, io.cwd);
    let root: Awaited<ReturnType<typeof readRootCredential>> | undefined;
    const result = await withSession(
      context,
      (operations) => {
        progress(io, 'unlocking the root and sealing it under a new custody key…');
        return operations.call('changeCustody', { ...root!, custody, ...(ceremony ? { ceremony } : {}) });
      },
      async () => {
        root = await readRootCredential(context);
      },
    );
    if (flag(values, 'json')) return printJson(io, result);
    print(io, `The root is now held ${result.threshold} of ${result.total} (share set ${result.setId}).`);
    printCustody(io, result.shareFiles, result.threshold);
    printRecord(io, result.ceremonyRecord);
  },
};
