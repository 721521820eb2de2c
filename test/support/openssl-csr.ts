import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { run } from './run';

/**
 * A CSR made by `openssl req`, as a server admin makes one: a new P-256 key
 * (written beside it), the subject, and any `-addext` requests. Returns the
 * file's bytes; the file is DIR/NAME.csr.
 */
export async function opensslCsr(
  dir: string,
  name: string,
  subject: string,
  ...addext: string[]
): Promise<Uint8Array<ArrayBuffer>> {
  const file = path.join(dir, `${name}.csr`);
  const made = run('openssl', [
    'req',
    '-new',
    '-newkey',
    'ec',
    '-pkeyopt',
    'ec_paramgen_curve:P-256',
    '-nodes',
    '-keyout',
    path.join(dir, `${name}.key`),
    '-subj',
    subject,
    ...addext.flatMap((extension) => ['-addext', extension]),
    '-out',
    file,
  ]);
  if (made.status !== 0) throw new Error(`openssl req failed: ${made.stderr}`);
  return new Uint8Array(await readFile(file));
}
