#!/usr/bin/env bash
# Checks that the install helpers wait for the package manager's lock
# instead of failing while another install runs. Holds dpkg's frontend
# lock and the lists lock for a few seconds, then installs a package that is
# already there (a no-op once the lock is free). Needs root and apt-get;
# says so and passes where they are missing.
set -euo pipefail
cd "$(dirname "$0")/../.."
source scripts/lib.sh
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null; then
  echo "apt lock check skipped: needs root and apt-get"
  exit 0
fi
python3 - <<'PY' &
import fcntl, time
locks = []
for path in ["/var/lib/dpkg/lock-frontend", "/var/lib/dpkg/lock", "/var/lib/apt/lists/lock"]:
    f = open(path, "a")
    fcntl.lockf(f, fcntl.LOCK_EX)
    locks.append(f)
open("/tmp/tillit-apt-locked", "w").close()
time.sleep(4)
PY
holder=$!
for _ in $(seq 1 50); do [ -f /tmp/tillit-apt-locked ] && break; sleep 0.1; done
rm -f /tmp/tillit-apt-locked
started=$(date +%s)
unset TILLIT_APT_UPDATED
apt_install hostname || { kill "$holder" 2>/dev/null; echo "apt lock check FAILED: the install gave up while the lock was held"; exit 1; }
waited=$(( $(date +%s) - started ))
wait "$holder" 2>/dev/null || true
[ "$waited" -ge 3 ] || { echo "apt lock check FAILED: the install did not wait for the lock (${waited}s)"; exit 1; }
echo "apt lock check passed: waited ${waited}s for the lock, then installed"
