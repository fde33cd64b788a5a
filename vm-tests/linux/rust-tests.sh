#!/bin/sh
# Runs the Rust real-kernel tests (the PF_KEY socket layer: tests/kernel_linux.rs and the
# kernel module's unit tests) in the VM, one PASS/FAIL line per test; exits 1 if any failed.
export SETKEY_VM=1
status=0
start=$(date +%s)
for suite in "kernel_linux --include-ignored" "kernel_unit kernel::"; do
    set -- $suite
    binary=${BIN:-/bin}/$1
    shift
    out=/tmp/$(basename "$binary").out
    if [ ! -x "$binary" ]; then
        echo "FAIL $binary: missing from the initramfs"
        status=1
        continue
    fi
    "$binary" --test-threads=1 "$@" >"$out" 2>&1
    rc=$?
    awk -v suite="$(basename "$binary")" '
        / \.\.\. ok$/ { print "PASS " suite "::" $2; n++ }
        / \.\.\. FAILED$/ { print "FAIL " suite "::" $2; n++ }
        END { if (n == 0) print "FAIL " suite ": no test ran" }
    ' "$out"
    if [ "$rc" -ne 0 ] || ! grep -q ' \.\.\. ok$' "$out"; then
        cat "$out"
        status=1
    fi
done
echo "rust tests: $(($(date +%s) - start)) s"
exit "$status"
