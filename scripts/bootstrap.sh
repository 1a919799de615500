#!/usr/bin/env bash
# Idempotent set-up for netsplit: installs what is missing and nothing else, so it is cheap to
# run before every command. Used by `npm run setup`, `npm test` and .ci/run.
#   - Erlang/OTP + Elixir from Debian (erlang-nox, elixir) when `erl`/`elixir` are missing
#   - Debian's chromium, for the report screenshot test (NETSPLIT_NO_CHROMIUM=1 skips it)
#   - Debian's rabbitmq-server, only with NETSPLIT_WITH_RABBITMQ=1 (examples/rabbitmq), service kept down
#   - toxiproxy-server, `go install`ed at the pinned version into .netsplit/tools/bin
#     (skipped when TOXIPROXY_SERVER points at an executable)
#   - npm dependencies (npm install, pinned by package-lock.json) when node_modules is missing or older than package-lock.json
#   - the node agent, compiled with mix when its sources changed
# When a prerequisite cannot be had, it stops with one sentence saying what to install.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
source scripts/versions.env
tools="$root/.netsplit/tools/bin"
say() { printf 'netsplit setup: %s\n' "$*" >&2; }
fail() { say "$*"; exit 1; }

apt_install() {
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    fail "$1 is missing: install it (Debian/Ubuntu: sudo apt-get install $2) and run this again."
  fi
  say "installing $2 from Debian..."
  if [ ! -f /tmp/.netsplit-apt-updated ]; then
    apt-get update -qq >&2 && touch /tmp/.netsplit-apt-updated
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $2 >&2 \
    || fail "could not install $2 with apt-get: install it by hand and run this again."
}

command -v erl >/dev/null || apt_install "Erlang/OTP" "erlang-nox erlang-dev"
command -v elixir >/dev/null || apt_install "Elixir" "elixir"
# Chromium: only the report screenshot test uses it (skipped with a reason where it is absent)
command -v chromium >/dev/null || [ -n "${NETSPLIT_NO_CHROMIUM:-}" ] || apt_install "Chromium (for the report screenshot test; set NETSPLIT_NO_CHROMIUM=1 to skip)" "chromium fonts-dejavu-core"
# Debian's rabbitmq-server, only when asked: examples/rabbitmq and its test (skipped, saying why,
# without it). Installed with its service kept down (scripts/apt-install-quiet.sh).
if [ -n "${NETSPLIT_WITH_RABBITMQ:-}" ] && [ ! -x /usr/lib/rabbitmq/bin/rabbitmq-server ]; then
  if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
    fail "rabbitmq-server is missing: install it (Debian/Ubuntu: sudo apt-get install rabbitmq-server, then stop its service) and run this again."
  fi
  say "installing rabbitmq-server from Debian (its service stays stopped)..."
  if [ ! -f /tmp/.netsplit-apt-updated ]; then
    apt-get update -qq >&2 && touch /tmp/.netsplit-apt-updated
  fi
  bash scripts/apt-install-quiet.sh rabbitmq-server || fail "could not install rabbitmq-server with apt-get: install it by hand and run this again."
fi
command -v node >/dev/null || fail "Node.js 20+ is missing: install it (https://nodejs.org or your package manager)."

if [ -n "${TOXIPROXY_SERVER:-}" ]; then
  [ -x "$TOXIPROXY_SERVER" ] || fail "TOXIPROXY_SERVER=$TOXIPROXY_SERVER is not an executable file: fix the path or unset it."
elif [ ! -x "$tools/toxiproxy-server" ] || [ "$(cat "$tools/.toxiproxy-version" 2>/dev/null)" != "$TOXIPROXY_VERSION" ]; then
  command -v go >/dev/null || fail "toxiproxy-server is missing and Go is not installed: install Go 1.22+ (to build it) or set TOXIPROXY_SERVER to a toxiproxy-server $TOXIPROXY_VERSION binary."
  say "building toxiproxy-server $TOXIPROXY_VERSION with go install..."
  mkdir -p "$tools"
  tmp=$(mktemp -d)
  GOBIN="$tmp" GOFLAGS=-mod=mod go install "github.com/Shopify/toxiproxy/v2/cmd/server@$TOXIPROXY_VERSION" >&2 \
    || fail "go install of toxiproxy $TOXIPROXY_VERSION failed (see above): check access to the Go module proxy, or set TOXIPROXY_SERVER."
  mv "$tmp/server" "$tools/toxiproxy-server" && rmdir "$tmp"
  echo "$TOXIPROXY_VERSION" > "$tools/.toxiproxy-version"
fi

if [ ! -f node_modules/.package-lock.json ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  say "installing npm dependencies..."
  # `npm install`, not `npm ci`: npm 11 rejects lock files that omit other platforms' optional
  # packages (esbuild, rollup), which it writes itself. The lock file still pins every version.
  npm install --no-audit --no-fund --loglevel=error >&2 || fail "npm install failed (see above)."
fi

app="nodes/_build/prod/lib/netsplit_agent/ebin/netsplit_agent.app"
if [ ! -f "$app" ] || [ -n "$(find nodes/lib nodes/mix.exs -newer "$app" -print -quit)" ]; then
  say "compiling the node agent..."
  (cd nodes && MIX_ENV=prod mix compile >&2) || fail "compiling the node agent failed (see above)."
  touch "$app"
fi
