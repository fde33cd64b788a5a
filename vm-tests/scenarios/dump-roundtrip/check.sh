#!/bin/sh
# Round trip: the state of state.conf (state.linux.conf on Linux) is applied and dumped,
# then dumped as setkey statements (--format setkey), both databases are flushed, the
# statements are applied with -f, and -D/-DP must come out as before (times, policy ids,
# refcnt and kernel-assigned reqids aside). Prints the statements, the apply's status and
# "identical" or the difference. Also checks --wide and --json framing.
# Environment: SETKEY, TARGET, WORK.
set -u
# shellcheck source=vm-tests/scenarios/state.sh
. "$(dirname "$0")/../state.sh"
w=${WORK:-/tmp}/dump-roundtrip
mkdir -p "$w"
apply_state "$w"
setkey -D | comparable >"$w/sad.before"
setkey -DP | comparable >"$w/spd.before"
setkey -D --format setkey >"$w/state.conf"
setkey -DP --format setkey >>"$w/state.conf"
echo "-- the state as setkey statements"
cat "$w/state.conf"
setkey -F
setkey -FP
setkey -f "$w/state.conf" >"$w/apply.out" 2>&1
echo "-- apply status=$?"
cat "$w/apply.out"
setkey -D | comparable >"$w/sad.after"
setkey -DP | comparable >"$w/spd.after"
if diff -u "$w/sad.before" "$w/sad.after" && diff -u "$w/spd.before" "$w/spd.after"; then
    echo "-- -D and -DP after the round trip: identical"
else
    echo "-- -D and -DP after the round trip: DIFFERENT"
fi
# --wide: no key is wrapped, and joining the wrapped lines gives the wide dump.
setkey -D | sed -e ':a' -e '$!N' -e 's/\n / /' -e 'ta' -e 'P' -e 'D' | comparable >"$w/joined"
setkey -D --wide | comparable >"$w/wide"
if cmp -s "$w/joined" "$w/wide" && ! grep -q '^ ' "$w/wide"; then
    echo "-- --wide: the wrapped dump with its key lines joined"
else
    echo "-- --wide: DIFFERENT"
    diff -u "$w/joined" "$w/wide"
fi
# --json: one document; as many SAs and policies as the text dump has.
sas=$(setkey -D --json | grep -c '"spi":')
policies=$(setkey -DP --json | grep -c '"spid":')
echo "-- --json: $(setkey -D --json | head -n 1) $sas SAs, $(setkey -DP --json | head -n 1) $policies policies"
echo "-- -D/-DP text: $(grep -c 'sadb_seq=' "$w/sad.after") SAs, $(grep -c 'spid=' "$w/spd.after") policies"
