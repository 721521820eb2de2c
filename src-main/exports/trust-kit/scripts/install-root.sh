#!/bin/sh
# Installs the root certificate {{FILE}} so that this Linux machine trusts it:
#  - in the system store (Debian/Ubuntu: update-ca-certificates, which also feeds Java's cacerts;
#    Fedora/RHEL: update-ca-trust), which curl, wget, Python and most other programs use,
#    and a Firefox policy for accounts whose Firefox profile does not exist yet; this part needs sudo;
#  - in the NSS databases of your home folder, which Chromium, Chrome and Firefox use.
# Run it as yourself, not with sudo: it asks sudo for the system store only.
#   sh install-root.sh              system store and your browsers
#   sh install-root.sh --user-only  your browsers only; no administrator rights needed
# Each store it changed or skipped is named; one that fails does not stop the others.
# Made by Rootkeeper; see README.txt in the folder above. Undo it with uninstall-root.sh.
set -eu

NAME='{{NAME}}'
NICKNAME='{{NICKNAME}}'
SHA256='{{SHA256}}'

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }

usage() { say 'Usage: sh install-root.sh [--user-only]'; }

user_only=0
for arg in "$@"; do
  case "$arg" in
    --user-only) user_only=1 ;;
    -h | --help)
      usage
      exit 0
      ;;
    *)
      usage >&2
      exit 2
      ;;
  esac
done

# The certificate sits one folder up, wherever the kit was copied to.
here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
kit=$(CDPATH='' cd -- "$here/.." && pwd)
cert="$kit/$NAME.crt"
policy="$kit/firefox/policies.json"
failures=0

failed() {
  warn "$1"
  failures=$((failures + 1))
}

# The same file checked against the fingerprint this script was made with: a changed kit installs nothing.
check_fingerprint() {
  if [ ! -f "$cert" ]; then
    warn "error: $cert is missing; nothing was installed."
    exit 1
  fi
  if ! command -v openssl >/dev/null 2>&1; then
    say "(openssl is missing, so the file itself could not be checked against it.)"
    return 0
  fi
  actual=$(openssl x509 -in "$cert" -noout -fingerprint -sha256 | sed 's/^[^=]*=//')
  if [ "$actual" != "$SHA256" ]; then
    warn "error: $NAME.crt has the SHA-256 fingerprint '$actual', not the one above;"
    warn "nothing was installed."
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
  if as_root mkdir -p "$(dirname -- "$target")" && as_root cp "$cert" "$target" &&
    as_root chmod 644 "$target" && as_root "$@"; then
    say "System store: copied $NAME.crt to $target and ran $*."
  else
    failed "System store: could not install $target (see the messages above)."
  fi
}

install_system_store() {
  if tool=$(find_tool update-ca-certificates); then
    copy_and_update /usr/local/share/ca-certificates "$tool"
  elif tool=$(find_tool update-ca-trust); then
    copy_and_update /etc/pki/ca-trust/source/anchors "$tool" extract
  else
    say "System store: skipped, neither update-ca-certificates nor update-ca-trust was found;"
    say "  README.txt says what to do on other distributions."
  fi
}

# Firefox reads /etc/firefox/policies/policies.json (Debian's firefox-esr too) and installs the
# certificate, found by its bare name in /usr/lib/mozilla/certificates, into every profile it starts,
# including profiles made after this script ran. Someone else's policy file is left alone.
install_firefox_policy() {
  target=/etc/firefox/policies/policies.json
  if [ -f "$target" ] && ! cmp -s "$policy" "$target"; then
    say "Firefox policy: skipped, $target already exists; add the \"Certificates\" entry of"
    say "  firefox/policies.json to it by hand (README.txt)."
    return 0
  fi
  if as_root mkdir -p /etc/firefox/policies /usr/lib/mozilla/certificates &&
    as_root cp "$policy" "$target" && as_root chmod 644 "$target" &&
    as_root cp "$cert" "/usr/lib/mozilla/certificates/$NAME.crt" &&
    as_root chmod 644 "/usr/lib/mozilla/certificates/$NAME.crt"; then
    say "Firefox policy: installed $target and /usr/lib/mozilla/certificates/$NAME.crt."
  else
    failed "Firefox policy: could not install $target (see the messages above)."
  fi
}

install_system() {
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    warn "error: the system store needs root, and sudo is missing: run this as root, or with --user-only."
    exit 1
  fi
  install_system_store
  install_firefox_policy
}

# "C,," trusts it to issue server certificates; "T,," or ",," would not make the browsers accept sites.
add_to_nss() {
  if certutil -A -d "sql:$1" -t 'C,,' -n "$NICKNAME" -i "$cert"; then
    say "$2: added to the NSS database $1."
  else
    failed "$2: certutil could not add it to $1 (see its message above)."
  fi
}

# A database that does not exist yet is made empty, as the browser itself would make it.
create_nss() {
  if (umask 077 && mkdir -p "$1") && certutil -N -d "sql:$1" --empty-password; then
    say "$2: created the NSS database $1."
  else
    failed "$2: could not create the NSS database $1 (see the messages above)."
    return 1
  fi
}

# Chromium 146 and later use ~/.local/share/pki/nssdb, older versions and Chrome ~/.pki/nssdb
# (still preferred when it exists); the Snap package keeps its own. On an account where
# Chromium never ran, the database it will use is made now.
install_chromium() {
  found=0
  for db in "$HOME/.pki/nssdb" "$HOME/.local/share/pki/nssdb" "$HOME/snap/chromium/current/.pki/nssdb"; do
    if [ -f "$db/cert9.db" ]; then
      add_to_nss "$db" 'Chromium/Chrome'
      found=1
    fi
  done
  if [ "$found" -eq 0 ]; then
    db="$HOME/.local/share/pki/nssdb"
    if create_nss "$db" 'Chromium/Chrome'; then add_to_nss "$db" 'Chromium/Chrome'; fi
  fi
}

# {{FIREFOX_PROFILES}}

install_firefox() {
  profiles=$(firefox_profiles)
  if [ -z "$profiles" ]; then
    say "Firefox: skipped, no profile in ~/.mozilla/firefox or ~/.config/mozilla/firefox (nor Snap or"
    say "  Flatpak); the Firefox policy covers profiles made later (README.txt)."
    return 0
  fi
  while IFS= read -r profile; do
    if [ ! -d "$profile" ]; then
      say "Firefox profile: skipped $profile, named in profiles.ini but missing."
    elif [ -f "$profile/cert9.db" ]; then
      add_to_nss "$profile" 'Firefox profile'
    elif create_nss "$profile" 'Firefox profile'; then
      add_to_nss "$profile" 'Firefox profile'
    fi
  done <<PROFILES
$profiles
PROFILES
}

install_nss() {
  if ! command -v certutil >/dev/null 2>&1; then
    say "Chromium and Firefox: skipped, certutil is missing. Install libnss3-tools (Debian/Ubuntu)"
    say "  or nss-tools (Fedora/RHEL), then run: sh install-root.sh --user-only"
    return 0
  fi
  if [ "$(id -u)" -eq 0 ] && [ -n "${SUDO_USER:-}" ]; then
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
  warn "$failures store(s) could not be updated; see the messages above."
  exit 1
fi
say 'Done. Restart Chromium, Chrome and Firefox so that they read the change.'
