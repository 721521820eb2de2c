/**
 * The small JSON files of a store carry a SHA-256 of their body, and must
 * be byte-for-byte what Rootkeeper wrote: any flipped, added or removed byte
 * is reported as damage, naming the file, before anything else is read.
 * (The checksum catches damage; secrets and authenticity come from the AEAD
 * and MACs inside, which need the passphrase.)
 */
import { createHash } from 'node:crypto';
import path from 'node:path';
import type * as v from 'valibot';
import { parseWith } from '../../shared/validation';
import { writeFileAtomic } from './atomic-write';
import { readBoundedOrNull } from './bounded-read';
import { StoreDamagedError } from './damage';

/** The bytes `writeCheckedFile` writes for `body`: for a transaction that stages the file first. */
export function encodeChecked(body: unknown): string {
  const text = JSON.stringify(body);
  const sha256 = createHash('sha256').update(text).digest('hex');
  return `${JSON.stringify({ sha256, body })}\n`;
}

export async function writeCheckedFile(file: string, body: unknown): Promise<void> {
  await writeFileAtomic(file, encodeChecked(body));
}

/** The store file holds two certificates and two slots; a key file one key. Nothing near this is ours. */
const MAX_CHECKED_BYTES = 4 * 1024 * 1024;

/** Reads, verifies and validates a checked file; null when it does not exist. */
export async function readCheckedFile<S extends v.GenericSchema>(
  file: string,
  schema: S,
): Promise<v.InferOutput<S> | null> {
  const bytes = await readBoundedOrNull(file, { maxBytes: MAX_CHECKED_BYTES, noFollow: true });
  return bytes === null ? null : decodeChecked(bytes.toString('utf8'), path.basename(file), schema);
}

export function decodeChecked<S extends v.GenericSchema>(text: string, name: string, schema: S): v.InferOutput<S> {
  let parsed: { sha256?: unknown; body?: unknown };
  try {
    parsed = JSON.parse(text) as typeof parsed;
  } catch {
    throw new StoreDamagedError(name, 'it is not valid JSON');
  }
  const wellFormed =
    typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) && parsed.body !== undefined;
  if (!wellFormed || encodeChecked(parsed.body) !== text) {
    throw new StoreDamagedError(name, 'its bytes are not what Rootkeeper wrote');
  }
  const sha256 = createHash('sha256').update(JSON.stringify(parsed.body)).digest('hex');
  if (parsed.sha256 !== sha256) throw new StoreDamagedError(name, 'its checksum does not match its content');
  const body = parseWith(schema, parsed.body);
  if (!body.ok) throw new StoreDamagedError(name, `its content is not valid (${body.problems[0]})`);
  return body.value;
}
