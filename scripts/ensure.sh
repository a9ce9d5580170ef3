# Installs what is missing on a fresh machine: Debian chromium (for Playwright) and npm packages.
# Sourced by scripts/test.sh and scripts/start.sh.
set -euo pipefail
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1

ensure_chromium() {
  [ -x /usr/bin/chromium ] && return 0
  echo "seglab: installing Debian chromium (needed by the browser tests)…"
  local sudo=''
  [ "$(id -u)" = 0 ] || sudo='sudo'
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq chromium >/dev/null
}

ensure_node_modules() {
  if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
    echo "seglab: installing npm packages from package-lock.json…"
    # Not `npm ci`: this registry serves only the linux builds of @duckdb/node-bindings, and
    # npm ci refuses a lock without the other platforms' optional entries; install keeps the lock.
    npm install --no-audit --no-fund --loglevel=error
  fi
}
