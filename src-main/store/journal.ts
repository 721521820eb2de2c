/**
 * The journal: an append-only file of encrypted records, each chained to the
 * one before. A record's associated data holds the store, its sequence
 * number and the previous chain hash, so a record that is altered, inserted,
 * removed or moved no longer decrypts. An authenticated head file (sequence
 * and chain hash, MACed with a key only the passphrase opens) catches records
 * cut from the end. Layout, byte by byte, in docs/vault.md.
 */
import { createHash, createHmac, hash as oneShotHash, timingSafeEqual } from 'node:crypto';
import { constants } from 'node:fs';
import { open as openFile, type FileHandle } from 'node:fs/promises';
import path from 'node:path';
import * as v from 'valibot';
import {
  JournalEventSchema,
  type JournalEntry,
  type JournalEvent,
  type JournalHead,
} from '../../shared/domain/journal';
import { parseWith } from '../../shared/validation';
import { NONCE_BYTES, open, seal } from '../vault/aead';
import { APPEND, CREATE_NEW, fsyncDirectory, linkErrorFor, NOFOLLOW } from './atomic-write';
import { fault } from './fault';
import { readCheckedFile, writeCheckedFile } from './checked-file';
import { StoreDamagedError } from './damage';
import { JournalIndex } from './journal-index';
import { JOURNAL_FILE, JOURNAL_HEAD_FILE } from './layout';

const MAGIC = Buffer.from('RKJOURNAL1\n', 'ascii');
const STORE_ID_BYTES = 36;
const HEADER_BYTES = MAGIC.length + STORE_ID_BYTES;
const LENGTH_BYTES = 4;
const SEQ_BYTES = 8;
const MIN_BODY = SEQ_BYTES + NONCE_BYTES + 16;
/** A certificate event is a few kilobytes; anything near this is not a record. */
const MAX_BODY = 1024 * 1024;
const READ_CHUNK = 1024 * 1024;

export interface JournalKeys {
  /** Encrypts records (of the current data-key epoch). */
  readonly record: Buffer;
  /** MACs the head. */
  readonly head: Buffer;
  /** The first record sealed with `record` (1 when the data key never changed). */
  readonly firstSequence?: number;
  /** Earlier epochs' keys, oldest first: records before `firstSequence` were sealed with them (epochs.ts). */
  readonly older?: readonly { readonly firstSequence: number; readonly record: Buffer; readonly head: Buffer }[];
}

/** The key that sealed record `sequence`. */
function recordKeyFor(keys: JournalKeys, sequence: number): Buffer {
  if (sequence >= (keys.firstSequence ?? 1)) return keys.record;
  const epoch = [...(keys.older ?? [])].reverse().find((older) => older.firstSequence <= sequence);
  return epoch?.record ?? keys.record;
}

/** The head file as read: its position, the store-file generation it names, and whether an earlier key MACed it. */
export interface HeadFile extends JournalHead {
  readonly generation: number;
  /** True when a key of an earlier epoch MACed it: a passphrase change stopped after the store file was written. */
  readonly underOlderKey: boolean;
}

export interface JournalScan {
  readonly head: JournalHead;
  /** Bytes of the file that hold whole, authentic records. */
  readonly validLength: number;
  /** What was repaired on opening: a torn last record cut off, a head brought up to date. */
  readonly notices: string[];
  /** Whether the file or the head must be rewritten to match `entries`. */
  readonly needsTruncate: boolean;
  readonly needsHeadWrite: boolean;
  /** The head file as it was found. */
  readonly headFile: HeadFile;
  /** The chain hash after each record asked for in `checkpoints`, when the journal reaches it. */
  readonly hashes: ReadonlyMap<number, string>;
  /** The record whose chain hash is `findHash`, or null. */
  readonly found: number | null;
  /** Where each record lies, when the scan was asked to index them. */
  readonly index: JournalIndex | null;
}

/** What a scan also reports: chain hashes at given records, or the record with a given chain hash. */
export interface ScanLookups {
  readonly checkpoints?: readonly number[];
  readonly findHash?: string;
  /** Filled with every authentic record's position, for reading records back one at a time. */
  readonly index?: JournalIndex;
  /**
   * Kinds of record the caller has no use for: each is authenticated and
   * chained like any other, but its JSON is not parsed and `onEntry` does
   * not see it (a large store's export records are half its journal's bytes,
   * and opening it never reads them). `keep` names records read whatever
   * their kind. A record whose JSON does not begin with its type is parsed.
   */
  readonly skip?: { readonly kinds: ReadonlySet<string>; readonly keep: (sequence: number) => boolean };
}

export function genesisHash(storeId: string): Buffer {
  return createHash('sha256').update('rootkeeper-journal-genesis').update(storeId).digest();
}

const AD_LABEL = Buffer.from('rootkeeper-journal-v1');

function associatedData(storeId: string, sequence: number, previous: Buffer): Buffer {
  return associatedDataInto(
    Buffer.concat([AD_LABEL, Buffer.from(storeId), Buffer.alloc(SEQ_BYTES + 32)]),
    sequence,
    previous,
  );
}

/**
 * Fills a record's associated data in place: replay reuses one buffer (label
 * and store id already in it) for every record instead of making four.
 */
function associatedDataInto(buffer: Buffer, sequence: number, previous: Buffer): Buffer {
  const at = buffer.length - SEQ_BYTES - previous.length;
  buffer.writeUInt32BE(Math.floor(sequence / 2 ** 32), at);
  buffer.writeUInt32BE(sequence >>> 0, at + 4);
  previous.copy(buffer, at + SEQ_BYTES);
  return buffer;
}

function chain(previous: Buffer, body: Buffer): Buffer {
  // One-shot: a Hash object per record was a third of the chain's cost over a 100,000-record journal.
  return oneShotHash('sha256', Buffer.concat([previous, body]), 'buffer');
}

/** A record as encoded: where its body starts in the bytes, its length, and the chain hash before it. */
interface EncodedRecord {
  readonly start: number;
  readonly length: number;
  readonly previous: Buffer;
}

/** Encodes events as records following `previous`; returns the bytes, the new chain hash and each record's place. */
export function encodeRecords(
  storeId: string,
  key: Buffer,
  firstSequence: number,
  previous: Buffer,
  events: readonly JournalEvent[],
): { bytes: Buffer; chainHash: Buffer; records: EncodedRecord[] } {
  const parts: Buffer[] = [];
  const records: EncodedRecord[] = [];
  let start = 0;
  let hash = previous;
  events.forEach((event, index) => {
    checkEvent(event);
    const sequence = firstSequence + index;
    const sealed = seal(key, Buffer.from(JSON.stringify(event)), associatedData(storeId, sequence, hash));
    const seq = Buffer.alloc(SEQ_BYTES);
    seq.writeBigUInt64BE(BigInt(sequence));
    const body = Buffer.concat([seq, sealed.nonce, sealed.ciphertext]);
    // Replay refuses longer records as damage: one must never be written.
    if (body.length > MAX_BODY)
      throw new TypeError(`refusing to journal a ${event.type} record of ${body.length} bytes`);
    const length = Buffer.alloc(LENGTH_BYTES);
    length.writeUInt32BE(body.length);
    parts.push(length, body);
    records.push({ start: start + LENGTH_BYTES, length: body.length, previous: hash });
    start += LENGTH_BYTES + body.length;
    hash = chain(hash, body);
  });
  return { bytes: Buffer.concat(parts), chainHash: hash, records };
}

/** The new journal file's header: magic and store id, nothing secret. */
export function journalHeader(storeId: string): Buffer {
  return Buffer.concat([MAGIC, Buffer.from(storeId, 'ascii')]);
}

/** Version 2 adds the generation of the store file the head belongs to (epochs.ts); version 1 means 0. */
const HeadSchema = v.strictObject({
  format: v.literal('rootkeeper-journal-head'),
  version: v.picklist([1, 2]),
  storeId: v.string(),
  sequence: v.number(),
  chainHash: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
  keyringGeneration: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))),
  mac: v.pipe(v.string(), v.regex(/^[0-9a-f]{64}$/)),
});

function headMac(key: Buffer, storeId: string, head: JournalHead, generation: number | undefined): string {
  const bound = generation === undefined ? '' : `|${generation}`;
  return createHmac('sha256', key)
    .update(`rootkeeper-journal-head|${storeId}|${head.sequence}|${head.chainHash}${bound}`)
    .digest('hex');
}

export async function writeHead(
  dir: string,
  storeId: string,
  key: Buffer,
  head: JournalHead,
  generation: number,
): Promise<void> {
  await writeCheckedFile(path.join(dir, JOURNAL_HEAD_FILE), {
    format: 'rootkeeper-journal-head',
    version: 2,
    storeId,
    sequence: head.sequence,
    chainHash: head.chainHash,
    keyringGeneration: generation,
    mac: headMac(key, storeId, head, generation),
  });
}

async function readHead(dir: string, storeId: string, keys: JournalKeys): Promise<HeadFile> {
  const head = await readCheckedFile(path.join(dir, JOURNAL_HEAD_FILE), HeadSchema);
  if (!head) throw new StoreDamagedError(JOURNAL_HEAD_FILE, 'it is missing');
  if ((head.version === 1) !== (head.keyringGeneration === undefined))
    throw new StoreDamagedError(JOURNAL_HEAD_FILE, 'its version and fields disagree');
  const matches = (key: Buffer) =>
    timingSafeEqual(
      Buffer.from(headMac(key, storeId, head, head.keyringGeneration), 'hex'),
      Buffer.from(head.mac, 'hex'),
    );
  const current = head.storeId === storeId && matches(keys.head);
  const older = !current && head.storeId === storeId && (keys.older ?? []).some((epoch) => matches(epoch.head));
  if (!current && !older) throw new StoreDamagedError(JOURNAL_HEAD_FILE, 'its authentication code does not match');
  return {
    sequence: head.sequence,
    chainHash: head.chainHash,
    generation: head.keyringGeneration ?? 0,
    underOlderKey: older,
  };
}

/**
 * Reads and verifies the whole journal against the head. Records up to the
 * head must all be whole and authentic. Records after it belong to an
 * operation interrupted before it reported success: authentic ones are kept,
 * a torn or garbled tail is cut off, each with a notice.
 */
export async function scanJournal(
  dir: string,
  storeId: string,
  keys: JournalKeys,
  onEntry: (entry: JournalEntry) => void = () => {},
  look: ScanLookups = {},
): Promise<JournalScan> {
  const head = await readHead(dir, storeId, keys);
  const file = await JournalFile.open(path.join(dir, JOURNAL_FILE));
  try {
    return await scanRecords(file, head, storeId, keys, onEntry, look);
  } finally {
    await file.close();
  }
}

async function scanRecords(
  file: JournalFile,
  head: HeadFile,
  storeId: string,
  keys: JournalKeys,
  onEntry: (entry: JournalEntry) => void,
  look: ScanLookups,
): Promise<JournalScan> {
  const checkpoints = new Set(look.checkpoints ?? []);
  let found: number | null = null;
  if (file.size < HEADER_BYTES || !(await file.read(0, HEADER_BYTES)).equals(journalHeader(storeId))) {
    throw new StoreDamagedError(JOURNAL_FILE, 'its header is not this store’s');
  }
  const notices: string[] = [];
  let count = 0;
  let hash = genesisHash(storeId);
  let offset = HEADER_BYTES;
  let headHash: string | null = head.sequence === 0 ? hash.toString('hex') : null;
  const hashes = new Map<number, string>();
  const ad = associatedData(storeId, 0, hash);
  if (checkpoints.has(0)) hashes.set(0, hash.toString('hex'));
  if (look.findHash === hash.toString('hex')) found = 0;

  while (offset < file.size) {
    const sequence = count + 1;
    const confirmed = sequence <= head.sequence;
    const length = file.size - offset >= LENGTH_BYTES ? (await file.read(offset, LENGTH_BYTES)).readUInt32BE(0) : null;
    const problem = recordProblem(file.size, offset, length);
    const body = problem ? null : await file.read(offset + LENGTH_BYTES, length!);
    const plaintext = body
      ? openRecord(recordKeyFor(keys, sequence), sequence, associatedDataInto(ad, sequence, hash), body)
      : null;
    if (!body || !plaintext) {
      const detail = problem ?? 'it does not authenticate (altered, inserted, removed or moved)';
      if (confirmed) throw new StoreDamagedError(JOURNAL_FILE, detail, sequence);
      notices.push(
        `The journal ended in an incomplete record (${detail}); it was cut off. It belonged to an operation that never reported success.`,
      );
      break;
    }
    if (!look.skip || !skippable(plaintext, sequence, look.skip))
      onEntry({ sequence, event: parseEvent(plaintext, sequence) });
    look.index?.add(sequence, offset + LENGTH_BYTES, body.length, hash);
    count = sequence;
    hash = chain(hash, body);
    offset += LENGTH_BYTES + body.length;
    if (sequence === head.sequence) headHash = hash.toString('hex');
    if (checkpoints.has(sequence)) hashes.set(sequence, hash.toString('hex'));
    if (found === null && look.findHash !== undefined && look.findHash === hash.toString('hex')) found = sequence;
  }
  if (count < head.sequence) {
    throw new StoreDamagedError(
      JOURNAL_FILE,
      `it ends at record ${count} but its head says ${head.sequence}: records were cut from the end`,
    );
  }
  if (headHash !== head.chainHash)
    throw new StoreDamagedError(JOURNAL_HEAD_FILE, 'its chain hash does not match the journal');
  if (count > head.sequence) {
    notices.push(
      `${count - head.sequence} journal record(s) written by an interrupted operation were complete and authentic, and were kept.`,
    );
  }
  return {
    head: { sequence: count, chainHash: hash.toString('hex') },
    validLength: offset,
    notices,
    needsTruncate: offset < file.size,
    needsHeadWrite: count !== head.sequence || head.underOlderKey,
    headFile: head,
    hashes,
    found,
    index: look.index ?? null,
  };
}

/** Why the record at `offset`, whose length field says `length` (null when cut short), cannot be whole. */
function recordProblem(size: number, offset: number, length: number | null): string | null {
  if (length === null) return 'its length field is cut short';
  if (length < MIN_BODY || length > MAX_BODY) return `its length field (${length}) is impossible`;
  if (offset + LENGTH_BYTES + length > size) return 'it is cut short';
  return null;
}

/**
 * The journal read front to back a megabyte at a time: a 100,000-certificate
 * store's journal is 170 MB, which opening it should not hold in memory.
 */
class JournalFile {
  private window = Buffer.alloc(0);
  private windowStart = 0;

  private constructor(
    private readonly handle: FileHandle,
    readonly size: number,
  ) {}

  static async open(file: string): Promise<JournalFile> {
    let handle: FileHandle;
    try {
      // Non-blocking: a FIFO put in its place must not hang the opening.
      handle = await openFile(file, constants.O_RDONLY | constants.O_NONBLOCK | NOFOLLOW).catch(linkErrorFor(file));
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT')
        throw new StoreDamagedError(JOURNAL_FILE, 'it is missing');
      throw error;
    }
    const info = await handle.stat();
    if (!info.isFile()) {
      await handle.close();
      throw new StoreDamagedError(JOURNAL_FILE, 'it is not a regular file');
    }
    return new JournalFile(handle, info.size);
  }

  /** `length` bytes at `offset` (within the file); valid until the next read. */
  async read(offset: number, length: number): Promise<Buffer> {
    const start = offset - this.windowStart;
    if (start < 0 || start + length > this.window.length) {
      const wanted = Math.min(Math.max(length, READ_CHUNK), this.size - offset);
      const chunk = Buffer.allocUnsafe(wanted);
      const { bytesRead } = await this.handle.read(chunk, 0, wanted, offset);
      if (bytesRead < length) throw new StoreDamagedError(JOURNAL_FILE, 'it changed while it was being read');
      this.window = chunk.subarray(0, bytesRead);
      this.windowStart = offset;
      return this.window.subarray(0, length);
    }
    return this.window.subarray(start, start + length);
  }

  close(): Promise<void> {
    return this.handle.close();
  }
}

/**
 * Records read back by sequence number through `index`, each authenticated
 * again on its own (its key, sequence and the chain hash before it are its
 * associated data): a record altered, moved or swapped since the scan is
 * refused as damage. One file handle for all of them, read in file order;
 * each event is handed to `use` as it is read, not kept.
 */
export async function readIndexedRecords(
  dir: string,
  storeId: string,
  keys: JournalKeys,
  index: JournalIndex,
  sequences: readonly number[],
  use: (sequence: number, event: JournalEvent) => void,
): Promise<void> {
  if (sequences.length === 0) return;
  const file = await JournalFile.open(path.join(dir, JOURNAL_FILE));
  try {
    for (const sequence of [...new Set(sequences)].sort((a, b) => a - b)) {
      const location = index.locate(sequence);
      if (!location) throw new StoreDamagedError(JOURNAL_FILE, 'the record asked for is not in it', sequence);
      const start = location.offset - LENGTH_BYTES;
      if (start < HEADER_BYTES || location.offset + location.length > file.size)
        throw new StoreDamagedError(JOURNAL_FILE, 'it is shorter than when it was opened', sequence);
      const framed = await file.read(start, LENGTH_BYTES + location.length);
      const body = framed.subarray(LENGTH_BYTES);
      const plaintext =
        framed.readUInt32BE(0) === location.length
          ? openRecord(
              recordKeyFor(keys, sequence),
              sequence,
              associatedData(storeId, sequence, location.previous),
              body,
            )
          : null;
      if (!plaintext)
        throw new StoreDamagedError(JOURNAL_FILE, 'a record read back no longer authenticates (altered)', sequence);
      use(sequence, parseEvent(plaintext, sequence));
    }
  } finally {
    await file.close();
  }
}

function openRecord(key: Buffer, sequence: number, associated: Buffer, body: Buffer): Buffer | null {
  if (body.readUInt32BE(0) !== Math.floor(sequence / 2 ** 32) || body.readUInt32BE(4) !== sequence >>> 0) return null;
  const nonce = body.subarray(SEQ_BYTES, SEQ_BYTES + NONCE_BYTES);
  const ciphertext = body.subarray(SEQ_BYTES + NONCE_BYTES);
  return open(key, { nonce, ciphertext }, associated);
}

/** The kinds of event this version writes. */
const EVENT_TYPES: ReadonlySet<string> = new Set(
  JournalEventSchema.options.map((option) => option.entries.type.literal),
);

/**
 * Every event is checked against the full schema before it is sealed, so a
 * bug cannot write a malformed record. On replay a record that authenticates
 * was sealed by this code after that check; only its kind is re-checked,
 * which keeps opening a 100,000-record store well under 3 s (the schema walk
 * was half of the replay's time; docs/performance.md).
 */
function checkEvent(event: JournalEvent): void {
  const parsed = parseWith(JournalEventSchema, event);
  if (!parsed.ok) throw new TypeError(`refusing to journal a malformed ${event.type} event: ${parsed.problems[0]}`);
}

const TYPE_PREFIX = Buffer.from('{"type":"');

/** An authentic record of a kind the scan skips, told by its first bytes: every event is written type first. */
function skippable(plaintext: Buffer, sequence: number, skip: NonNullable<ScanLookups['skip']>): boolean {
  if (skip.keep(sequence) || !plaintext.subarray(0, TYPE_PREFIX.length).equals(TYPE_PREFIX)) return false;
  const end = plaintext.indexOf(0x22, TYPE_PREFIX.length);
  return end > 0 && end < 64 && skip.kinds.has(plaintext.toString('latin1', TYPE_PREFIX.length, end));
}

function parseEvent(plaintext: Buffer, sequence: number): JournalEvent {
  let json: unknown;
  try {
    json = JSON.parse(plaintext.toString('utf8'));
  } catch {
    throw new StoreDamagedError(JOURNAL_FILE, 'it is authentic but not valid JSON', sequence);
  }
  const type = (json as { type?: unknown } | null)?.type;
  if (typeof type !== 'string' || !EVENT_TYPES.has(type))
    throw new StoreDamagedError(JOURNAL_FILE, 'it is authentic but not an event this version knows', sequence);
  return json as JournalEvent;
}

/**
 * Checked before every append, under the store lock: the lock is still this
 * process's (a stolen lock means another writer may be at work).
 */
export type WriteGuard = () => Promise<void>;

/** Which file the writer appends to: a swapped or grown file is another writer's, never overwritten. */
interface FileIdentity {
  readonly dev: number;
  readonly ino: number;
}

/**
 * Appends records durably: written with O_APPEND, fsynced, then the head
 * moved on. Before each append the file must still be the one this writer
 * opened (same inode, not a link) and exactly as long as this writer left
 * it: anything else is another writer's work or a swapped file, and stops
 * the writer with nothing written. A failed write is rolled back.
 */
export class JournalWriter {
  private constructor(
    private readonly dir: string,
    private readonly storeId: string,
    private keys: JournalKeys,
    private head: JournalHead,
    private length: number,
    private readonly identity: FileIdentity,
    private readonly guard: WriteGuard,
    /** The store file's generation, which every head written names (epochs.ts). */
    private generation: number,
    /** Where each record lies, kept up to date with every append; null when the scan made none. */
    readonly index: JournalIndex | null,
  ) {}

  /** Opens for appending after a scan, repairing what the scan found. */
  static async resume(
    dir: string,
    storeId: string,
    keys: JournalKeys,
    scan: JournalScan,
    generation: number,
    guard: WriteGuard = async () => {},
  ): Promise<JournalWriter> {
    const file = path.join(dir, JOURNAL_FILE);
    const handle = await openFile(file, constants.O_RDWR | NOFOLLOW).catch(linkErrorFor(file));
    let identity: FileIdentity;
    try {
      identity = await identityOf(handle);
      if (scan.needsTruncate) {
        await guard();
        await handle.truncate(scan.validLength);
        await handle.sync();
      }
    } finally {
      await handle.close();
    }
    if (scan.needsHeadWrite || scan.headFile.generation !== generation)
      await writeHead(dir, storeId, keys.head, scan.head, generation);
    // Only records before the valid length are indexed: a tail cut off above was never indexed.
    return new JournalWriter(dir, storeId, keys, scan.head, scan.validLength, identity, guard, generation, scan.index);
  }

  /**
   * After the store file was rewritten: the keys of its (maybe new) data key
   * and its generation. The head is rewritten at once, so both files agree
   * again before the operation goes on.
   */
  async rebind(keys: JournalKeys, generation: number): Promise<void> {
    this.keys = keys;
    this.generation = generation;
    await this.guard();
    await writeHead(this.dir, this.storeId, keys.head, this.head, generation);
  }

  /** Creates a new journal holding `events`. */
  static async create(
    dir: string,
    storeId: string,
    keys: JournalKeys,
    events: readonly JournalEvent[],
    generation: number,
    guard: WriteGuard = async () => {},
  ): Promise<JournalWriter> {
    const file = path.join(dir, JOURNAL_FILE);
    const handle = await openFile(file, CREATE_NEW, 0o600).catch(linkErrorFor(file));
    let identity: FileIdentity;
    try {
      await handle.writeFile(journalHeader(storeId));
      await handle.sync();
      identity = await identityOf(handle);
    } finally {
      await handle.close();
    }
    await fsyncDirectory(dir);
    const empty = { sequence: 0, chainHash: genesisHash(storeId).toString('hex') };
    const writer = new JournalWriter(
      dir,
      storeId,
      keys,
      empty,
      HEADER_BYTES,
      identity,
      guard,
      generation,
      new JournalIndex(),
    );
    await writer.append(events);
    return writer;
  }

  get current(): JournalHead {
    return this.head;
  }

  /** Many events, one fsync: a batch is durable, or none of it counts. */
  async append(events: readonly JournalEvent[]): Promise<JournalHead> {
    if (events.length === 0) return this.head;
    const { bytes, chainHash, records } = encodeRecords(
      this.storeId,
      this.keys.record,
      this.head.sequence + 1,
      Buffer.from(this.head.chainHash, 'hex'),
      events,
    );
    await this.guard();
    const file = path.join(this.dir, JOURNAL_FILE);
    const handle = await openFile(file, APPEND).catch(linkErrorFor(file));
    try {
      await this.checkUnchanged(handle);
      try {
        await fault('journal.torn-append', () => handle.write(bytes, 0, bytes.length >> 1, null));
        await handle.write(bytes, 0, bytes.length, null);
        await fault('journal.before-fsync');
        await handle.sync();
      } catch (error) {
        await handle.truncate(this.length).catch(() => undefined);
        throw error;
      }
    } finally {
      await handle.close();
    }
    const head = { sequence: this.head.sequence + events.length, chainHash: chainHash.toString('hex') };
    await fault('journal.before-head');
    await writeHead(this.dir, this.storeId, this.keys.head, head, this.generation);
    records.forEach((record, index) =>
      this.index?.add(this.head.sequence + 1 + index, this.length + record.start, record.length, record.previous),
    );
    this.head = head;
    this.length += bytes.length;
    return head;
  }

  private async checkUnchanged(handle: FileHandle): Promise<void> {
    const info = await handle.stat();
    if (info.dev !== this.identity.dev || info.ino !== this.identity.ino) {
      throw new StoreDamagedError(
        JOURNAL_FILE,
        'it was replaced by another file while this process had the store open',
      );
    }
    if (info.size !== this.length) {
      throw new StoreDamagedError(
        JOURNAL_FILE,
        `it is ${info.size} bytes where this process left ${this.length}: another process wrote to it (or cut it) while this one had the store open`,
      );
    }
  }
}

async function identityOf(handle: FileHandle): Promise<FileIdentity> {
  const info = await handle.stat();
  return { dev: info.dev, ino: info.ino };
}
