import { randomBytes } from 'node:crypto';

/**
 * A serial number: 16 bytes from the CSPRNG (BR: at least 64 bits of
 * entropy), positive, and 16 octets in DER, well inside RFC 5280's 20. The
 * top bit is cleared so no sign byte is needed; a zero first byte is bumped
 * so the encoding never shrinks. Uniqueness per CA is the store's to check.
 */
export function randomSerialNumber(): string {
  const bytes = randomBytes(16);
  bytes[0] = bytes[0]! & 0x7f || 0x01;
  return bytes.toString('hex');
}

/** Serials as `openssl x509 -serial` prints them are accepted: case and colons are ignored. */
export function normaliseSerial(text: string): string | null {
  const hex = text
    .replace(/:/g, '')
    .toLowerCase()
    .replace(/^0+(?=.)/, '');
  return /^[0-9a-f]{1,40}$/.test(hex) ? hex : null;
}

/**
 * The INTEGER content for a serial: whole bytes, with the 0x00 sign byte DER
 * needs when the top bit is set, so the entry matches the certificate's
 * serial byte for byte.
 */
export function serialIntegerHex(serial: string): string {
  const even = serial.length % 2 ? `0${serial}` : serial;
  return /^[89a-f]/.test(even) ? `00${even}` : even;
}
