#!/usr/bin/env bash
# Installs the Debian packages the test suite drives as real peers (curl, nghttp/h2load, openssl,
# iptables and ip for network-namespace tests, slowhttptest for slow-client attacks), when they are
# missing and we are root. Tests that need a missing tool skip with a visible reason, so a machine
# without root still runs everything else.
set -uo pipefail
declare -A PKG=([curl]=curl [nghttp]=nghttp2-client [openssl]=openssl [iptables]=iptables
                [ip]=iproute2 [slowhttptest]=slowhttptest)
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
timeout 300 apt-get update -qq >/dev/null 2>&1 || echo "test-deps: apt-get update failed" >&2
timeout 600 apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null 2>&1 \
  || echo "test-deps: could not install some of ${missing[*]}; their tests will be skipped" >&2
exit 0
