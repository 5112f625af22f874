#!/usr/bin/env bash
# What the browser tests and the web benchmark need beyond the Python venv, installed only when
# missing (run by `make test` and `make bench-web`; idempotent, quick when all is there):
#   - Debian's Chromium and CJK fonts (apt-get, as root), never a browser downloaded by Playwright;
#   - axe-core and Lighthouse from npm (`npm ci`, pinned by package-lock.json) into node_modules/.
# Not root, or no apt-get/npm: say what is missing and go on; the browser tests then skip, unless
# IPBOT_REQUIRE_BROWSER=1 (CI), where they fail.
set -euo pipefail
cd "$(dirname "$0")/.."

missing_pkgs=()
[ -x /usr/bin/chromium ] || missing_pkgs+=(chromium)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK" || missing_pkgs+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "Noto Color Emoji" || missing_pkgs+=(fonts-noto-color-emoji)
if [ ${#missing_pkgs[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "install-system-deps: apt-get install ${missing_pkgs[*]}"
    export DEBIAN_FRONTEND=noninteractive
    # Two runs of `make test` at once (CI beside a developer's run) would race for dpkg's lock: the
    # second waits for the first (flock), and apt waits for any other dpkg user (Lock::Timeout).
    (
      flock -w 900 9
      apt-get -o DPkg::Lock::Timeout=600 update -qq
      apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends "${missing_pkgs[@]}" >/dev/null
    ) 9>/tmp/ipbot-install-system-deps.lock
  else
    echo "install-system-deps: missing ${missing_pkgs[*]} (install them as root: apt-get install ${missing_pkgs[*]})" >&2
  fi
fi

if command -v npm >/dev/null; then
  # npm ci when node_modules is absent or older than the lock file.
  if [ ! -d node_modules/axe-core ] || [ ! -d node_modules/lighthouse ] || [ package-lock.json -nt node_modules ]; then
    echo "install-system-deps: npm ci (axe-core, lighthouse)"
    npm ci --no-audit --no-fund --loglevel=error
    touch node_modules
  fi
else
  echo "install-system-deps: npm not found (apt-get install npm); axe-core and Lighthouse are not installed" >&2
fi
