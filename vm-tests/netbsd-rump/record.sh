#!/bin/sh
# Records the NetBSD kernel's raw -D and -DP replies for a varied set of SAs and policies into
# DIR/sad.bin and DIR/spd.bin (`VM_RECORD=1 run.sh` writes tests/data/netbsd/, where
# tests/format_recorded.rs renders them). Environment: SETKEY, WORK. Usage: record.sh DIR
set -u
: "${SETKEY:?}" "${1:?usage: record.sh DIR}"
out=$1
scenarios=$(cd "$(dirname "$0")/../scenarios" && pwd)
work=${WORK:-/tmp}/setkey-record-netbsd
mkdir -p "$work" "$out"
setkey() { "$SETKEY" --target netbsd "$@"; }

setkey -F
setkey -FP
for name in host-transport tunnel-gateway ipv6-icmp6 unique-reqids ipcomp; do
    conf=$scenarios/$name/setup.netbsd.conf
    [ -f "$conf" ] || conf=$scenarios/$name/setup.conf
    cat "$conf"
done >"$work/all.conf"
cat >>"$work/all.conf" <<'CONF'
add 192.0.2.1 192.0.2.2 esp 0x7001 -m tunnel -u 7 -r 32 -lh 3600 -ls 2880 -bh 1000000 -bs 800000
	-E aes-ctr 0x0102030405060708090a0b0c0d0e0f1011121314
	-A hmac-sha512 0x0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f202122232425262728292a2b2c2d2e2f303132333435363738393a3b3c3d3e3f40;
spdadd 10.0.0.0/24[any] 10.0.1.0/24[443] tcp -P out ipsec esp/transport//require;
spdadd 10.0.0.1 10.0.0.2 icmp -P out discard;
CONF
# Some SAs repeat across the scenarios; the kernel refuses the copies, which is fine here.
setkey -f "$work/all.conf" >/dev/null 2>&1
setkey -D --record "$out/sad.bin" >/dev/null
setkey -DP --record "$out/spd.bin" >/dev/null
echo "recorded $out/sad.bin $out/spd.bin"
setkey -F
setkey -FP
