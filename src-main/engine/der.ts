/**
 * DER tag-length-value framing for splicing pre-encoded parts (tbs-splice.ts).
 * Only the framing is built here; every value inside comes from the ASN.1
 * libraries or is a plain byte string. Lengths use the short form below 128
 * and the minimal long form above, as X.690 §10.1 requires.
 */

/** The identifier and length octets for `length` bytes of content. */
export function derHeader(tag: number, length: number): Buffer {
  if (length < 0x80) return Buffer.from([tag, length]);
  const octets: number[] = [];
  for (let rest = length; rest > 0; rest = Math.floor(rest / 256)) octets.unshift(rest % 256);
  return Buffer.from([tag, 0x80 | octets.length, ...octets]);
}

/** One TLV whose content is the given parts, in order. */
export function derTlv(tag: number, parts: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const part of parts) length += part.length;
  return Buffer.concat([derHeader(tag, length), ...parts]);
}

/**
 * The content's offset and end if `bytes[offset]` starts a TLV with `tag`
 * whose length is in minimal DER form and fits in `bytes`; null otherwise.
 */
export function readDerHeader(
  bytes: Uint8Array,
  offset: number,
  tag: number,
): { readonly start: number; readonly end: number } | null {
  if (bytes[offset] !== tag || offset + 1 >= bytes.length) return null;
  const first = bytes[offset + 1]!;
  if (first < 0x80) return fits(bytes, offset + 2, first);
  const count = first & 0x7f;
  if (count === 0 || count > 4 || bytes[offset + 2] === 0) return null;
  let length = 0;
  for (let index = 0; index < count; index++) {
    const octet = bytes[offset + 2 + index];
    if (octet === undefined) return null;
    length = length * 256 + octet;
  }
  return length < 0x80 ? null : fits(bytes, offset + 2 + count, length);
}

function fits(bytes: Uint8Array, start: number, length: number): { start: number; end: number } | null {
  return start + length <= bytes.length ? { start, end: start + length } : null;
}
