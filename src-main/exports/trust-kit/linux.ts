/**
 * Linux: one POSIX sh script, in the spirit of mkcert's Linux trust store,
 * for the two places Linux programs look:
 *   - the system store (curl, wget, Python, Go, Java on Debian…), through the
 *     distribution's own tool, because a copied file alone is not read;
 *   - the per-user NSS databases, because Chromium, Chrome and Firefox on
 *     Linux ignore the system store.
 * --user-only does the second part alone: it needs no administrator rights,
 * which is also what lets the tests run it against a scratch HOME.
 */
import type { OutputFile } from '../folder';
import type { KitRoot } from './root';

/** One word for sh, whatever the name holds: single quotes, with each ' written as '\''. */
export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

export function linuxScript(root: KitRoot): OutputFile {
  const settings = [
    `NAME=${shellQuote(root.name)}`,
    `NICKNAME=${shellQuote(root.label)}`,
    `SHA256=${shellQuote(root.fingerprints.sha256)}`,
  ].join('\n');
  return {
    name: 'linux/install-root.sh',
    data: `${header(root.name)}\n${settings}\n${BODY}`,
    mode: 0o755,
  };
}

const header = (name: string): string => `#!/bin/sh
# Installs the root certificate ${name}.crt so that this Linux machine trusts it:
#  - in the system store (Debian/Ubuntu: update-ca-certificates; Fedora/RHEL: update-ca-trust),
#    which curl, wget, Python and most other programs use; this part needs sudo;
#  - in the NSS databases of your home folder, which Chromium, Chrome and Firefox use.
# Run it as yourself, not with sudo: it asks sudo for the system store only.
#   sh install-root.sh              system store and your browsers
#   sh install-root.sh --user-only  your browsers only; no administrator rights needed
# Made by Rootkeeper; see README.txt in the folder above.
set -eu
`;

/** sh's "\${SUDO_USER:-}" (empty when unset, which set -u allows), kept out of the template's own \${…}. */
const SUDO_USER = '${SUDO_USER:-}';

const BODY = String.raw`
say() { printf '%s\n' "$*"; }

usage() { say 'Usage: sh install-root.sh [--user-only]'; }

user_only=0
for arg in "$@"; do
  case "$arg" in
    --user-only) user_only=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage >&2; exit 2 ;;
  esac
done

# The certificate sits one folder up, wherever the kit was copied to.
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
kit=$(CDPATH='' cd -- "$here/.." && pwd)
cert="$kit/$NAME.crt"
failures=0

# The same file checked against the fingerprint this script was made with: a changed kit installs nothing.
check_fingerprint() {
  if [ ! -f "$cert" ]; then
    say "error: $cert is missing; nothing was installed." >&2
    exit 1
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    say "(openssl is missing, so the file itself could not be checked against it.)"
    return 0
  fi
  actual=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
  if [ "$actual" != "$SHA256" ]; then
    say "error: $NAME.crt has the SHA-256 fingerprint '$actual', not the one above;" >&2
    say "nothing was installed." >&2
    exit 1
  fi
  say "$NAME.crt in this kit matches it."
}

# update-ca-certificates lives in /usr/sbin, which is not in a normal user's PATH on Debian.
find_tool() {
  command -v "$1" 2>/dev/null && return 0
  for dir in /usr/sbin /sbin /usr/bin /bin; do
    if [ -x "$dir/$1" ]; then
      say "$dir/$1"
      return 0
    fi
  done
  return 1
}

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

# Copies the PEM file (Debian takes only PEM files named *.crt) and rebuilds the store.
copy_and_update() {
  target="$1/$NAME.crt"
  shift
  as_root mkdir -p "$(dirname -- "$target")"
  as_root cp "$cert" "$target"
  as_root chmod 644 "$target"
  as_root "$@"
  say "System store: copied $NAME.crt to $target and ran $*."
}

install_system() {
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    say "error: the system store needs root, and sudo is missing: run this as root, or with --user-only." >&2
    exit 1
  fi
  if tool=$(find_tool update-ca-certificates); then
    copy_and_update /usr/local/share/ca-certificates "$tool"
  elif tool=$(find_tool update-ca-trust); then
    copy_and_update /etc/pki/ca-trust/source/anchors "$tool" extract
  else
    say "System store: skipped, neither update-ca-certificates nor update-ca-trust was found;"
    say "  README.txt says what to do on other distributions."
  fi
}

# "C,," trusts it to issue server certificates; "T,," or ",," would not make the browsers accept sites.
add_to_nss() {
  if certutil -A -d "sql:$1" -t 'C,,' -n "$NICKNAME" -i "$cert"; then
    say "$2: added to the NSS database $1."
  else
    say "$2: certutil could not add it to $1 (see its message above)." >&2
    failures=$((failures + 1))
  fi
}

# Chromium 146 and later use ~/.local/share/pki/nssdb, older versions and Chrome ~/.pki/nssdb
# (still preferred when it exists); the Snap package keeps its own.
install_chromium() {
  found=0
  for db in "$HOME/.pki/nssdb" "$HOME/.local/share/pki/nssdb" "$HOME/snap/chromium/current/.pki/nssdb"; do
    if [ -d "$db" ]; then
      add_to_nss "$db" 'Chromium/Chrome'
      found=1
    fi
  done
  if [ "$found" -eq 0 ]; then
    db="$HOME/.local/share/pki/nssdb"
    (umask 077 && mkdir -p "$db")
    certutil -N -d "sql:$db" --empty-password
    say "Chromium/Chrome: created the NSS database $db."
    add_to_nss "$db" 'Chromium/Chrome'
  fi
}

# Firefox keeps one database per profile; a profile that never started has none yet.
install_firefox() {
  profiles=0
  for db in "$HOME"/.mozilla/firefox/*/cert9.db "$HOME"/snap/firefox/common/.mozilla/firefox/*/cert9.db; do
    [ -f "$db" ] || continue
    add_to_nss "$(dirname -- "$db")" 'Firefox profile'
    profiles=$((profiles + 1))
  done
  if [ "$profiles" -eq 0 ]; then
    say "Firefox: no profile with a cert9.db in ~/.mozilla/firefox; start Firefox once, then run"
    say "  this again with --user-only, or use the policy in firefox/ (see README.txt)."
  fi
}

install_nss() {
  if ! command -v certutil >/dev/null 2>&1; then
    say "Chromium and Firefox: skipped, certutil is missing. Install libnss3-tools (Debian/Ubuntu)"
    say "  or nss-tools (Fedora/RHEL), then run: sh install-root.sh --user-only"
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER}" ]; then
    say "Note: under sudo the browser databases of $HOME are changed, not those of $SUDO_USER;"
    say "  run 'sh install-root.sh --user-only' as $SUDO_USER as well."
  fi
  install_chromium
  install_firefox
}

say "Root certificate: $NICKNAME ($NAME.crt)"
say 'Compare this SHA-256 fingerprint with the one your CA officer gave you:'
say "  $SHA256"
check_fingerprint
if [ "$user_only" -eq 1 ]; then
  say 'System store: skipped (--user-only).'
else
  install_system
fi
install_nss
if [ "$failures" -ne 0 ]; then
  say "$failures database(s) could not be updated; see the messages above." >&2
  exit 1
fi
say 'Done. Restart Chromium, Chrome and Firefox so that they read the change.'
`;
