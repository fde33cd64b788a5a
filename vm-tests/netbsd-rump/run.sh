#!/usr/bin/env bash
# Runs the real-kernel suite with --target netbsd against NetBSD's own kernel code (sys/netipsec
# as a rump kernel, ../shared/netbsd-rump or $NETBSD_RUMP_DIR): the shim's own test, the shared
# scenarios, the 20,000-entry dumps and the monitor checks. One rump_server per run, with
# net.inet.ipsec.debug=1 and its console kept, so that a rejection shows key.c's own reason.
# The unmodified setkey binary reaches that kernel through shim/pfkey-rump.so (LD_PRELOAD).
#
# Environment: NETBSD_RUMP_DIR (the kernel), VM_RECORD=1 (write the expected/netbsd.txt of
# scenarios that lack one, and the raw dumps under tests/data/netbsd/, to review and commit),
# SCENARIOS (a subset), N (entries of the big dump, default 20000).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
kernel=${NETBSD_RUMP_DIR:-$top/../shared/netbsd-rump}
start=$(date +%s)

if [ ! -x "$kernel/bin/rump_server" ] || [ ! -f "$kernel/lib/librumpclient_pic.a" ]; then
    echo "########################################################################"
    echo "### SKIPPED: no NetBSD rump kernel at $kernel"
    echo "### (set NETBSD_RUMP_DIR to a rump kernel with bin/rump_server, lib/ and include/rump);"
    echo "### the NetBSD real-kernel tests did not run"
    echo "########################################################################"
    exit 0
fi
kernel=$(cd "$kernel" && pwd)
command -v cc >/dev/null || { echo "FAIL: cc is needed to build the PF_KEY shim"; exit 1; }

work=$(mktemp -d /tmp/setkey-netbsd-rump.XXXXXX)
# shellcheck disable=SC2317 # called by the EXIT trap
cleanup() {
    if [ -f "$work/server.pid" ]; then
        pid=$(cat "$work/server.pid")
        kill "$pid" 2>/dev/null || true
        while kill -0 "$pid" 2>/dev/null; do sleep 0.1; done
    fi
    rm -rf "$work"
}
trap cleanup EXIT

sh "$here/link-libs.sh" "$kernel" "$work/lib"

echo "== building the PF_KEY shim and setkey"
cflags=(-O2 -Wall -Wextra -Werror -I"$kernel/include")
rumpclient=("$kernel/lib/librumpclient_pic.a" -ldl -lpthread)
cc "${cflags[@]}" -shared -fPIC -o "$work/pfkey-rump.so" "$here/shim/pfkey-rump.c" "${rumpclient[@]}"
cc "${cflags[@]}" -o "$work/rump-sysctl" "$here/shim/rump-sysctl.c" "${rumpclient[@]}"
cc -O2 -Wall -Wextra -Werror -o "$work/pfkey-client" "$here/shim/pfkey-client.c"
(cd "$top" && cargo build --release --quiet)
binary=$top/target/release/setkey

echo "== starting the NetBSD kernel (rump_server)"
export RUMP_SERVER=unix://$work/rump.sock
console=$work/console.log
# `$work/kernel` starts the kernel, or with `restart` stops it and starts a fresh one (the big
# table benchmark gives each load a kernel of its own this way).
cat >"$work/kernel" <<EOF
#!/bin/sh
set -u
if [ "\${1:-}" = restart ] && [ -f "$work/server.pid" ]; then
    pid=\$(cat "$work/server.pid")
    kill "\$pid" 2>/dev/null
    while kill -0 "\$pid" 2>/dev/null; do sleep 0.1; done
    rm -f "$work/rump.sock"
fi
# Unbuffered, so that each console line is in the log when the test that caused it ends.
LD_LIBRARY_PATH=$work/lib stdbuf -o0 -e0 "$kernel/bin/rump_server" -s \\
    -lrumpvfs -lrumpdev -lrumpnet -lrumpkern_z -lrumpkern_crypto -lrumpdev_opencrypto \\
    -lrumpnet_net -lrumpnet_netinet -lrumpnet_netinet6 -lrumpnet_netipsec \\
    "$RUMP_SERVER" >>"$console" 2>&1 &
echo \$! >"$work/server.pid"
for _ in \$(seq 100); do
    [ -S "$work/rump.sock" ] && break
    kill -0 "\$(cat "$work/server.pid")" 2>/dev/null || break
    sleep 0.1
done
if [ ! -S "$work/rump.sock" ]; then
    echo "FAIL: rump_server did not start; its console:"
    sed 's/^/    /' "$console"
    exit 1
fi
# net.inet6.ipsec6.debug and net.inet.ipsec.debug are the one variable ipsec_debug.
"$work/rump-sysctl" 4.24.51.12=1
EOF
chmod +x "$work/kernel"
"$work/kernel" start

status=0
echo "== the shim on its own"
LD_PRELOAD=$work/pfkey-rump.so "$work/pfkey-client" || status=1

# setkey as scripts call it, reaching the rump kernel.
cat >"$work/setkey" <<EOF
#!/bin/sh
LD_PRELOAD=$work/pfkey-rump.so exec "$binary" "\$@"
EOF
chmod +x "$work/setkey"
export SETKEY=$work/setkey TARGET=netbsd WORK=$work KERNEL_LOG=$console

echo "== scenarios"
scenarios_out=$work/scenarios.out
sh "$top/vm-tests/scenarios/run.sh" | tee "$scenarios_out" || status=1
echo "== big tables"
# After a flush, this kernel's next load of 20,000 entries was slower than the one before,
# with 3 s and with 30 s to settle; so each timed load gets a kernel of its own.
FRESH_KERNEL="$work/kernel restart" sh "$top/vm-tests/scenarios/bigdump.sh" || status=1
echo "== --atomic"
sh "$top/vm-tests/scenarios/atomic.sh" || status=1
echo "== monitor"
sh "$here/monitor.sh" || status=1
echo "== NetBSD's own test statements, each applied and dumped"
sh "$here/acceptance.sh" || status=1

if [ "${VM_RECORD:-0}" = 1 ]; then
    grep '^----- BEGIN ' "$scenarios_out" | while read -r _ _ path; do
        mkdir -p "$top/vm-tests/scenarios/$(dirname "$path")"
    done
    awk -v top="$top/vm-tests/scenarios" '
        /^----- BEGIN / { file = top "/" $3; printf "" > file; writing = 1; next }
        /^----- END / { writing = 0; close(file); next }
        writing { print >> file }
    ' "$scenarios_out"
    sh "$here/record.sh" "$top/tests/data/netbsd"
fi

echo "== NetBSD suite took $(($(date +%s) - start)) s"
exit "$status"
