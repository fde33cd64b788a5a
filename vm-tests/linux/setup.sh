#!/usr/bin/env bash
# Installs what the Linux VM tests need (QEMU, busybox, kmod, cpio) and fetches Debian's
# cloud kernel into vm-tests/linux/.cache, without installing it on this host. Idempotent.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=$here/.cache
mkdir -p "$cache"

need=()
command -v qemu-system-x86_64 >/dev/null || need+=(qemu-system-x86)
[ -x /bin/busybox ] && /bin/busybox --list 2>/dev/null | grep -qx insmod || need+=(busybox-static)
command -v modprobe >/dev/null || need+=(kmod)
command -v cpio >/dev/null || need+=(cpio)
command -v xz >/dev/null || need+=(xz-utils)
if [ ${#need[@]} -gt 0 ]; then
    echo "setup: installing ${need[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

if ! ls "$cache"/root/boot/vmlinuz-* >/dev/null 2>&1; then
    apt-cache policy linux-image-cloud-amd64 2>/dev/null | grep -q Candidate || apt-get update -qq
    pkg=$(apt-cache depends linux-image-cloud-amd64 | awk '/Depends: linux-image-/ { print $2; exit }')
    [ -n "$pkg" ] || { echo "setup: cannot find the cloud kernel package" >&2; exit 1; }
    echo "setup: fetching $pkg"
    (cd "$cache" && rm -f ./*.deb && apt-get download -qq "$pkg")
    rm -rf "$cache/root"
    dpkg-deb -x "$cache"/linux-image-*.deb "$cache/root"
    rm -f "$cache"/*.deb
fi
ls "$cache"/root/boot/vmlinuz-* >/dev/null
