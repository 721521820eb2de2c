/**
 * Firefox keeps its own trust store per profile, so the OS store does not
 * reach it on Linux (its enterprise-roots switch has no Linux code path).
 * The enterprise policy "Certificates.Install" imports the root into every
 * profile at start-up, trusted for websites.
 */
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';

export const FIREFOX_POLICY_FILE = 'firefox/policies.json';

/**
 * A bare file name, not a path: Firefox then looks in its per-platform
 * certificate folders (and its distribution folder), so one policies.json
 * serves Windows, macOS and Linux alike; the README says where to copy it.
 */
export function firefoxPolicy(root: KitRoot): OutputFile {
  const policy = { policies: { Certificates: { Install: [`${root.name}.crt`] } } };
  return { name: FIREFOX_POLICY_FILE, data: `${JSON.stringify(policy, null, 2)}\n` };
}
