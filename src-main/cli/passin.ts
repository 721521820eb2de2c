/**
 * Passphrase sources, with OpenSSL's -passin syntax: pass:TEXT, env:VAR,
 * file:PATH, fd:N, stdin; with none given, a prompt on the terminal without
 * echo. When several passphrases come from stdin, they are its lines in
 * order, as with openssl.
 */
import { createReadStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { UsageError, type Io } from './io';

export class PassphraseSources {
  private stdinLines: string[] | null = null;

  constructor(private readonly io: Io) {}

  /** Reads a passphrase from `source`, or prompts for it (twice when `confirm`). */
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
        return firstLine(await readFile(path.resolve(this.io.cwd, rest), 'utf8'));
      case 'fd':
        return firstLine(await readStream(createReadStream('', { fd: Number(rest), autoClose: false })));
      case 'stdin':
        return this.nextStdinLine();
      default:
        throw new UsageError(
          `"${source}" is not a passphrase source: use pass:TEXT, env:VAR, file:PATH, fd:N or stdin`,
        );
    }
  }

  /** The next line of stdin: passphrases and shares given on stdin share its lines, in order. */
  async nextStdinLine(): Promise<string> {
    this.stdinLines ??= (await readStream(this.io.stdin)).split(/\r?\n/);
    const line = this.stdinLines.shift();
    if (line === undefined || (line === '' && this.stdinLines.length === 0))
      throw new UsageError('stdin ran out of passphrase lines');
    return line;
  }

  private async prompt(prompt: string, confirm: boolean): Promise<string> {
    const first = await promptHidden(this.io, `${prompt}: `);
    if (!confirm) return first;
    const second = await promptHidden(this.io, `${prompt} (again): `);
    if (first !== second) throw new UsageError('the two entries differ');
    return first;
  }
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

function readStream(stream: NodeJS.ReadableStream): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => (text += chunk));
    stream.on('end', () => resolve(text));
    stream.on('error', reject);
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
