#!/usr/bin/env bash
# The real-kernel suite on FreeBSD: downloads the official FreeBSD 14 BASIC-CLOUDINIT VM
# image, checks its SHA256 against the release's CHECKSUM.SHA256 list (and against
# FREEBSD_IMAGE_SHA256 when that pin is given), boots it headless in QEMU with a NoCloud
# seed whose user-data script fetches this source tree from the host over QEMU's user-mode
# network, installs Rust with pkg, builds, runs vm-tests/scenarios and the monitor checks,
# and reports on the serial console. Needs: qemu-system-x86_64, qemu-img, curl, xz,
# genisoimage (or mkisofs or xorriso), python3, and internet access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=vm-tests/lib/common.sh
. "$here/../lib/common.sh"

# 14.4 is the last 14.x release, so it stays on the download site for the branch's life.
release=${FREEBSD_RELEASE:-14.4-RELEASE}
base=https://download.freebsd.org/releases/VM-IMAGES/$release/amd64/Latest
image=FreeBSD-$release-amd64-BASIC-CLOUDINIT-ufs.qcow2.xz
cache=$here/.cache
port=${SETKEY_HTTP_PORT:-8765}
mkdir -p "$cache"
need qemu-system-x86_64 qemu-img curl xz python3

fetch "$base/CHECKSUM.SHA256" "$cache/CHECKSUM.SHA256.$release"
fetch "$base/$image" "$cache/$image"
listed=$(sum_from_list "$cache/CHECKSUM.SHA256.$release" "$image" SHA256)
[ -n "$listed" ] || { echo "FAIL: no checksum for $image in CHECKSUM.SHA256" >&2; exit 1; }
if [ -n "${FREEBSD_IMAGE_SHA256:-}" ] && [ "$FREEBSD_IMAGE_SHA256" != "$listed" ]; then
    echo "FAIL: the pinned FREEBSD_IMAGE_SHA256 is not the one CHECKSUM.SHA256 lists" >&2
    exit 1
fi
verify_sha256 "$cache/$image" "$listed"

disk=$cache/disk.qcow2
xz -dc "$cache/$image" >"$disk"
qemu-img resize -q "$disk" 16G

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
source_tarball "$work"
guest_script freebsd >"$work/guest.sh"
server=$(serve "$work" "$port")

# nuageinit (the image's cloud-init) runs a user-data file that starts with #! as a shell
# script at the end of the first boot, as root, with the network up. The serial line is
# the image's first console, so what the script prints there reaches the host.
mkdir -p "$work/seed"
echo "instance-id: setkey-rs-tests" >"$work/seed/meta-data"
cat >"$work/seed/user-data" <<USERDATA
#!/bin/sh
exec >/dev/console 2>&1
# rc's environment: no /usr/local/bin (where pkg puts cargo) and perhaps no HOME.
export PATH=/sbin:/bin:/usr/sbin:/usr/bin:/usr/local/sbin:/usr/local/bin HOME=/root
echo GUEST-PROVISION-START
if env ASSUME_ALWAYS_YES=yes pkg install -y rust &&
    fetch -o /tmp/setkey-rs.tar.gz http://10.0.2.2:$port/setkey-rs.tar.gz &&
    fetch -o /tmp/guest.sh http://10.0.2.2:$port/guest.sh; then
    sh /tmp/guest.sh
else
    echo "VM-EXIT-STATUS=1"
fi
shutdown -p now
USERDATA
make_seed_iso "$work/seed" "$work/seed.iso"

# -no-reboot: the image's first-boot freebsd-update asks for a reboot at the end of rc,
# after the suite has powered the machine off; any earlier reboot ends the run at once.
accel=()
[ -w /dev/kvm ] && accel=(-accel kvm)
log=$cache/console.log
timeout "${VM_TIMEOUT:-5400}" qemu-system-x86_64 "${accel[@]}" -m 4096 -smp 2 -nographic -no-reboot \
    -drive "file=$disk,if=virtio,format=qcow2" \
    -drive "file=$work/seed.iso,media=cdrom" \
    -nic user,model=virtio-net-pci </dev/null | tee "$log"
exit_status "$log"
