#!/bin/sh
# Links the rump kernel's libraries (KERNEL/lib) into DIR; where a copy flattened a symlink
# into a small file holding the target's name, the link is made again.
#   vm-tests/netbsd-rump/link-libs.sh KERNEL DIR
set -eu
kernel=$1
dir=$2
mkdir -p "$dir"
for f in "$kernel"/lib/*; do
    name=$(basename "$f")
    if [ ! -L "$f" ] && [ "$(stat -c %s "$f")" -lt 256 ] && target=$(tr -d '\n' <"$f") &&
        [ -f "$kernel/lib/$target" ]; then
        ln -sfn "$target" "$dir/$name"
    else
        ln -sfn "$f" "$dir/$name"
    fi
done
