#!/bin/sh
# The real-kernel suite, run inside the VM: the socket layer's Rust tests, shared scenarios,
# big tables, the monitor. Add a step here (one script, non-zero exit on failure) to extend it.
export SETKEY=/bin/setkey TARGET=linux WORK=/tmp
subset=$(cat /vm-tests/scenarios-subset 2>/dev/null)
[ -z "$subset" ] || export SCENARIOS="$subset"
# A C setkey put in by run.sh (C_SETKEY) is timed next to ours.
[ -x /bin/c-setkey ] && export C_SETKEY=/bin/c-setkey
ROUNDS=$(cat /vm-tests/rounds 2>/dev/null || echo 0)
export ROUNDS
status=0
sh /vm-tests/linux/rust-tests.sh || status=1
sh /vm-tests/scenarios/run.sh || status=1
sh /vm-tests/scenarios/bigdump.sh || status=1
sh /vm-tests/scenarios/monitor-basic.sh || status=1
sh /vm-tests/scenarios/atomic.sh || status=1
sh /vm-tests/linux/monitor.sh || status=1
sh /vm-tests/linux/record.sh || status=1
exit "$status"
