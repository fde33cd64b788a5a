#!/bin/sh
# Runs the Rust real-kernel tests (the PF_KEY socket layer: tests/kernel_linux.rs and the
# kernel module's unit tests) in the VM, one PASS/FAIL line per test; exits 1 if any failed.
export SETKEY_VM=1
status=0
start=$(date +%s)
# run_tests NAME ARGS...: runs /bin/NAME (a Rust test executable) with ARGS.
run_tests() {
    name=$1
    shift
    binary=${BIN:-/bin}/$name
    out=/tmp/$name.out
    if [ ! -x "$binary" ]; then
        echo "FAIL $name: missing from the initramfs"
        status=1
        return
    fi
    "$binary" --test-threads=1 "$@" >"$out" 2>&1
    rc=$?
    awk -v suite="$name" '
        / \.\.\. ok$/ { print "PASS " suite "::" $2; n++ }
        / \.\.\. FAILED$/ { print "FAIL " suite "::" $2; n++ }
        END { if (n == 0) print "FAIL " suite ": no test ran" }
    ' "$out"
    if [ "$rc" -ne 0 ] || ! grep -q ' \.\.\. ok$' "$out"; then
        cat "$out"
        status=1
    fi
}

run_tests kernel_linux --include-ignored
run_tests kernel_unit kernel::
echo "rust tests: $(($(date +%s) - start)) s"
exit "$status"
