import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withSession } from '../session';
import { flag, integer } from '../values';

export const status: Command = {
  name: 'status',
  summary: "what needs attention: each CA's time left and CRL, certificates expiring, a missing active intermediate",
  synopsis: 'status --store DIR [--within DAYS] [--json] --operator-passin SRC',
  help: [
    STORE_HELP,
    '--within DAYS            what falls due within this many days (default 30)',
    OPERATOR_HELP,
    JSON_HELP,
  ],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG, within: { type: 'string' } },
  async run(context) {
    const { io, values } = context;
    const within = integer(values, 'within');
    const result = await withSession(context, (operations) =>
      operations.call('lifecycleStatus', within !== undefined ? { withinDays: within } : {}),
    );
    // Exit 0 whenever it could report: attention is news, not failure.
    if (flag(values, 'json')) return printJson(io, result);
    print(io, 'Certificate authorities:');
    for (const ca of result.cas)
      print(
        io,
        `  ${ca.role === 'root' ? 'root        ' : `${ca.status.padEnd(12)}`}${ca.subject} (serial ${ca.serial}), valid until ${ca.notAfter}; ` +
          (ca.crlNumber ? `CRL number ${ca.crlNumber}, next update ${ca.nextUpdate}` : 'CRL never published'),
      );
    if (result.attention.length === 0) {
      print(io, `Nothing needs attention within ${result.withinDays} days.`);
      return;
    }
    print(io, `Needs attention (within ${result.withinDays} days):`);
    for (const item of result.attention)
      print(io, `  [${item.kind}] ${item.subject}${item.serial ? ` (${item.serial})` : ''}: ${item.action}`);
  },
};
