/**
 * Java: a trust store holding only the root, for -Djavax.net.ssl.trustStore.
 * PKCS#12, Java's default keystore type since 9; the certificate bag carries
 * Oracle's trusted-key-usage attribute, without which Java lists a
 * certificate-only PKCS#12 as empty.
 */
import { rejected } from '../../../shared/errors';
import { buildPkcs12, contentSalts } from '../../engine/formats/pkcs12';
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';

export const JAVA_TRUSTSTORE_FILE = 'java/truststore.p12';

/**
 * What Java itself uses for its cacerts. A trust store holds no secret: the
 * password only keys its integrity check, and the README prints it.
 */
export const DEFAULT_JAVA_PASSWORD = 'changeit';

/**
 * keytool refuses store passwords under 6 characters, and the README puts the
 * password into command lines, so it is kept to characters no shell or
 * Command Prompt treats specially.
 */
const JAVA_PASSWORD = /^[A-Za-z0-9._+=@:,-]{6,128}$/;

export function checkJavaPassword(password: string): void {
  if (!JAVA_PASSWORD.test(password)) {
    throw rejected(
      'invalid-option',
      'The Java trust store password must be 6 to 128 letters, digits or . _ + = @ : , - (keytool needs 6 or more).',
    );
  }
}

export async function javaTrustStore(root: KitRoot, password: string): Promise<OutputFile> {
  checkJavaPassword(password);
  const data = await buildPkcs12({
    certificates: [{ der: root.der, friendlyName: root.name, javaTrustedCertificate: true }],
    password,
    profile: 'modern',
    // The store is public: salts from its content keep every kit of this root byte-identical.
    salts: contentSalts(root.der, `java-truststore:${password}`),
  });
  return { name: JAVA_TRUSTSTORE_FILE, data };
}
