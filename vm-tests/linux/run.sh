#!/usr/bin/env bash
# Boots Debian's Linux kernel (which has PF_KEY) in QEMU with a busybox initramfs holding a
# static setkey, the static kernel test executables and vm-tests/, runs vm-tests/linux/suite.sh
# there and exits with its status.
# VM_RECORD=1 writes the output of scenarios that lack an expected file (to review, then commit);
# SCENARIOS runs a subset of the shared scenarios (the other steps run in full).
# C_SETKEY=PATH (a statically linked C setkey) is timed next to ours in scenarios/bigdump.sh;
# ROUNDS=N gives that test N more loads by the floor, ours and the C setkey, in rotated order.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=$here/.cache

if ! "$here/setup.sh"; then
    if ! command -v qemu-system-x86_64 >/dev/null; then
        echo "########################################################################"
        echo "### SKIPPED: QEMU cannot be installed here; the real-kernel tests did not run"
        echo "########################################################################"
        exit 0
    fi
    exit 1
fi

echo "== building a static setkey and the kernel tests"
static_cargo() {
    (cd "$top" && RUSTFLAGS='-C target-feature=+crt-static' CARGO_TARGET_DIR="$top/target/vm" \
        cargo "$@" --release --target x86_64-unknown-linux-gnu)
}
static_cargo build --quiet
binary=$top/target/vm/x86_64-unknown-linux-gnu/release/setkey
# A test executable's path, from cargo's JSON report ("executable":"..."): the one in deps/
# named NAME-<hash> (integration tests also make cargo report the setkey binary itself).
test_executable() {
    local name=$1
    shift
    static_cargo test --no-run --quiet --message-format=json "$@" |
        grep -o '"executable":"[^"]*/deps/'"$name"'-[^"]*"' | tail -n 1 | cut -d'"' -f4
}
kernel_tests=$(test_executable kernel_linux --test kernel_linux)
kernel_unit_tests=$(test_executable setkey --lib)

kernels=("$cache"/root/boot/vmlinuz-*)
kernel=${kernels[0]}
version=${kernel##*/vmlinuz-}
moddir=$cache/root/lib/modules/$version
[ -f "$moddir/modules.dep" ] || depmod -b "$cache/root" "$version"

root=$(mktemp -d)
trap 'rm -rf "$root"' EXIT
mkdir -p "$root"/{bin,dev,proc,sys,tmp,etc,modules}
cp /bin/busybox "$root/bin/busybox"
cp "$binary" "$root/bin/setkey"
cp "$kernel_tests" "$root/bin/kernel_linux"
cp "$kernel_unit_tests" "$root/bin/kernel_unit"
# C_SETKEY: a static C setkey for Linux, timed next to this one by the big-table test.
if [ -n "${C_SETKEY:-}" ]; then
    cp "$C_SETKEY" "$root/bin/c-setkey"
fi
cp "$here/init" "$root/init"
chmod +x "$root/init"
cp /etc/protocols /etc/services "$root/etc/" 2>/dev/null || true
mkdir -p "$root/vm-tests"
cp -r "$top/vm-tests/scenarios" "$top/vm-tests/linux" "$root/vm-tests/"
rm -rf "$root/vm-tests/linux/.cache"
# SCENARIOS (a space-separated subset of the shared scenarios) reaches the suite in the VM.
printf '%s\n' "${SCENARIOS:-}" >"$root/vm-tests/scenarios-subset"
# ROUNDS (more rotated loads of the big table, scenarios/bigdump.sh) reaches it too.
printf '%s\n' "${ROUNDS:-0}" >"$root/vm-tests/rounds"

# Modules and their dependencies, in load order; decompressed so busybox insmod loads them.
modules="xfrm_algo af_key esp4 esp6 ah4 ah6 xfrm_ipcomp ipcomp ipcomp6 tunnel4 tunnel6
    xfrm4_tunnel xfrm6_tunnel authenc authencesn echainiv seqiv gcm ctr ccm des_generic
    blowfish_generic cast5_generic camellia_generic twofish_generic sha512_generic xcbc cmac
    rmd160 chacha20poly1305 crypto_null sha3_generic jitterentropy_rng drbg dummy veth deflate
    virtio_rng"
: >"$root/modules/load-order"
missing=()
for m in $modules; do
    if ! deps=$(modprobe -d "$cache/root" -S "$version" --show-depends "$m" 2>/dev/null); then
        missing+=("$m")
        continue
    fi
    while read -r kind path _; do
        [ "$kind" = insmod ] || continue
        name=$(basename "$path")
        name=${name%.xz}
        name=${name%.zst}
        if [ ! -f "$root/modules/$name" ]; then
            case "$path" in
                *.xz) xz -dc "$path" >"$root/modules/$name" ;;
                *.zst) zstd -qdc "$path" >"$root/modules/$name" ;;
                *) cp "$path" "$root/modules/$name" ;;
            esac
            echo "$name" >>"$root/modules/load-order"
        fi
    done <<<"$deps"
done
[ ${#missing[@]} -eq 0 ] || echo "note: modules not found (built in or absent): ${missing[*]}"

initrd=$cache/initrd.gz
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1 >"$initrd")

echo "== booting $version in QEMU (TCG)"
log=$cache/console.log
start=$(date +%s)
set +e
# virtio-rng seeds the kernel's random pool at boot: before 'crng init done', the same
# 20,000-SA load took 3x as long (7.7 s against 2.5-2.8 s in one VM).
timeout 1200 qemu-system-x86_64 -m 1024 -smp 1 -nographic -no-reboot -device virtio-rng-pci \
    -kernel "$kernel" -initrd "$initrd" \
    -append "console=ttyS0 quiet loglevel=3 panic=-1 rdinit=/init" \
    </dev/null | tee "$log" | grep -v '^\[' 
set -e
echo "== VM run took $(( $(date +%s) - start )) s"

if [ "${VM_RECORD:-0}" = 1 ]; then
    python3 - "$log" "$top/tests/data" <<'PY'
import pathlib, re, sys
log, out = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
for name, body in re.findall(r"----- BEGIN-HEX (\S+)\r?\n(.*?)----- END-HEX", log.read_text(errors="replace"), re.S):
    path = out / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(bytes.fromhex("".join(body.split())))
    print(f"recorded {path}")
PY
    awk -v top="$top/vm-tests/scenarios" '
        /^----- BEGIN / { file = top "/" $3; sub(/\r$/, "", file); printf "" > file; writing = 1; next }
        /^----- END / { writing = 0; close(file); next }
        writing { sub(/\r$/, ""); print >> file }
    ' "$log"
fi

status=$(grep -a -o 'VM-EXIT-STATUS=[0-9]*' "$log" | tail -n 1 | cut -d= -f2)
if [ -z "$status" ]; then
    echo "FAIL: the VM did not report a status (see $log)"
    exit 1
fi
exit "$status"
