#!/bin/sh
# The statements of the NetBSD acceptance files (tests/acceptance/netbsd/t_*.conf: what
# NetBSD's tests/net/ipsec scripts send with `setkey -c` and expect to succeed) that create an
# SA or a policy, each applied to the NetBSD kernel on empty databases and dumped after it: the
# kernel must take it and the dump must show it. Left out and counted: statements that act on
# earlier ones (delete, get, update...: the scenarios cover those), the known gaps of
# tests/acceptance_netbsd.rs (refused before sending), and algorithms this kernel's
# SADB_REGISTER reply does not list (refused before sending, as the C setkey's
# ipsec_check_keylen refuses them).
# Environment: SETKEY, WORK. Prints PASS/FAIL per file; exits 1 if any failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
data=$here/../../tests/acceptance/netbsd
: "${SETKEY:?}"
work=${WORK:-/tmp}/setkey-acceptance
mkdir -p "$work"
status=0
for conf in "$data"/t_*.conf; do
    case $conf in *.fail.conf) continue ;; esac
    name=$(basename "$conf" .conf)
    rm -rf "${work:?}/$name"
    mkdir -p "$work/$name"
    # One file per statement (a statement runs to the line that ends in ';').
    awk -v dir="$work/$name" '
        stmt == "" && ($0 ~ /^[ \t]*#/ || $0 ~ /^[ \t]*$/) { next }
        { stmt = stmt (stmt == "" ? "" : "\n") $0 }
        /;[ \t]*$/ {
            n++
            file = sprintf("%s/%04d.conf", dir, n)
            printf "flush;\nspdflush;\n%s\ndump;\nspddump;\n", stmt > file
            close(file)
            stmt = ""
        }
    ' "$conf"
    applied=0 later=0 gaps=0 unsupported=0 failed=0
    for one in "$work/$name"/*.conf; do
        text=$(sed -n '3,/;[ \t]*$/p' "$one" | tr -s ' \t\n' '   ')
        case $text in
            *"-A null ;"*) gaps=$((gaps + 1)); continue ;;
            add\ *|spdadd\ *|spdupdate\ *) ;;
            *) later=$((later + 1)); continue ;;
        esac
        "$SETKEY" --target netbsd -f "$one" >"$one.out" 2>"$one.err"
        rc=$?
        if grep -q "is not supported by the running kernel" "$one.err"; then
            unsupported=$((unsupported + 1))
            continue
        fi
        entries=$(grep -c '^	\(esp\|esp-udp\|esp-old\|ah\|ah-old\|ipcomp\|tcp\) mode=\|^	\(in\|out\) ' "$one.out")
        if [ "$rc" -ne 0 ] || [ "$entries" -ne 1 ] || grep -q '^setkey: .*,[0-9]*: ' "$one.err"; then
            failed=$((failed + 1))
            [ "$failed" -le 3 ] && {
                echo "    $name: $text (exit $rc, $entries entries dumped)"
                sed 's/^/        /' "$one.err" "$one.out" | grep -v '^        $' | head -n 6
            }
        else
            applied=$((applied + 1))
        fi
    done
    summary="$applied applied and dumped; left out: $later acting on earlier statements, $gaps known gaps, $unsupported not in this kernel"
    if [ "$failed" -ne 0 ] || [ "$applied" -eq 0 ]; then
        echo "FAIL acceptance $name: $failed failed, $summary"
        status=1
    else
        echo "PASS acceptance $name: $summary"
    fi
done
exit "$status"
