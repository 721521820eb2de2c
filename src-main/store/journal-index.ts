/**
 * Where each journal record lies in the file, by sequence number: its
 * offset, its length and the chain hash before it (its associated data), so
 * one record can be read back and authenticated on its own. Certificates
 * stay in the journal instead of in memory (docs/performance.md, "Memory"):
 * a record is re-read and re-authenticated when its certificate is needed.
 * Packed in typed arrays: a 100,000-record store's index is about 4 MiB.
 */
const HASH_BYTES = 32;

export interface RecordLocation {
  readonly offset: number;
  /** The body's length, without the length field before it. */
  readonly length: number;
  /** The chain hash before this record. */
  readonly previous: Buffer;
}

export class JournalIndex {
  private offsets = new Float64Array(1024);
  private lengths = new Uint32Array(1024);
  private hashes = Buffer.alloc(1024 * HASH_BYTES);
  private count = 0;

  /** The number of records indexed: records 1 to `size`. */
  get size(): number {
    return this.count;
  }

  /** Records must come in order: the next one is `size + 1`. */
  add(sequence: number, offset: number, length: number, previous: Buffer): void {
    if (sequence !== this.count + 1)
      throw new RangeError(`journal record ${sequence} indexed after record ${this.count}`);
    if (this.count === this.offsets.length) this.grow();
    this.offsets[this.count] = offset;
    this.lengths[this.count] = length;
    previous.copy(this.hashes, this.count * HASH_BYTES, 0, HASH_BYTES);
    this.count++;
  }

  locate(sequence: number): RecordLocation | null {
    if (!Number.isInteger(sequence) || sequence < 1 || sequence > this.count) return null;
    const at = sequence - 1;
    return {
      offset: this.offsets[at]!,
      length: this.lengths[at]!,
      previous: this.hashes.subarray(at * HASH_BYTES, (at + 1) * HASH_BYTES),
    };
  }

  private grow(): void {
    const capacity = this.offsets.length * 2;
    const offsets = new Float64Array(capacity);
    offsets.set(this.offsets);
    const lengths = new Uint32Array(capacity);
    lengths.set(this.lengths);
    const hashes = Buffer.alloc(capacity * HASH_BYTES);
    this.hashes.copy(hashes);
    this.offsets = offsets;
    this.lengths = lengths;
    this.hashes = hashes;
  }
}
