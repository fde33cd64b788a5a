# shellcheck shell=sh
# Sourced by the check.sh of a scenario that applies its state itself (state.conf, or
# state.TARGET.conf) instead of through setup.conf: Linux holds an extra reference on a policy
# for the first second after its insert (the policy's timer), so the refcnt that -DP prints
# is 2 or 1 depending on how long the apply and the dumps took. apply_state prints the
# apply's status and output, then -D and -DP with each policy's refcnt shown as N.
# Environment: SETKEY, TARGET; the current directory is the scenario's.
setkey() { "$SETKEY" --target "$TARGET" "$@"; }

without_refcnt() { sed -e 's/^\trefcnt=[0-9]*$/\trefcnt=N/'; }

# apply_state SCRATCH_DIR
apply_state() {
    conf=state.$TARGET.conf
    [ -f "$conf" ] || conf=state.conf
    setkey -f "$conf" >"$1/state.out" 2>"$1/state.err"
    echo "-- setkey -f state: status=$?"
    echo "-- stdout"
    cat "$1/state.out"
    echo "-- stderr"
    cat "$1/state.err"
    echo "-- -D"
    setkey -D
    echo "-- -DP (refcnt as N)"
    setkey -DP | without_refcnt
}
