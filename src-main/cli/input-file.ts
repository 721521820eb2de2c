/**
 * File arguments, checked before anything is unlocked, prompted or
 * generated: its type and size with stat first (`/dev/zero`, a FIFO or a
 * folder is refused at once, "this is a … not a file"), then read with a
 * hard cap. `-` is standard input, read to the same cap.
 */
import { stat } from 'node:fs/promises';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { MAX_INPUT_BYTES } from '../engine/formats/input';
import { checkInput, readBounded } from '../store/bounded-read';
import type { Io } from './io';

export const STDIO = '-';

export async function readInputFile(
  io: Io,
  file: string,
  maxBytes = MAX_INPUT_BYTES,
): Promise<Uint8Array<ArrayBuffer>> {
  if (file === STDIO) return readStdin(io, maxBytes);
  return new Uint8Array(await readBounded(path.resolve(io.cwd, file), { maxBytes, shown: file }));
}

/** A file read later by the operation (a backup): checked now, before the passphrase is asked. */
export async function checkInputFile(io: Io, file: string, maxBytes: number): Promise<string> {
  const resolved = path.resolve(io.cwd, file);
  checkInput(await stat(resolved), { maxBytes, shown: file }, resolved);
  return resolved;
}

function readStdin(io: Io, maxBytes: number): Promise<Uint8Array<ArrayBuffer>> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let total = 0;
    const input = io.stdin;
    const onData = (chunk: Buffer | string) => {
      const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      chunks.push(bytes);
      total += bytes.length;
      if (total > maxBytes) {
        input.removeListener('data', onData);
        input.pause();
        reject(
          rejected('too-large', `standard input: more than ${maxBytes} bytes; at most ${maxBytes} are accepted here.`),
        );
      }
    };
    input.on('data', onData);
    input.on('end', () => resolve(new Uint8Array(Buffer.concat(chunks, total))));
    input.on('error', reject);
  });
}
