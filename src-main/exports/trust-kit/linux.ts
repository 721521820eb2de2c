/**
 * Linux: two POSIX sh scripts, in the spirit of mkcert's Linux trust store,
 * for the places Linux programs look:
 *   - the system store (curl, wget, Python, Go, Java on Debian…), through the
 *     distribution's own tool, because a copied file alone is not read, and
 *     Firefox's system policy for profiles that do not exist yet;
 *   - the per-user NSS databases, because Chromium, Chrome and Firefox on
 *     Linux ignore the system store. Firefox profiles are found through
 *     profiles.ini in every folder Firefox uses, not a fixed glob: the
 *     folder moved (~/.config/mozilla/firefox) and a glob went stale.
 * uninstall-root.sh undoes all of it. --user-only does the second part alone:
 * it needs no administrator rights. The scripts are in scripts/.
 */
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';
import { fillTemplate, fragment } from '../script-template';
import firefoxProfiles from './scripts/firefox-profiles.sh?raw';
import installTemplate from './scripts/install-root.sh?raw';
import uninstallTemplate from './scripts/uninstall-root.sh?raw';

export const LINUX_INSTALL_FILE = 'linux/install-root.sh';
export const LINUX_UNINSTALL_FILE = 'linux/uninstall-root.sh';

/** One word for sh, whatever the name holds: single quotes, with each ' written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

function script(template: string, root: KitRoot): string {
  return fillTemplate(
    template,
    {
      NAME: root.name,
      FILE: `${root.name}.crt`,
      NICKNAME: root.label,
      SHA256: root.fingerprints.sha256,
      FIREFOX_PROFILES: fragment(firefoxProfiles),
    },
    shellQuote,
  );
}

export function linuxScripts(root: KitRoot): OutputFile[] {
  return [
    { name: LINUX_INSTALL_FILE, data: script(installTemplate, root), mode: 0o755 },
    { name: LINUX_UNINSTALL_FILE, data: script(uninstallTemplate, root), mode: 0o755 },
  ];
}
