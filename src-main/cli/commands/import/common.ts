/**
 * What the three import commands share: the new store's flags, the dry run,
 * the report (text or --json), and the write. A source with problems is
 * refused with exit 2 after its report; a wrong source passphrase is exit 3
 * (thrown by the verifier); nothing is written in either case.
 */
import type { ImportDescription } from '../../../import';
import { reportText, verifySource, writeImport, type KeyPassphrases } from '../../../import';
import { rejected } from '../../../../shared/errors';
import { DEFAULT_KDF_COST } from '../../../vault/kdf';
import { JSON_FLAG, JSON_HELP, STORE, STORE_HELP, type CommandContext } from '../../command';
import { print, printJson, progress } from '../../io';
import { flag, integer, optional, storeDir } from '../../values';

export const NEW_STORE_OPTIONS = {
  ...STORE,
  ...JSON_FLAG,
  'root-passout': { type: 'string' },
  'operator-passout': { type: 'string' },
  'dry-run': { type: 'boolean' },
  'kdf-memory': { type: 'string' },
  'kdf-passes': { type: 'string' },
} as const;

export const NEW_STORE_HELP = [
  `${STORE_HELP} to create (empty or missing)`,
  "--root-passout SRC       the new store's root passphrase (asked twice when not given)",
  "--operator-passout SRC   the new store's operator passphrase (asked twice when not given)",
  '--dry-run                verify and print the report; write nothing',
  '--kdf-memory MIB         argon2id memory in MiB (default 256, at least 64)',
  '--kdf-passes N           argon2id passes (default 3, at least 2)',
  JSON_HELP,
];

/** The source's key passphrases: in a dry run only those given (no prompt); otherwise asked when missing. */
export async function keyPassphrases(
  context: CommandContext,
  sources: { root: string; intermediate?: string },
  hasIntermediate: boolean,
): Promise<KeyPassphrases> {
  const dryRun = flag(context.values, 'dry-run');
  const read = async (name: string | undefined, prompt: string): Promise<string | null> => {
    if (!name) return null;
    const source = optional(context.values, name);
    if (source === undefined && dryRun) return null;
    return context.passphrases.read(source, prompt);
  };
  return {
    root: await read(sources.root, 'Source CA key passphrase'),
    intermediate: hasIntermediate ? await read(sources.intermediate, 'Source intermediate key passphrase') : null,
  };
}

export async function runImport(
  context: CommandContext,
  description: ImportDescription,
  passphrases: KeyPassphrases,
): Promise<void> {
  const { io, values } = context;
  const dryRun = flag(values, 'dry-run');
  const json = flag(values, 'json');
  progress(io, `verifying ${description.origin}…`);
  let plan;
  try {
    plan = await verifySource(description, passphrases, { requireKeys: !dryRun });
  } finally {
    // The verifier made its own copies of the keys it opened; the reader's bytes go now.
    for (const ca of description.cas) ca.key?.bytes.fill(0);
  }
  let written: Awaited<ReturnType<typeof writeImport>>;
  try {
    if (dryRun || !plan.report.ready) {
      if (json) printJson(io, plan.report);
      else print(io, reportText(plan.report));
    }
    if (!plan.report.ready) {
      const [first] = plan.report.problems;
      throw rejected(
        'policy',
        `${plan.report.problems.length} problem(s) in the source, nothing was written. ${first ? `${first.file}${first.line ? ` line ${first.line}` : ''}${first.serial ? ` serial ${first.serial}` : ''}: ${first.message}` : ''}`,
      );
    }
    if (dryRun) return;
    const rootPassphrase = await context.passphrases.read(
      optional(values, 'root-passout'),
      'New root passphrase',
      true,
    );
    const operatorPassphrase = await context.passphrases.read(
      optional(values, 'operator-passout'),
      'New operator passphrase',
      true,
    );
    const memory = integer(values, 'kdf-memory');
    const passes = integer(values, 'kdf-passes');
    progress(io, 'sealing the imported keys in the new store (argon2id)…');
    written = await writeImport(plan, {
      dir: storeDir(values, io),
      rootPassphrase,
      operatorPassphrase,
      ...(memory || passes
        ? {
            kdfCost: {
              ...DEFAULT_KDF_COST,
              ...(memory ? { memoryKiB: memory * 1024 } : {}),
              ...(passes ? { passes } : {}),
            },
          }
        : {}),
    });
  } finally {
    // The writer wipes the keys it sealed; a dry run, a refusal or a failed prompt leaves none behind either.
    for (const key of plan.keys.values()) key.fill(0);
  }
  if (json) return printJson(io, { ...written, report: plan.report });
  print(io, `Imported ${written.certificates} certificates into the store ${written.storeId}`);
  print(io, `Root SHA-256: ${written.rootSha256} (unchanged: the devices that trust it keep trusting it)`);
  for (const [role, next] of Object.entries(written.nextCrlNumbers))
    print(io, `The ${role} CA's next CRL number: ${next}`);
  if (plan.report.leafKeys.length > 0)
    print(io, `${plan.report.leafKeys.length} leaf private key(s) were left in the source: see docs/import.md.`);
}
