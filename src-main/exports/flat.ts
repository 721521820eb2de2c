/**
 * A batch written the way `openssl ca` writes it, for provisioning systems
 * that take certificates by serial: one `<SERIAL>.pem` per certificate,
 * named as `openssl ca -outdir` names them, plus one ca-chain.cert.pem
 * (intermediate then root) for the whole batch. The SHA256SUMS beside them
 * is added by the folder writer.
 */
import { certificatePem } from '../engine/formats/certificates';
import { CHECKSUM_FILE, type OutputFile } from './folder';

export const FLAT_CHAIN = 'ca-chain.cert.pem';

/** The files written once per batch, which a second batch into the same folder would collide with. */
export const FLAT_BATCH_FILES = [FLAT_CHAIN, CHECKSUM_FILE] as const;

/**
 * `openssl ca`'s file name for a serial: the INTEGER's bytes in uppercase
 * hex, two digits each (so a leading zero nibble is kept), then `.pem` —
 * what `openssl x509 -serial` prints, too.
 */
export function flatName(serial: string): string {
  const even = serial.length % 2 ? `0${serial}` : serial;
  return `${even.toUpperCase()}.pem`;
}

export function flatFiles(
  certificates: readonly { readonly der: Uint8Array; readonly serialNumber: string }[],
  chain: { readonly intermediate: Uint8Array; readonly root: Uint8Array },
): OutputFile[] {
  return [
    ...certificates.map((certificate) => ({
      name: flatName(certificate.serialNumber),
      data: certificatePem(certificate.der),
    })),
    { name: FLAT_CHAIN, data: certificatePem(chain.intermediate) + certificatePem(chain.root) },
  ];
}
