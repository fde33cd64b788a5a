#!/bin/sh
# --doctor on the broken state of state.conf: its findings (exit 2), then every suggested fix
# applied with -f, then --doctor again, which must find the state healthy (exit 0).
# Random SPIs and keys of suggested SAs and the seconds left are normalised.
# Environment: SETKEY, TARGET, WORK.
set -u
# shellcheck source=vm-tests/scenarios/state.sh
. "$(dirname "$0")/../state.sh"
w=${WORK:-/tmp}/doctor
mkdir -p "$w"
apply_state "$w"
stable() {
    sed -e 's/0x[0-9a-f]\{32,\}/0xKEY/g' \
        -e 's/\(esp\|ah\) 0x[0-9a-f]\{5,8\} /\1 0xSPI /' \
        -e 's/ in [0-9]* s,/ in N s,/'
}
sleep 12
setkey --doctor >"$w/report"
echo "-- --doctor status=$?"
stable <"$w/report"
setkey --doctor --json >"$w/report.json"
echo "-- --doctor --json status=$?: $(grep -o '"healthy":[a-z]*' "$w/report.json"), $(grep -o '"kind":' "$w/report.json" | wc -l) findings"
sed -n 's/^\tfix: //p' "$w/report" >"$w/fix.conf"
setkey -f "$w/fix.conf" >"$w/fix.out" 2>&1
echo "-- the fixes applied: status=$?"
cat "$w/fix.out"
setkey --doctor >"$w/after"
echo "-- --doctor after the fixes: status=$?"
stable <"$w/after"
setkey --doctor --json | grep -o '"healthy":[a-z]*'
