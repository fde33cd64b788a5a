#!/usr/bin/env bash
# Builds the C setkey of ipsec-tools for Linux, to be measured next to this one:
#   bench/c-setkey.sh SRC OUT
# SRC is an ipsec-tools source tree with its configure.ac (0.8 or later, e.g. a checkout of
# a Linux distribution's ipsec-tools); OUT receives
#   setkey-static   linked statically: C_SETKEY for vm-tests/linux/run.sh (copied into the VM)
#   setkey          linked dynamically
#   c-setkey-rump   `setkey` on the PF_KEY of the NetBSD rump kernel (../shared/netbsd-rump or
#                   $NETBSD_RUMP_DIR) through vm-tests/netbsd-rump's shim: C_SETKEY for
#                   bench/run.sh on a host without PF_KEY (the C tool opens PF_KEY even for -n).
#                   It starts that kernel on first use; OUT/rump-stop stops it.
#   c-setkey-netbsd `setkey` on the rump kernel the caller's $RUMP_SERVER names (it starts
#                   none), the shim rewriting its Linux PF_KEY layout to NetBSD's
#                   (SETKEY_RUMP_LINUX_ABI=1), so that it can also apply and dump: C_SETKEY for
#                   vm-tests/netbsd-rump/run.sh (C_SETKEY=OUT/c-setkey-netbsd run.sh). Built
#                   for Linux, it also adds a fwd policy for each `-P in` tunnel policy,
#                   which NetBSD refuses: use it for `-P out` policies.
#   pfkey-rump.so, lib/ and rump-stop, which the two wrappers use
# Needs autoconf, automake, libtool, bison, flex, OpenSSL headers and a C compiler (Debian:
# apt-get install -y autoconf automake libtool bison flex libssl-dev gcc).
set -euo pipefail
[ $# -eq 2 ] || { echo "usage: $0 SRC OUT" >&2; exit 2; }
top=$(cd "$(dirname "$0")/.." && pwd)
src=$(cd "$1" && pwd)
mkdir -p "$2"
out=$(cd "$2" && pwd)
build=$(mktemp -d /tmp/c-setkey-build.XXXXXX)
trap 'rm -rf "$build"' EXIT
cp -a "$src"/. "$build"
cd "$build"
[ -x configure ] || ./bootstrap >/dev/null 2>&1
# No readline (so nothing else is linked in), no SELinux contexts; -O2, as distributions build it.
./configure --without-readline --disable-shared --enable-static \
    --enable-security-context=no >/dev/null
make -C src/libipsec >/dev/null
make -C src/setkey >/dev/null
cp src/setkey/setkey "$out/setkey"
rm -f src/setkey/setkey
make -C src/setkey LDFLAGS=-all-static >/dev/null 2>&1
cp src/setkey/setkey "$out/setkey-static"

kernel=${NETBSD_RUMP_DIR:-$top/../shared/netbsd-rump}
if [ ! -x "$kernel/bin/rump_server" ]; then
    echo "no rump kernel at $kernel: built setkey and setkey-static only"
    exit 0
fi
kernel=$(cd "$kernel" && pwd)
sh "$top/vm-tests/netbsd-rump/link-libs.sh" "$kernel" "$out/lib"
cc -O2 -Wall -Wextra -Werror -I"$kernel/include" -shared -fPIC -o "$out/pfkey-rump.so" \
    "$top/vm-tests/netbsd-rump/shim/pfkey-rump.c" "$kernel/lib/librumpclient_pic.a" -ldl -lpthread
cat >"$out/c-setkey-rump" <<EOF
#!/bin/sh
# The C setkey on the NetBSD rump kernel's PF_KEY; the kernel is started on first use.
export RUMP_SERVER=unix://$out/rump.sock
if [ ! -S "$out/rump.sock" ]; then
    LD_LIBRARY_PATH=$out/lib "$kernel/bin/rump_server" -lrumpvfs -lrumpdev -lrumpnet \\
        -lrumpkern_z -lrumpkern_crypto -lrumpdev_opencrypto -lrumpnet_net -lrumpnet_netinet \\
        -lrumpnet_netinet6 -lrumpnet_netipsec "\$RUMP_SERVER" >/dev/null 2>&1 || exit 1
fi
LD_PRELOAD=$out/pfkey-rump.so exec "$out/setkey" "\$@"
EOF
cat >"$out/rump-stop" <<EOF
#!/bin/sh
pkill -f "rump_server .*unix://$out/rump.sock" ; rm -f "$out/rump.sock"
EOF
cat >"$out/c-setkey-netbsd" <<EOF
#!/bin/sh
# The C setkey on the rump kernel named by the caller's RUMP_SERVER (started by the caller),
# its messages rewritten between Linux's PF_KEY layout and NetBSD's by the shim.
if [ -z "\${RUMP_SERVER:-}" ]; then
    echo "c-setkey-netbsd: RUMP_SERVER is not set (the running rump kernel's socket," \\
        "e.g. unix:///tmp/k/rump.sock)" >&2
    exit 2
fi
SETKEY_RUMP_LINUX_ABI=1 LD_PRELOAD="$out/pfkey-rump.so" exec "$out/setkey" "\$@"
EOF
chmod +x "$out/c-setkey-rump" "$out/c-setkey-netbsd" "$out/rump-stop"
echo "built $out/setkey-static, $out/setkey, $out/c-setkey-rump and $out/c-setkey-netbsd"
