#!/usr/bin/env bash
# The real-kernel suite on FreeBSD: downloads the official FreeBSD 14 BASIC-CLOUDINIT VM
# image, checks its SHA256 against the release's CHECKSUM.SHA256 list, boots it headless in
# QEMU with a NoCloud seed whose user-data fetches this source tree from the host (QEMU's
# user-mode network), installs Rust with pkg, builds, runs vm-tests/scenarios and the
# monitor checks, and reports on the serial console. Needs: qemu-system-x86_64, curl,
# xz, genisoimage (or xorriso), python3, and internet access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=vm-tests/lib/common.sh
. "$here/../lib/common.sh"

release=${FREEBSD_RELEASE:-14.3-RELEASE}
base=https://download.freebsd.org/releases/VM-IMAGES/$release/amd64/Latest
image=FreeBSD-$release-amd64-BASIC-CLOUDINIT-ufs.qcow2.xz
cache=$here/.cache
port=${SETKEY_HTTP_PORT:-8765}
mkdir -p "$cache"

fetch "$base/CHECKSUM.SHA256" "$cache/CHECKSUM.SHA256"
fetch "$base/$image" "$cache/$image"
want=$(sum_from_list "$cache/CHECKSUM.SHA256" "$image" SHA256)
[ -n "$want" ] || { echo "no checksum for $image in CHECKSUM.SHA256" >&2; exit 1; }
verify_sha256 "$cache/$image" "$want"

disk=$cache/disk.qcow2
xz -dc "$cache/$image" >"$disk"
qemu-img resize -q "$disk" 16G

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
source_tarball "$work"
guest_script freebsd >"$work/guest.sh"
server=$(serve "$work" "$port")

mkdir -p "$work/seed"
echo "instance-id: setkey-rs-tests" >"$work/seed/meta-data"
cat >"$work/seed/user-data" <<USERDATA
#cloud-config
runcmd:
  - env ASSUME_ALWAYS_YES=yes pkg install -y rust curl
  - fetch -o /tmp/setkey-rs.tar.gz http://10.0.2.2:$port/setkey-rs.tar.gz
  - fetch -o /tmp/guest.sh http://10.0.2.2:$port/guest.sh
  - sh /tmp/guest.sh > /dev/console 2>&1
  - shutdown -p now
USERDATA
mkiso=$(command -v genisoimage || command -v mkisofs || true)
if [ -n "$mkiso" ]; then
    "$mkiso" -quiet -output "$work/seed.iso" -volid cidata -joliet -rock "$work/seed"
else
    xorriso -as mkisofs -quiet -output "$work/seed.iso" -volid cidata -joliet -rock "$work/seed"
fi

log=$cache/console.log
timeout 5400 qemu-system-x86_64 -m 4096 -smp 2 -nographic -no-reboot \
    -drive "file=$disk,if=virtio,format=qcow2" \
    -drive "file=$work/seed.iso,media=cdrom" \
    -nic user,model=virtio-net-pci </dev/null | tee "$log"
exit_status "$log"
