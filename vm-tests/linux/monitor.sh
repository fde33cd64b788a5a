#!/bin/sh
# Real-kernel tests of `setkey -x`: ACQUIRE, EXPIRE, ADD/DELETE by another process, --json,
# --filter, --summary, and a clean exit on SIGTERM; ACQUIREs traced to the line of their
# policy in a --config file (by the kernel's policy id, learnt from the SPD dump at start and
# from a later SPDADD), and the policy id -v prints for an spdadd.
# Environment: SETKEY, TARGET, WORK.
set -u
: "${SETKEY:?}" "${TARGET:?}"
work=${WORK:-/tmp}/setkey-monitor
mkdir -p "$work"
failed=0
key=0x000102030405060708090a0b0c0d0e0f

setkey() { "$SETKEY" --target "$TARGET" "$@"; }
check() { # check NAME FILE PATTERN...: every fixed-string pattern must occur in FILE
    name=$1 file=$2
    shift 2
    for pattern in "$@"; do
        if ! grep -qF -- "$pattern" "$file"; then
            echo "FAIL $name: no '$pattern' in the monitor output:"
            sed 's/^/    /' "$file"
            failed=$((failed + 1))
            return 1
        fi
    done
    echo "PASS $name"
}
stop() { # stop PID: SIGTERM must end the monitor with status 0
    kill -TERM "$1"
    wait "$1"
    status=$?
    if [ "$status" -ne 0 ]; then
        echo "FAIL monitor exit status after SIGTERM: $status"
        failed=$((failed + 1))
    fi
}

setkey -F; setkey -FP
ip link add d0 type dummy && ip addr add 192.0.2.1/24 dev d0 && ip link set d0 up

# The configuration the --config monitor traces ACQUIREs to: line 3 is installed before the
# monitors start (its id comes from the SPD dump), line 4 after (from the SPDADD).
cat >"$work/policies.conf" <<'CONF'
# Policies of the ACQUIRE test.
spdadd 192.0.2.1 192.0.2.0/24 tcp -P out ipsec esp/transport//use;
spdadd 192.0.2.1 192.0.2.78 any -P out ipsec esp/transport//require;
spdadd 192.0.2.1 192.0.2.77 any -P out ipsec esp/transport//require;
CONF
echo "spdadd 192.0.2.1 192.0.2.78 any -P out ipsec esp/transport//require;" | setkey -c
"$SETKEY" --target "$TARGET" -x --register esp --config "$work/policies.conf" \
    >"$work/config.out" 2>&1 &
config_pid=$!
# Text monitor with a registration, so that the kernel sends ACQUIREs.
# Started directly (not through the shell function) so that $! is the monitor itself.
"$SETKEY" --target "$TARGET" -x --annotate --register esp --summary >"$work/text.out" 2>&1 &
text_pid=$!
# JSON monitor, ACQUIREs only.
"$SETKEY" --target "$TARGET" -x --json --filter acquire >"$work/json.out" 2>&1 &
json_pid=$!
sleep 1

echo "spdadd 192.0.2.1 192.0.2.77 any -P out ipsec esp/transport//require;" | setkey -v -c >"$work/spdadd-v.out"
ping -c 1 -W 1 192.0.2.77 >/dev/null 2>&1
ping -c 1 -W 1 192.0.2.78 >/dev/null 2>&1
setkey -c <<'CONF'
add 192.0.2.1 192.0.2.2 esp 0x5555 -lh 3 -ls 1 -E aes-cbc 0x000102030405060708090a0b0c0d0e0f;
CONF
printf 'add 192.0.2.1 192.0.2.3 esp 0x6666 -E aes-cbc %s;\ndelete 192.0.2.1 192.0.2.3 esp 0x6666;\n' "$key" | setkey -c
sleep 5

stop "$text_pid"
stop "$json_pid"
stop "$config_pid"

# The kdebug_sadb text of ipsec-tools 0.8.2 (key_debug.c 1.10) as Linux builds it:
# extension lengths in 8-byte units, addresses in ipsec_hexdump groups right before `  }`,
# the policy priority (HAVE_PFKEY_POLICY_PRIORITY).
check monitor-acquire "$work/text.out" \
    "# ACQUIRE esp 192.0.2.1 -> 192.0.2.77" \
    "sadb_msg{ version=2 type=6 errno=0 satype=3" \
    " c000024d  }" "sadb_x_policy{ type=2 dir=2 id=" " priority=" "sadb_prop{ replay="
check monitor-kdebug-add "$work/text.out" \
    "sadb_msg{ version=2 type=3 errno=0 satype=3" "sadb_ext{ len=2 type=1 }" \
    "sadb_sa{ spi=26214 replay=" "sockaddr{ len=16 family=2 port=0" " c0000203  }"
check monitor-expire "$work/text.out" \
    "# EXPIRE (soft) esp spi 0x00005555 192.0.2.1 -> 192.0.2.2" \
    "# EXPIRE (hard) esp spi 0x00005555 192.0.2.1 -> 192.0.2.2"
check monitor-add-delete "$work/text.out" \
    "# ADD esp spi 0x00006666 192.0.2.1 -> 192.0.2.3" \
    "# DELETE esp spi 0x00006666 192.0.2.1 -> 192.0.2.3"
check monitor-summary "$work/text.out" "| message" "| ACQUIRE " "| EXPIRE "
check monitor-json "$work/json.out" '"type":"ACQUIRE"' '"addr":"192.0.2.77"' '"satype":"esp"'
if grep -q '"type":"ADD"' "$work/json.out"; then
    echo "FAIL monitor-json-filter: --filter acquire let an ADD through"
    failed=$((failed + 1))
else
    echo "PASS monitor-json-filter"
fi

# -v: the id the kernel gave the spdadd, on a line of its own after the reply's dump.
id77=$(sed -n 's/^# policy: (stdin):1 (kernel policy id \([0-9]*\), -P out)$/\1/p' "$work/spdadd-v.out")
if [ -n "$id77" ]; then
    echo "PASS spdadd-v-policy-id ($id77)"
else
    echo "FAIL spdadd-v-policy-id: no '# policy: (stdin):1 (kernel policy id N, -P out)' in:"
    sed 's/^/    /' "$work/spdadd-v.out"
    failed=$((failed + 1))
fi
# Each ACQUIRE follows its '# policy:' line: line 3 by the id of the dump, line 4 by the id
# that -v printed.
check monitor-config-dump "$work/config.out" "# policy: $work/policies.conf:3 (kernel policy id "
check monitor-config-spdadd "$work/config.out" "# policy: $work/policies.conf:4 (kernel policy id $id77)"
echo "the ACQUIREs with --config:"
grep -A 3 '^# policy: ' "$work/config.out" | sed 's/^/    /'

setkey -F; setkey -FP
ip link del d0
echo "monitor: $failed failed"
[ "$failed" -eq 0 ]
