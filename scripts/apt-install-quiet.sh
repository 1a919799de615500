#!/usr/bin/env bash
# `apt-get install` of Debian packages without starting their services: a package such as
# rabbitmq-server starts a system RabbitMQ (and an epmd on port 4369) from its postinst, which
# must not run next to netsplit's own nodes and tests. Used by .ci/run and scripts/bootstrap.sh.
#   - a policy-rc.d that refuses every start (exit 101) during the install, unless one is there;
#   - afterwards, a system rabbitmq-server or epmd that came up anyway (systemd ignores
#     policy-rc.d in some set-ups) is stopped, and its unit disabled.
set -euo pipefail
[ $# -gt 0 ] || { echo "usage: $0 PACKAGE..." >&2; exit 2; }
policy=/usr/sbin/policy-rc.d
ours=""
if [ ! -e "$policy" ]; then
  printf '#!/bin/sh\n# netsplit: no service starts during this install (scripts/apt-install-quiet.sh)\nexit 101\n' >"$policy"
  chmod 755 "$policy"
  ours=1
fi
status=0
DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >&2 || status=$?
[ -n "$ours" ] && rm -f "$policy"
if [[ " $* " == *" rabbitmq-server "* ]]; then
  if [ "$(ps --no-headers -o comm 1 2>/dev/null)" = systemd ]; then
    systemctl disable --now rabbitmq-server.service epmd.socket epmd.service >/dev/null 2>&1 || true
  fi
  # whatever runs as the package's own user came from this install: stop it, by pid
  for pid in $(pgrep -u rabbitmq 2>/dev/null || true); do kill "$pid" 2>/dev/null || true; done
fi
exit $status
