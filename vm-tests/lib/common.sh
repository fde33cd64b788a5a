#!/usr/bin/env bash
# Shared by the FreeBSD and NetBSD harnesses: checked downloads, a source tarball served to
# the guest over QEMU's user-mode network, and the result markers on the serial console.
# shellcheck shell=bash

# need COMMAND...: fails with a clear message when a required host command is missing.
need() {
    local c
    for c in "$@"; do
        command -v "$c" >/dev/null || { echo "FAIL: $c is needed on the host" >&2; exit 1; }
    done
}

# make_seed_iso DIR ISO: a NoCloud seed (ISO 9660 volume labelled cidata) holding DIR.
make_seed_iso() {
    local dir=$1 iso=$2 mkiso
    mkiso=$(command -v genisoimage || command -v mkisofs || true)
    if [ -n "$mkiso" ]; then
        "$mkiso" -quiet -output "$iso" -volid cidata -joliet -rock "$dir"
    else
        need xorriso
        xorriso -as mkisofs -quiet -output "$iso" -volid cidata -joliet -rock "$dir"
    fi
}

# fetch URL FILE: downloads URL to FILE unless FILE is already there.
fetch() {
    local url=$1 file=$2
    [ -s "$file" ] && return 0
    echo "fetch: $url"
    curl -fL --retry 3 -o "$file.part" "$url" && mv "$file.part" "$file"
}

# verify_sha256 FILE SUM: the file's SHA256 must be SUM.
verify_sha256() {
    local file=$1 want=$2 got
    got=$(sha256sum "$file" | cut -d' ' -f1)
    if [ "$got" != "$want" ]; then
        echo "checksum mismatch for $file: expected $want, got $got" >&2
        return 1
    fi
    echo "verified: $(basename "$file") sha256 $got"
}

# sum_from_list LIST NAME ALGO: the checksum of NAME in an official checksum list, in either
# the BSD form "ALGO (NAME) = SUM" or the coreutils form "SUM  NAME".
sum_from_list() {
    local list=$1 name=$2 algo=$3
    awk -v n="$name" -v a="$algo" '
        $1 == a && $2 == "(" n ")" { print $4; exit }
        $2 == n || $2 == "*" n { print $1; exit }
    ' "$list"
}

# source_tarball DIR: packs the project (without build products) into DIR/setkey-rs.tar.gz.
source_tarball() {
    local top dir=$1
    top=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
    tar -C "$top" --exclude=./target --exclude=./vm-tests/linux/.cache \
        --exclude='./vm-tests/*/.cache' -czf "$dir/setkey-rs.tar.gz" .
}

# serve DIR PORT: serves DIR over HTTP for the guest (reachable there as 10.0.2.2:PORT);
# prints the server's pid.
serve() {
    local dir=$1 port=$2
    (cd "$dir" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
    echo $!
}

# guest_script TARGET: the commands the guest runs once it is up and has the source.
guest_script() {
    cat <<SCRIPT
set -u
cd /tmp && mkdir -p setkey-rs && cd setkey-rs && tar xzf ../setkey-rs.tar.gz
echo GUEST-BUILD-START
cargo build --release --quiet || { echo "VM-EXIT-STATUS=1"; exit 1; }
status=0
SETKEY=\$PWD/target/release/setkey TARGET=$1 WORK=/tmp sh vm-tests/scenarios/run.sh || status=1
SETKEY=\$PWD/target/release/setkey TARGET=$1 WORK=/tmp N=2000 sh vm-tests/scenarios/bigdump.sh || status=1
SETKEY=\$PWD/target/release/setkey TARGET=$1 WORK=/tmp sh vm-tests/scenarios/monitor-basic.sh || status=1
echo "VM-EXIT-STATUS=\$status"
SCRIPT
}

# exit_status LOG: the status the guest reported, or 1 when it reported none.
exit_status() {
    local status
    status=$(grep -a -o 'VM-EXIT-STATUS=[0-9]*' "$1" | tail -n 1 | cut -d= -f2)
    if [ -z "$status" ]; then
        echo "FAIL: the guest reported no status (see $1)"
        return 1
    fi
    return "$status"
}
