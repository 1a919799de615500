#!/usr/bin/env bash
# A second Docker engine on this machine that looks like a remote one, for testing
# `--runtime docker` with DOCKER_HOST=tcp://... (harness/src/runtime/docker/remote.int.test.ts):
#
#   root namespace  nsr-host 10.250.0.1/30 ──veth── nsr-engine 10.250.0.2/30  namespace netsplit-remote
#                                                    dockerd -H tcp://10.250.0.2:2375 (nothing else)
#                                                    its bridges: 10.251.0.0/24, 10.252.0.0/16
#
# The engine is reachable only at 10.250.0.2 (its API and the ports it publishes); its container
# networks live inside the namespace and are not routable from here (the root namespace gets
# `unreachable` routes for them, so a packet to one fails at once instead of following the
# default route, which on some machines leads to a proxy that answers any connection), so a
# harness that reached a container IP or 127.0.0.1 instead of the published ports would fail.
# It has a data root, exec root (its own managed containerd under it, socket
# /run/netsplit-remote-docker/containerd/containerd.sock), pid file and config of its own, and no
# unix socket, so it never meets the main engine (/var/run/docker.sock, its containerd).
#
#   scripts/docker-netns.sh up     start it (idempotent); prints DOCKER_HOST=tcp://10.250.0.2:2375
#   scripts/docker-netns.sh down   remove its containers, stop it, delete its data, the namespace
#                                  and the veth pair (idempotent)
#   scripts/docker-netns.sh env    print `export DOCKER_HOST=...` (eval "$(scripts/docker-netns.sh env)")
#   scripts/docker-netns.sh status exit 0 if the engine answers
#
# Root only (ip netns, dockerd). Needs iproute2, util-linux (nsenter) and Debian's docker.io
# (dockerd, docker).
set -euo pipefail

NS=netsplit-remote
HOST_IF=nsr-host
NS_IF=nsr-engine
HOST_ADDR=10.250.0.1
NS_ADDR=10.250.0.2
PORT=2375
BRIDGE_NET=10.251.0.0/24     # the engine's default bridge (--bip)
POOL_NET=10.252.0.0/16       # its user-defined networks (--default-address-pool), one /24 each
DATA_ROOT=/var/lib/netsplit-remote-docker
EXEC_ROOT=/run/netsplit-remote-docker
PIDFILE=/run/netsplit-remote-docker.pid
CONFIG=/run/netsplit-remote-docker.json
LOG=/run/netsplit-remote-docker.log
DOCKER_HOST_URL="tcp://$NS_ADDR:$PORT"

die() { echo "docker-netns: $*" >&2; exit 1; }

# the docker CLI, always on this engine (-H wins over DOCKER_HOST and contexts)
engine() { timeout 30 docker -H "$DOCKER_HOST_URL" "$@"; }

answers() { timeout 3 docker -H "$DOCKER_HOST_URL" version >/dev/null 2>&1; }

engine_pid() {
  local pid
  [ -f "$PIDFILE" ] || return 1
  pid=$(cat "$PIDFILE" 2>/dev/null) || return 1
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && [ "$(cat "/proc/$pid/comm" 2>/dev/null)" = dockerd ] || return 1
  echo "$pid"
}

need_root() {
  [ "$(id -u)" = 0 ] || die "must run as root (ip netns, dockerd)"
  for cmd in ip nsenter dockerd docker; do command -v "$cmd" >/dev/null || die "$cmd is missing (apt-get install iproute2 util-linux docker.io)"; done
}

up() {
  need_root
  for net in "$BRIDGE_NET" "$POOL_NET"; do ip route replace unreachable "$net"; done
  if engine_pid >/dev/null && answers; then
    echo "DOCKER_HOST=$DOCKER_HOST_URL"
    return 0
  fi
  [ -e "/run/netns/$NS" ] || ip netns add "$NS"
  if ! ip link show "$HOST_IF" >/dev/null 2>&1; then
    ip link add "$HOST_IF" type veth peer name "$NS_IF"
    ip link set "$NS_IF" netns "$NS"
    ip addr add "$HOST_ADDR/30" dev "$HOST_IF"
    ip link set "$HOST_IF" up
  fi
  ip -n "$NS" link set lo up
  case "$(ip -n "$NS" -4 addr show dev "$NS_IF")" in
    *"inet $NS_ADDR/"*) ;;
    *) ip -n "$NS" addr add "$NS_ADDR/30" dev "$NS_IF" ;;
  esac
  ip -n "$NS" link set "$NS_IF" up
  mkdir -p "$DATA_ROOT" "$EXEC_ROOT"
  # an explicit (empty) configuration: never the main engine's /etc/docker/daemon.json ("hosts" there would clash with -H)
  echo '{}' >"$CONFIG"
  local started=""
  if ! engine_pid >/dev/null; then
    # nsenter --net, not `ip netns exec`: that one also mounts a sysfs of the namespace over /sys,
    # which hides the cgroup mounts dockerd needs ("Devices cgroup isn't mounted"). setsid: its own
    # session, so it outlives this script. dockerd starts its own containerd, with its socket and
    # state under --exec-root.
    nsenter --net="/run/netns/$NS" -- setsid dockerd \
      --config-file "$CONFIG" \
      --data-root "$DATA_ROOT" \
      --exec-root "$EXEC_ROOT" \
      --pidfile "$PIDFILE" \
      -H "$DOCKER_HOST_URL" --tls=false \
      --storage-driver=overlay2 \
      --bip "${BRIDGE_NET%.0/24}.1/24" \
      --default-address-pool "base=$POOL_NET,size=24" \
      >"$LOG" 2>&1 </dev/null &
    started=$!
  fi
  for _ in $(seq 1 120); do
    if [ -n "$started" ] && ! kill -0 "$started" 2>/dev/null; then
      echo "docker-netns: dockerd exited at once; its log ($LOG):" >&2
      tail -n 30 "$LOG" >&2 || true
      exit 1
    fi
    if answers; then
      echo "DOCKER_HOST=$DOCKER_HOST_URL"
      return 0
    fi
    sleep 0.25
  done
  echo "docker-netns: the engine did not answer at $DOCKER_HOST_URL within 30 s; its log ($LOG):" >&2
  tail -n 30 "$LOG" >&2 || true
  exit 1
}

down() {
  need_root
  local pid children=""
  if pid=$(engine_pid); then
    children=$(pgrep -P "$pid" || true) # its containerd
    if answers; then
      # every container first (running ones are killed), then the networks: nothing is left
      local ids
      ids=$(engine ps -aq || true)
      if [ -n "$ids" ]; then engine rm -fv $ids >/dev/null || true; fi
      engine network prune -f >/dev/null || true
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 1 80); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    if kill -0 "$pid" 2>/dev/null; then
      echo "docker-netns: dockerd $pid did not stop within 20 s: killing it" >&2
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  for p in $children; do kill -0 "$p" 2>/dev/null && kill -KILL "$p" 2>/dev/null || true; done
  rm -f "$PIDFILE"
  # dockerd unmounts what it mounted when it stops; anything left (a killed engine) is unmounted
  # here before its state is deleted
  for m in $(awk -v a="$DATA_ROOT" -v b="$EXEC_ROOT" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/self/mounts | sort -r); do
    umount -l "$m" 2>/dev/null || true
  done
  rm -rf "$DATA_ROOT" "$EXEC_ROOT" "$CONFIG" "$LOG"
  for net in "$BRIDGE_NET" "$POOL_NET"; do
    if [ -n "$(ip route show type unreachable "$net")" ]; then ip route del unreachable "$net"; fi
  done
  if [ -e "/run/netns/$NS" ]; then ip netns del "$NS"; fi
  if ip link show "$HOST_IF" >/dev/null 2>&1; then ip link del "$HOST_IF"; fi
  echo "docker-netns: down"
}

case "${1:-}" in
  up) up ;;
  down) down ;;
  env) echo "export DOCKER_HOST=$DOCKER_HOST_URL" ;;
  status) answers ;;
  *) echo "usage: $0 up|down|env|status" >&2; exit 2 ;;
esac
