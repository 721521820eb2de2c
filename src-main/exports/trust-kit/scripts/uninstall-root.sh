#!/bin/sh
# Removes the root certificate {{FILE}} from everywhere install-root.sh puts it:
#  - the system store (Debian/Ubuntu: update-ca-certificates --fresh; Fedora/RHEL: update-ca-trust),
#    and Java's cacerts, where Debian's hook leaves it behind (alias debian:{{NAME}}.pem);
#  - the Firefox policy install-root.sh installed (only if it is still the kit's own file);
#  - the NSS databases of your home folder (Chromium, Chrome, every Firefox profile).
# Run it as yourself, not with sudo: it asks sudo for the system store only.
#   sh uninstall-root.sh              system store and your browsers
#   sh uninstall-root.sh --user-only  your browsers only; no administrator rights needed
# Each store it changed or skipped is named; one that fails does not stop the others.
# Made by Rootkeeper; see README.txt in the folder above.
set -eu

NAME='{{NAME}}'
NICKNAME='{{NICKNAME}}'
SHA256='{{SHA256}}'

say() { printf '%s\n' "$*"; }
warn() { printf '%s\n' "$*" >&2; }

usage() { say 'Usage: sh uninstall-root.sh [--user-only]'; }

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

here=$(CDPATH='' cd -- "$(dirname -- "$0")" && pwd)
kit=$(CDPATH='' cd -- "$here/.." && pwd)
policy="$kit/firefox/policies.json"
failures=0

failed() {
  warn "$1"
  failures=$((failures + 1))
}

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

# Deletes the copied file, then rebuilds the store so that its bundle and links lose the root too.
remove_and_update() {
  target="$1/$NAME.crt"
  shift
  if [ ! -e "$target" ]; then
    say "System store: skipped, $target is not there."
  elif as_root rm -f "$target" && as_root "$@"; then
    say "System store: removed $target and ran $*."
  else
    failed "System store: could not remove $target (see the messages above)."
  fi
}

remove_system_store() {
  if tool=$(find_tool update-ca-certificates); then
    remove_and_update /usr/local/share/ca-certificates "$tool" --fresh
  elif tool=$(find_tool update-ca-trust); then
    remove_and_update /etc/pki/ca-trust/source/anchors "$tool" extract
  else
    say "System store: skipped, neither update-ca-certificates nor update-ca-trust was found."
  fi
}

# Debian's ca-certificates-java adds the root as debian:NAME.pem; the README's keytool line adds it as
# NAME. Java's default cacerts password is changeit.
remove_from_java() {
  store=/etc/ssl/certs/java/cacerts
  if [ ! -f "$store" ]; then
    say "Java cacerts: skipped, $store is not there."
    return 0
  fi
  if ! keytool=$(find_tool keytool); then
    say "Java cacerts: skipped, keytool is missing."
    return 0
  fi
  removed=0
  for alias in "debian:$NAME.pem" "$NAME"; do
    if "$keytool" -list -keystore "$store" -storepass changeit -alias "$alias" >/dev/null 2>&1; then
      if as_root "$keytool" -delete -keystore "$store" -storepass changeit -alias "$alias"; then
        say "Java cacerts: removed $alias from $store."
        removed=1
      else
        failed "Java cacerts: keytool could not remove $alias from $store (see its message above)."
      fi
    fi
  done
  if [ "$removed" -eq 0 ]; then say "Java cacerts: skipped, $store does not hold it."; fi
}

remove_firefox_policy() {
  target=/etc/firefox/policies/policies.json
  copy=/usr/lib/mozilla/certificates/$NAME.crt
  if [ -f "$target" ] && cmp -s "$policy" "$target"; then
    if as_root rm -f "$target"; then
      say "Firefox policy: removed $target."
    else
      failed "Firefox policy: could not remove $target."
    fi
  elif [ -f "$target" ]; then
    say "Firefox policy: left $target alone (it is not the kit's own); remove its"
    say "  \"Certificates\" entry for $NAME.crt by hand."
  else
    say "Firefox policy: skipped, $target is not there."
  fi
  if [ -f "$copy" ]; then
    if as_root rm -f "$copy"; then say "Firefox policy: removed $copy."; else failed "Firefox policy: could not remove $copy."; fi
  fi
}

remove_system() {
  if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null 2>&1; then
    warn "error: the system store needs root, and sudo is missing: run this as root, or with --user-only."
    exit 1
  fi
  remove_system_store
  remove_from_java
  remove_firefox_policy
}

# Deletes every copy under the nickname install-root.sh used (certutil -D removes one at a time).
remove_from_nss() {
  if ! certutil -L -d "sql:$1" -n "$NICKNAME" >/dev/null 2>&1; then
    say "$2: skipped $1, it does not hold it."
    return 0
  fi
  while certutil -L -d "sql:$1" -n "$NICKNAME" >/dev/null 2>&1; do
    if ! certutil -D -d "sql:$1" -n "$NICKNAME"; then
      failed "$2: certutil could not remove it from $1 (see its message above)."
      return 0
    fi
  done
  say "$2: removed it from the NSS database $1."
}

# {{FIREFOX_PROFILES}}

remove_nss() {
  if ! command -v certutil >/dev/null 2>&1; then
    say "Chromium and Firefox: skipped, certutil is missing. Install libnss3-tools (Debian/Ubuntu)"
    say "  or nss-tools (Fedora/RHEL), then run: sh uninstall-root.sh --user-only"
    return 0
  fi
  for db in "$HOME/.pki/nssdb" "$HOME/.local/share/pki/nssdb" "$HOME/snap/chromium/current/.pki/nssdb"; do
    if [ -f "$db/cert9.db" ]; then remove_from_nss "$db" 'Chromium/Chrome'; fi
  done
  profiles=$(firefox_profiles)
  while IFS= read -r profile; do
    if [ -n "$profile" ] && [ -f "$profile/cert9.db" ]; then remove_from_nss "$profile" 'Firefox profile'; fi
  done <<PROFILES
$profiles
PROFILES
}

say "Root certificate: $NICKNAME ($NAME.crt)"
say "SHA-256 fingerprint: $SHA256"
if [ "$user_only" -eq 1 ]; then
  say 'System store: skipped (--user-only).'
else
  remove_system
fi
remove_nss
if [ "$failures" -ne 0 ]; then
  warn "$failures store(s) could not be updated; see the messages above."
  exit 1
fi
say 'Done. Restart Chromium, Chrome and Firefox so that they read the change.'
