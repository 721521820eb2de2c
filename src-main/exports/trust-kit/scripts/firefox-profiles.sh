# shellcheck shell=sh
# Included by install-root.sh and uninstall-root.sh where they say {{FIREFOX_PROFILES}}.

# Every folder Firefox keeps its profiles.ini in: the classic one, the XDG one newer Firefox releases
# use on a fresh account (Firefox ESR 153 on Debian), and those of the Snap and Flatpak packages.
firefox_roots() {
  say "$HOME/.mozilla/firefox"
  say "${XDG_CONFIG_HOME:-$HOME/.config}/mozilla/firefox"
  say "$HOME/snap/firefox/common/.mozilla/firefox"
  say "$HOME/.var/app/org.mozilla.firefox/.mozilla/firefox"
  say "$HOME/.var/app/org.mozilla.firefox/config/mozilla/firefox"
}

# The profile folders a profiles.ini names ([Profile…] sections: Path=, relative unless IsRelative=0).
profiles_in() {
  [ -f "$1/profiles.ini" ] || return 0
  section='' path='' relative=1
  {
    cat -- "$1/profiles.ini"
    printf '\n[end]\n'
  } | tr -d '\r' | while IFS= read -r line; do
    case "$line" in
      '['*)
        case "$section" in
          '[Profile'*)
            if [ -n "$path" ] && [ "$relative" = 0 ]; then say "$path"; elif [ -n "$path" ]; then say "$1/$path"; fi
            ;;
        esac
        section=$line path='' relative=1
        ;;
      Path=*) path=${line#Path=} ;;
      IsRelative=*) relative=${line#IsRelative=} ;;
    esac
  done
}

# Profiles come from profiles.ini, plus any folder with a cert9.db beside it (a profile copied in by hand).
firefox_profiles() {
  firefox_roots | while IFS= read -r root; do
    profiles_in "$root"
    for db in "$root"/*/cert9.db; do
      if [ -f "$db" ]; then dirname -- "$db"; fi
    done
  done | awk '!seen[$0]++'
}
