#!/bin/sh
# --diff and --sync against the state of state.conf: --diff of want.conf (which names some
# entries) prints its changed, missing and deleted entries and exits 2; of want-all.conf
# (flush; spdflush; first) also every entry it does not name; --sync applies that, after
# which the dumps are those of want-all.conf applied to empty databases and a second --diff
# and --sync find nothing. A --sync the kernel rejects part of (bad.conf) is undone whole;
# --diff refuses a getspi and a file that does not parse, sending nothing.
# Environment: SETKEY, TARGET, WORK.
set -u
# shellcheck source=vm-tests/scenarios/state.sh
. "$(dirname "$0")/../state.sh"
w=${WORK:-/tmp}/sync
mkdir -p "$w"
state() { { setkey -D; setkey -DP; } | comparable; }
setkey -f state.conf
echo "-- setkey -f state.conf: status=$?"
for f in want.conf want-all.conf; do
    echo "-- --diff -f $f"
    setkey --diff -f "$f"
    echo "-- status=$?"
done
state >"$w/before"
setkey --diff -f want.conf >/dev/null
if state | cmp -s "$w/before" -; then
    echo "-- --diff changed nothing"
else
    echo "-- --diff CHANGED the state"
fi
echo "-- --sync -f bad.conf"
setkey --sync -f bad.conf
echo "-- status=$?"
if state | cmp -s "$w/before" -; then
    echo "-- after the failed --sync: SAD and SPD as before"
else
    echo "-- after the failed --sync: DIFFERENT"
    state | diff "$w/before" -
fi
echo "-- --sync -f want-all.conf"
setkey --sync -f want-all.conf
echo "-- status=$?"
state >"$w/synced"
echo "-- --diff -f want-all.conf, then --sync again"
setkey --diff -f want-all.conf
echo "-- status=$?"
setkey --sync -f want-all.conf
echo "-- status=$?"
setkey -F
setkey -FP
setkey -f want-all.conf
state >"$w/applied"
if cmp -s "$w/synced" "$w/applied"; then
    echo "-- after --sync: the state of want-all.conf applied to empty databases"
else
    echo "-- after --sync: DIFFERENT from want-all.conf applied to empty databases"
    diff "$w/applied" "$w/synced"
fi
printf '%s\n' "add 192.0.2.1 192.0.2.2 esp 0x7001 -E aes-cbc 0x00112233445566778899aabbccddeeff;" \
    "getspi 192.0.2.1 192.0.2.2 esp 0x7100;" >"$w/getspi.conf"
printf '%s\n' "spdflush;" "add 192.0.2.1 192.0.2.2 esp 0x7001 -E;" >"$w/broken.conf"
for f in getspi.conf broken.conf; do
    echo "-- --diff -f $f"
    (cd "$w" && setkey --diff -f "$f")
    echo "-- status=$?"
done
if state | cmp -s "$w/applied" -; then
    echo "-- nothing sent for either"
else
    echo "-- the state CHANGED"
fi
