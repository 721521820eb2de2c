/**
 * A configuration profile (.mobileconfig) for macOS, iOS and iPadOS with a
 * single com.apple.security.root payload: the way Apple devices take a root
 * without a terminal. Unsigned: there is no signing identity Apple devices
 * would recognise for a private CA, and they install unsigned profiles
 * after a warning.
 */
import { createHash } from 'node:crypto';
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';

/**
 * Derived from the root, so a later kit of the same root replaces the
 * installed profile instead of adding a second one (devices match profiles
 * on PayloadIdentifier), and kits of different roots never collide.
 */
export function profileIdentifier(root: KitRoot): string {
  return `org.rootkeeper.trust.${root.sha256Hex.slice(0, 16)}`;
}

/** RFC 9562's URL namespace: the name below is URL-like and Rootkeeper's own. */
const URL_NAMESPACE = Buffer.from('6ba7b8119dad11d180b400c04fd430c8', 'hex');

/**
 * A name-based (version 5) UUID of the root's fingerprint and the payload's
 * role: the same root gives the same profile byte for byte, so a kit can be
 * compared with the one made at the ceremony, and a later kit replaces the
 * installed profile. Upper case, as Apple's examples write them.
 */
export function payloadUuid(root: KitRoot, role: string): string {
  const name = `rootkeeper:trust-profile:${role}:${root.sha256Hex}`;
  const bytes = createHash('sha1').update(URL_NAMESPACE).update(name).digest().subarray(0, 16);
  bytes[6] = (bytes[6]! & 0x0f) | 0x50;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex').toUpperCase();
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export async function macosProfile(root: KitRoot): Promise<OutputFile> {
  // Loaded here: plist and its XML libraries cost every CLI command start-up time, and only the trust kit needs them.
  const { build } = await import('plist');
  const identifier = profileIdentifier(root);
  const certificatePayload = {
    PayloadType: 'com.apple.security.root',
    PayloadVersion: 1,
    PayloadIdentifier: `${identifier}.root`,
    PayloadUUID: payloadUuid(root, 'root'),
    PayloadDisplayName: root.label,
    PayloadCertificateFileName: `${root.name}.cer`,
    // A Uint8Array becomes <data>: the base64 of the DER, which is what this payload type holds.
    PayloadContent: root.der,
  };
  const profile = {
    PayloadType: 'Configuration',
    PayloadVersion: 1,
    PayloadIdentifier: identifier,
    PayloadUUID: payloadUuid(root, 'profile'),
    PayloadDisplayName: root.label,
    PayloadDescription: `Makes this device trust certificates issued by the private certificate authority "${root.label}". SHA-256 fingerprint: ${root.fingerprints.sha256}`,
    ...(root.organization === undefined ? {} : { PayloadOrganization: root.organization }),
    // macOS: install into the System keychain, so every user of the Mac and its services trust it.
    PayloadScope: 'System',
    PayloadContent: [certificatePayload],
  };
  return { name: `macos/${root.name}.mobileconfig`, data: `${build(profile)}\n` };
}
