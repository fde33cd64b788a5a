#!/bin/sh
# Runs every real-kernel scenario against the kernel of this machine (a test VM).
# Each scenario directory holds setup.conf (or setup.TARGET.conf), applied with `setkey -f`,
# and expected/TARGET.txt: the exit status, the output of the apply, then -D and -DP, with
# volatile fields (times, pids, kernel-assigned ids) normalised; a scenario's check.sh, when
# there is one, runs after the dumps and its output follows them. After each scenario both
# databases are flushed and checked empty.
#
# Environment: SETKEY (path of the binary), TARGET (linux|freebsd|netbsd),
# SCENARIOS (optional space-separated subset), WORK (scratch dir, default /tmp),
# KERNEL_LOG (optional: the kernel's console, whose new lines a failure shows).
# Prints PASS/FAIL per scenario; exits 1 if any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
: "${SETKEY:?set SETKEY to the setkey binary}"
: "${TARGET:?set TARGET to linux, freebsd or netbsd}"
work=${WORK:-/tmp}/setkey-scenarios
mkdir -p "$work"
failed=0
passed=0

# Linux holds a reference to a new policy for its first second (xfrm_policy_insert arms the
# policy's timer with one), so the refcnt -DP prints there depends on how slow the VM is.
refcnt_rule=
[ "$TARGET" = linux ] && refcnt_rule='s/^\trefcnt=[0-9]*$/\trefcnt=N/'

normalise() {
    sed -e 's/created: .*\tcurrent: .*/created: TIME\tcurrent: TIME/' \
        -e "$refcnt_rule" \
        -e 's/created: .*  lastused: .*/created: TIME  lastused: TIME/' \
        -e 's/^\tdiff: [0-9]*(s)/\tdiff: N(s)/' \
        -e 's/^\tlast: .\{20\}\t/\tlast: TIME\t/' \
        -e 's/spid=[0-9]*/spid=ID/' \
        -e 's/\([ \t]\)pid=[0-9]*/\1pid=PID/g' \
        -e 's/^\(setkey\|[^ ]*setkey\): /setkey: /'
}

setkey() { "$SETKEY" --target "$TARGET" "$@"; }

clean_slate() {
    setkey -F >/dev/null 2>&1
    setkey -FP >/dev/null 2>&1
}

# The lines the kernel logged since `mark` was taken, when there is a kernel log.
log_mark() { if [ -n "${KERNEL_LOG:-}" ]; then wc -l <"$KERNEL_LOG"; else echo 0; fi; }
show_kernel_log() {
    [ -n "${KERNEL_LOG:-}" ] || return 0
    echo "----- the kernel's console during $name:"
    tail -n "+$(($1 + 1))" "$KERNEL_LOG" | sed 's/^/    kernel: /'
}

run_one() {
    name=$1
    dir=$here/$name
    conf=$dir/setup.$TARGET.conf
    [ -f "$conf" ] || conf=$dir/setup.conf
    expected=$dir/expected/$TARGET.txt
    actual=$work/$name.txt
    clean_slate
    mark=$(log_mark)
    (
        cd "$dir" || exit 1
        setkey -f "$(basename "$conf")" >"$work/apply.out" 2>"$work/apply.err"
        echo "status=$?"
        echo "== stdout"
        cat "$work/apply.out"
        echo "== stderr"
        cat "$work/apply.err"
        echo "== -D"
        setkey -D
        echo "== -DP"
        setkey -DP
        if [ -f "$dir/check.sh" ]; then
            echo "== check.sh"
            SETKEY=$SETKEY TARGET=$TARGET WORK=$work sh "$dir/check.sh" 2>&1
        fi
    ) | normalise >"$actual"
    clean_slate
    sad=$(setkey -D 2>&1)
    spd=$(setkey -DP 2>&1)
    if [ "$sad" != "No SAD entries." ] || [ "$spd" != "No SPD entries." ]; then
        echo "FAIL $name: not empty after flush: $sad / $spd"
        return 1
    fi
    if [ ! -f "$expected" ]; then
        echo "FAIL $name: no expected/$TARGET.txt; the output was:"
        echo "----- BEGIN $name/expected/$TARGET.txt"
        cat "$actual"
        echo "----- END $name/expected/$TARGET.txt"
        return 1
    fi
    if ! diff -u "$expected" "$actual" >"$work/$name.diff"; then
        echo "FAIL $name: output differs from expected/$TARGET.txt:"
        cat "$work/$name.diff"
        echo "----- BEGIN $name/expected/$TARGET.txt"
        cat "$actual"
        echo "----- END $name/expected/$TARGET.txt"
        return 1
    fi
    return 0
}

list=${SCENARIOS:-$(cd "$here" && for d in */; do [ -f "$d/setup.conf" ] || [ -f "$d/setup.$TARGET.conf" ] && echo "${d%/}"; done)}
for name in $list; do
    if [ -f "$here/$name/targets" ] && ! grep -qw "$TARGET" "$here/$name/targets"; then
        echo "SKIP $name (not for $TARGET)"
        continue
    fi
    if run_one "$name"; then
        echo "PASS $name"
        passed=$((passed + 1))
    else
        show_kernel_log "$mark"
        failed=$((failed + 1))
    fi
done
echo "scenarios: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
