import { JSON_FLAG, JSON_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withoutSession } from '../session';
import { flag } from '../values';

export const custodyStatus: Command = {
  name: 'custody status',
  summary: 'how the root is held: its M-of-N, custodians and when their shares were made (no passphrase)',
  synopsis: 'custody status --store DIR [--json]',
  help: [STORE_HELP, JSON_HELP],
  options: { ...STORE, ...JSON_FLAG },
  async run(context) {
    const { io, values } = context;
    const status = await withoutSession(context, (operations) => operations.call('custodyStatus', {}));
    if (flag(values, 'json')) return printJson(io, status);
    if (status.mode === 'passphrase') {
      print(io, 'The root is sealed under the root passphrase (no custodians).');
      return;
    }
    if (status.token) {
      print(io, `The root key lives on PKCS#11 token ${status.token.serial} (key id ${status.token.keyId}).`);
      print(io, `Module hint: ${status.token.moduleHint}. Root operations need the token and its PIN.`);
      return;
    }
    print(io, `The root is held by custodians: any ${status.threshold} of ${status.total} shares unlock it.`);
    print(io, `Share set ${status.setId}, made ${status.sharesMadeAt}.`);
    for (const custodian of status.custodians) {
      print(io, `  share ${custodian.index}: ${custodian.name}${custodian.pin ? ' (PIN-protected)' : ''}`);
    }
  },
};
