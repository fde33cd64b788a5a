#!/usr/bin/env bash
# The real-kernel suite on NetBSD: installs the official NetBSD 10 amd64 release into a disk
# image with anita (the Automated NetBSD Installation and Test Application, which drives
# sysinst in QEMU over the serial console), checks every file anita downloaded against the
# release's SHA512 lists before the installed system is booted, then boots it headless and,
# over the serial console, installs Rust from pkgsrc's binary packages, fetches this source
# tree from the host (QEMU's user-mode network), builds, and runs vm-tests/scenarios and
# the monitor checks. Needs: qemu-system-x86_64, qemu-img, curl, genisoimage (or mkisofs),
# python3 with venv, and internet access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=vm-tests/lib/common.sh
. "$here/../lib/common.sh"

release=${NETBSD_RELEASE:-10.1}
base=https://cdn.netbsd.org/pub/NetBSD/NetBSD-$release/amd64
# The PyPI project called "anita" is an unrelated program: anita comes from its author's site.
anita_version=${ANITA_VERSION:-2.18}
anita_url=https://www.gson.org/netbsd/anita/download/anita-$anita_version.tar.gz
cache=$here/.cache
workdir=$cache/anita-$release
port=${SETKEY_HTTP_PORT:-8766}
mkdir -p "$cache"
need qemu-system-x86_64 qemu-img curl python3

# anita and pexpect in a private virtual environment.
if [ ! -x "$cache/venv/bin/anita" ]; then
    fetch "$anita_url" "$cache/anita-$anita_version.tar.gz"
    echo "anita-$anita_version.tar.gz sha256 $(sha256sum "$cache/anita-$anita_version.tar.gz" | cut -d' ' -f1)"
    python3 -m venv "$cache/venv"
    "$cache/venv/bin/pip" install --quiet pexpect "$cache/anita-$anita_version.tar.gz"
fi
anita=("$cache/venv/bin/anita" --workdir "$workdir" --disk-size 16G --memory-size 4G)

# The release's checksum lists, one per directory anita may download from.
lists=$cache/SHA512.$release
: >"$lists"
for dir in binary/sets binary/kernel installation/cdrom installation/misc; do
    if curl -fsSL "$base/$dir/SHA512" >"$lists.part"; then
        cat "$lists.part" >>"$lists"
    fi
done
rm -f "$lists.part"
[ -s "$lists" ] || { echo "FAIL: could not fetch the release's SHA512 lists" >&2; exit 1; }

# Install (anita downloads the release into $workdir/download), then verify every
# downloaded file before anything boots from the installed disk.
[ -d "$workdir/download" ] || timeout "${VM_TIMEOUT:-7200}" "${anita[@]}" install "$base/"
verify_downloads() {
    local file name want got count=0
    while IFS= read -r -d '' file; do
        name=$(basename "$file")
        case $name in SHA512 | MD5) continue ;; esac
        want=$(sum_from_list "$lists" "$name" SHA512)
        got=$(sha512sum "$file" | cut -d' ' -f1)
        if [ -z "$want" ] || [ "$want" != "$got" ]; then
            echo "FAIL: $name does not match the release's SHA512 list" >&2
            return 1
        fi
        count=$((count + 1))
    done < <(find "$workdir/download" -type f -print0)
    [ "$count" -gt 0 ] || { echo "FAIL: anita downloaded nothing to verify" >&2; return 1; }
    echo "verified: $count downloaded files against the release's SHA512 lists"
}
verify_downloads || { rm -rf "$workdir"; exit 1; }

work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
source_tarball "$work"
guest_script netbsd >"$work/guest.sh"
server=$(serve "$work" "$port")

# Run in the guest's shell: the binary package repository for this release and machine.
# shellcheck disable=SC2016 # expanded by the guest's shell
commands='export PKG_PATH=https://cdn.NetBSD.org/pub/pkgsrc/packages/NetBSD/$(uname -p)/$(uname -r | cut -f 1,2 -d.)/All;'
# shellcheck disable=SC2016 # expanded by the guest's shell
commands+=' export PATH=$PATH:/usr/pkg/sbin:/usr/pkg/bin;'
commands+=" pkg_add rust &&"
commands+=" ftp -o /tmp/setkey-rs.tar.gz http://10.0.2.2:$port/setkey-rs.tar.gz &&"
commands+=" ftp -o /tmp/guest.sh http://10.0.2.2:$port/guest.sh &&"
commands+=" sh /tmp/guest.sh || echo VM-EXIT-STATUS=1"

log=$cache/console.log
timeout "${VM_TIMEOUT:-7200}" "${anita[@]}" --run "$commands" boot "$base/" 2>&1 | tee "$log"
exit_status "$log"
