/**
 * Passphrase sources, with OpenSSL's -passin syntax: pass:TEXT, env:VAR,
 * file:PATH, fd:N, stdin; with none given, a prompt on the terminal without
 * echo. When several passphrases come from stdin, they are its lines in
 * order, as with openssl. Every source is read with a cap, and no message
 * ever repeats what was given: it may be a passphrase typed without "pass:".
 */
import { createReadStream, fstatSync } from 'node:fs';
import path from 'node:path';
import { rejected } from '../../shared/errors';
import { readBounded } from '../store/bounded-read';
import { UsageError, type Io } from './io';

/** A passphrase is one line; a source longer than this is not one. */
const MAX_SOURCE_BYTES = 64 * 1024;

export class PassphraseSources {
  private stdinLines: string[] | null = null;

  constructor(private readonly io: Io) {}

  /** Reads a passphrase from `source`, or prompts for it (twice when `confirm`). `prompt` names what is asked. */
  async read(source: string | undefined, prompt: string, confirm = false): Promise<string> {
    if (source === undefined) return this.prompt(prompt, confirm);
    const colon = source.indexOf(':');
    const kind = colon < 0 ? source : source.slice(0, colon);
    const rest = colon < 0 ? '' : source.slice(colon + 1);
    switch (kind) {
      case 'pass':
        return rest;
      case 'env': {
        const value = this.io.env[rest];
        if (value === undefined) throw new UsageError(`the environment variable ${rest} is not set`);
        return value;
      }
      case 'file':
        return firstLine(await readPassphraseFile(path.resolve(this.io.cwd, rest), source));
      case 'fd':
        return firstLine(await readDescriptor(rest));
      case 'stdin':
        return this.nextStdinLine();
      default:
        // Not echoed: a passphrase given without "pass:" lands here.
        throw new UsageError(
          `the ${prompt.toLowerCase()} source is not one rootkeeper knows (it is not shown, in case it is the passphrase itself): use pass:TEXT, env:VAR, file:PATH, fd:N or stdin`,
        );
    }
  }

  /** A whole file or descriptor (a share file has several lines), checked and capped as a passphrase source is. */
  readWhole(kind: 'file' | 'fd', rest: string, shown: string): Promise<string> {
    return kind === 'file' ? readPassphraseFile(path.resolve(this.io.cwd, rest), shown) : readDescriptor(rest);
  }

  /** The next line of stdin: passphrases and shares given on stdin share its lines, in order. */
  async nextStdinLine(): Promise<string> {
    this.stdinLines ??= (await readStream(this.io.stdin, 'standard input')).split(/\r?\n/);
    const line = this.stdinLines.shift();
    if (line === undefined || (line === '' && this.stdinLines.length === 0))
      throw new UsageError('stdin ran out of passphrase lines');
    return line;
  }

  private async prompt(prompt: string, confirm: boolean): Promise<string> {
    const first = await promptHidden(this.io, `${prompt}: `);
    if (!confirm) return first;
    const second = await promptHidden(this.io, `${prompt} (again): `);
    if (first !== second) throw new UsageError(`the two entries of the ${prompt.toLowerCase()} differ`);
    return first;
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

async function readPassphraseFile(file: string, source: string): Promise<string> {
  // Pipes too: file:/dev/fd/3 and a shell's <(…) are how scripts hand one over.
  return (await readBounded(file, { maxBytes: MAX_SOURCE_BYTES, streams: true, shown: source })).toString('utf8');
}

async function readDescriptor(text: string): Promise<string> {
  if (!/^[0-9]{1,6}$/.test(text)) throw new UsageError('fd: takes the number of an open file descriptor, such as fd:3');
  const fd = Number(text);
  try {
    fstatSync(fd);
  } catch {
    throw new UsageError(`file descriptor ${fd} is not open`);
  }
  return readStream(createReadStream('', { fd, autoClose: false }), `fd:${fd}`);
}

/** A stream read to its end, but never past the cap: a passphrase source that never ends is refused. */
function readStream(stream: NodeJS.ReadableStream, shown: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    const onData = (chunk: string) => {
      text += chunk;
      if (text.length > MAX_SOURCE_BYTES) {
        stream.removeListener('data', onData);
        stream.pause();
        (stream as { destroy?: () => void }).destroy?.();
        reject(rejected('too-large', `${shown}: more than ${MAX_SOURCE_BYTES} bytes; a passphrase is one line.`));
      }
    };
    stream.on('data', onData);
    stream.on('end', () => resolve(text));
    stream.on('error', (error: NodeJS.ErrnoException) =>
      reject(new UsageError(`${shown} could not be read (${error.code ?? error.name})`)),
    );
  });
}

/** Reads a line from the terminal with echo off. */
function promptHidden(io: Io, prompt: string): Promise<string> {
  const input = io.stdin;
  if (!input.isTTY || !input.setRawMode) {
    throw new UsageError(`no terminal to ask on: give the passphrase with a source (${prompt.replace(/: $/, '')})`);
  }
  io.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let line = '';
    input.setRawMode!(true);
    input.setEncoding('utf8');
    const done = (error?: Error) => {
      input.setRawMode!(false);
      input.removeListener('data', onData);
      input.pause();
      io.stderr.write('\n');
      if (error) reject(error);
      else resolve(line);
    };
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (char === '\r' || char === '\n') return done();
        if (char === '\u0003') return done(new UsageError('cancelled'));
        if (char === '\u007f' || char === '\b') line = line.slice(0, -1);
        else line += char;
      }
    };
    input.on('data', onData);
    input.resume();
  });
}
