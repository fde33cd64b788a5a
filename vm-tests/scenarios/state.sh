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

# Dumps without what differs between two loads of the same state: times, policy ids, pids,
# refcnt, the kernel's message sequence numbers and kernel-assigned reqids.
comparable() {
    sed -e 's/created: .*\tcurrent: .*/created: TIME/' \
        -e 's/created: .*  lastused: .*/created: TIME/' \
        -e 's/^\tdiff: [0-9]*(s)/\tdiff: N(s)/' \
        -e 's/^\tlast: .\{20\}\t/\tlast: TIME\t/' \
        -e 's/spid=[0-9]*/spid=ID/' \
        -e 's/\([ \t]\)pid=[0-9]*/\1pid=PID/g' \
        -e 's/unique#[0-9]*/unique#AUTO/' \
        -e 's/^\trefcnt=[0-9]*/\trefcnt=N/' \
        -e 's/sadb_seq=[0-9]*/sadb_seq=N/'
}
