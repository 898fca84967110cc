#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real peers (curl, nghttp/h2load, openssl,
# iptables and ip for network-namespace tests, slowhttptest for slow-client attacks, python3 as a
# plain HTTP server for `weft run` tests, nginx and wrk for the proxy benchmark's smoke test), when
# they are missing and we are root. Tests that need a missing tool skip with a visible reason, so a machine
# without root still runs everything else.
set -uo pipefail
declare -A PKG=([curl]=curl [nghttp]=nghttp2-client [openssl]=openssl [iptables]=iptables
                [ip]=iproute2 [slowhttptest]=slowhttptest [python3]=python3 [nginx]=nginx-light [wrk]=wrk)
missing=()
for tool in "${!PKG[@]}"; do
  command -v "$tool" >/dev/null 2>&1 || [ -x "/usr/sbin/$tool" ] || missing+=("${PKG[$tool]}")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "test-deps: not root or no apt-get; tests needing ${missing[*]} will be skipped" >&2
  exit 0
fi
echo "test-deps: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# The services packages ship (nginx) must not start on install: they would listen on port 80 on
# every interface. policy-rc.d refuses, for the install only (as bench/proxy-bench.sh does).
added_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && added_policy=1
fi
timeout 300 apt-get update -qq >/dev/null 2>&1 || echo "test-deps: apt-get update failed" >&2
timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || echo "test-deps: could not install some of ${missing[*]}; their tests will be skipped" >&2
[ -n "$added_policy" ] && rm -f /usr/sbin/policy-rc.d
exit 0
