import type { IntermediateGeneration } from '../../../shared/domain/authorities';
import { JSON_FLAG, JSON_HELP, OPERATOR, OPERATOR_HELP, STORE, STORE_HELP, type Command } from '../command';
import { print, printJson } from '../io';
import { withSession } from '../session';
import { flag } from '../values';

export const intermediateList: Command = {
  name: 'intermediate list',
  summary: 'list every intermediate generation: status, what it issued, its CRL',
  synopsis: 'intermediate list --store DIR [--json] --operator-passin SRC',
  help: [STORE_HELP, OPERATOR_HELP, JSON_HELP],
  options: { ...STORE, ...OPERATOR, ...JSON_FLAG },
  async run(context) {
    const { io, values } = context;
    const { intermediates } = await withSession(context, (operations) => operations.call('listIntermediates', {}));
    if (flag(values, 'json')) return printJson(io, intermediates.map(jsonFields));
    print(io, table(intermediates));
    if (!intermediates.some((generation) => generation.status === 'active'))
      print(io, 'No intermediate is active: rotate to a new one (intermediate create --rotate) before issuing.');
  },
};

/** The fields scripts rely on, exactly. */
function jsonFields(generation: IntermediateGeneration) {
  const { serial, subject, key, notBefore, notAfter, status, issued, crlNumber, nextUpdate } = generation;
  return { serial, subject, key, notBefore, notAfter, status, issued, crlNumber, nextUpdate };
}

function table(generations: readonly IntermediateGeneration[]): string {
  if (generations.length === 0) return 'No intermediate yet.';
  const rows = generations.map((generation) => [
    generation.serial,
    generation.status,
    generation.notAfter.slice(0, 10),
    String(generation.issued),
    generation.external
      ? 'online CA (its own)'
      : generation.crlNumber
        ? `${generation.crlNumber} (next ${generation.nextUpdate!.slice(0, 10)})`
        : 'never published',
    generation.subject,
  ]);
  const header = ['SERIAL', 'STATUS', 'EXPIRES', 'ISSUED', 'CRL', 'SUBJECT'];
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => row[column]!.length)));
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]!))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
