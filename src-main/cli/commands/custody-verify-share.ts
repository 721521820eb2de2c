import { JSON_FLAG, JSON_HELP, STORE, STORE_HELP, type Command } from '../command';
import { readRootShares } from '../custody-args';
import { UsageError, print, printJson } from '../io';
import { withoutSession } from '../session';
import { flag, optional } from '../values';

export const custodyVerifyShare: Command = {
  name: 'custody verify-share',
  summary: "check a custodian's share belongs to this store's current set, revealing nothing of it",
  synopsis: 'custody verify-share --store DIR --share SRC [--share-pin SRC] [--json]',
  help: [
    STORE_HELP,
    '--share SRC              the share: file:PATH or fd:N (the whole file), env:VAR, pass:WORDS, stdin, ask',
    '--share-pin SRC          its PIN, if the share file is PIN-protected (else asked)',
    JSON_HELP,
  ],
  options: { ...STORE, ...JSON_FLAG, share: { type: 'string' }, 'share-pin': { type: 'string', multiple: true } },
  async run(context) {
    const { io, values } = context;
    const source = optional(values, 'share');
    if (source === undefined) throw new UsageError('--share is required');
    const [share] = (await readRootShares({ ...context, values: { ...values, 'root-share': [source] } })) ?? [];
    const verified = await withoutSession(context, (operations) => operations.call('verifyShare', { share: share! }));
    if (flag(values, 'json')) return printJson(io, verified);
    print(
      io,
      `Share ${verified.index} of ${verified.total} belongs to this store's current set (${verified.setId}): custodian ${verified.custodian}; any ${verified.threshold} unlock the root.`,
    );
  },
};
