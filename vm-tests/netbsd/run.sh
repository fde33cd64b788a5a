#!/usr/bin/env bash
# The real-kernel suite on NetBSD: downloads the official NetBSD 10 amd64 release, checks
# every file against the release's SHA512 list, installs it into a disk image and boots it
# headless with anita (the NetBSD project's QEMU test driver, from PyPI), then, over the
# serial console, fetches this source tree from the host, installs Rust with pkgin, builds,
# and runs vm-tests/scenarios and the monitor checks. Needs: qemu-system-x86_64, curl,
# python3 with pip, and internet access.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# shellcheck source=vm-tests/lib/common.sh
. "$here/../lib/common.sh"

release=${NETBSD_RELEASE:-10.1}
base=https://cdn.netbsd.org/pub/NetBSD/NetBSD-$release/amd64
cache=$here/.cache
port=${SETKEY_HTTP_PORT:-8766}
mkdir -p "$cache/release/binary/sets" "$cache/release/binary/kernel"

fetch "$base/binary/sets/SHA512" "$cache/release/binary/sets/SHA512"
fetch "$base/binary/kernel/SHA512" "$cache/release/binary/kernel/SHA512"
for set in base comp etc man misc modules tests text kern-GENERIC; do
    fetch "$base/binary/sets/$set.tar.xz" "$cache/release/binary/sets/$set.tar.xz"
done
for kernel in netbsd-INSTALL.gz netbsd-GENERIC.gz; do
    fetch "$base/binary/kernel/$kernel" "$cache/release/binary/kernel/$kernel"
done
verify_list() { # verify_list DIR: every file of DIR listed in DIR/SHA512 matches it
    local dir=$1 file want got
    for file in "$dir"/*; do
        [ "$(basename "$file")" = SHA512 ] && continue
        want=$(sum_from_list "$dir/SHA512" "$(basename "$file")" SHA512)
        got=$(sha512sum "$file" | cut -d' ' -f1)
        if [ -z "$want" ] || [ "$want" != "$got" ]; then
            echo "checksum mismatch: $file" >&2
            return 1
        fi
    done
    echo "verified: $dir against SHA512"
}
verify_list "$cache/release/binary/sets"
verify_list "$cache/release/binary/kernel"

python3 -m pip install --quiet --user anita pexpect
work=$(mktemp -d)
server=
trap '[ -n "$server" ] && kill "$server"; rm -rf "$work"' EXIT
source_tarball "$work"
guest_script netbsd >"$work/guest.sh"
server=$(serve "$work" "$port")

commands="export PKG_PATH=https://cdn.netbsd.org/pub/pkgsrc/packages/NetBSD/amd64/$release/All;"
commands+=" pkg_add pkgin && pkgin -y install rust &&"
commands+=" ftp -o /tmp/setkey-rs.tar.gz http://10.0.2.2:$port/setkey-rs.tar.gz &&"
commands+=" ftp -o /tmp/guest.sh http://10.0.2.2:$port/guest.sh && sh /tmp/guest.sh"

log=$cache/console.log
timeout 7200 python3 -m anita --workdir "$cache/anita" --disk-size 16G --memory-size 4G \
    --run "$commands" boot "file://$cache/release/" 2>&1 | tee "$log"
exit_status "$log"
