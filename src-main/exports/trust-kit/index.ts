/**
 * The root trust kit: one folder that makes every common trust store trust
 * a Rootkeeper root, in the manner of mkcert's "-install" but as files to
 * carry to machines the CA laptop never touches. One small module per
 * target; this one only puts them together. The caller writes the files
 * with writeExportFolder, which adds SHA256SUMS.
 */
import type { OutputFile } from '../folder';
import { certificateFiles } from './certificates';
import { firefoxPolicy } from './firefox';
import { DEFAULT_JAVA_PASSWORD, checkJavaPassword, javaTrustStore } from './java';
import { linuxScripts } from './linux';
import { macosProfile } from './macos';
import { README_FILE, readme } from './readme';
import { describeRoot } from './root';
import { windowsScripts } from './windows';

export { DEFAULT_JAVA_PASSWORD } from './java';

export interface TrustKitOptions {
  /** The root CA certificate, DER. */
  readonly root: Uint8Array;
  /** Password of java/truststore.p12; Java's own 'changeit' by default. */
  readonly javaPassword?: string;
}

export async function trustKitFiles(options: TrustKitOptions): Promise<OutputFile[]> {
  const root = describeRoot(options.root);
  const javaPassword = options.javaPassword ?? DEFAULT_JAVA_PASSWORD;
  checkJavaPassword(javaPassword);
  return [
    ...certificateFiles(root),
    firefoxPolicy(root),
    await macosProfile(root),
    ...windowsScripts(root),
    ...linuxScripts(root),
    await javaTrustStore(root, javaPassword),
    { name: README_FILE, data: readme(root, { javaPassword }) },
  ];
}
