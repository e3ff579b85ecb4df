#!/bin/sh
# Run firmware images on qemu-system-arm and summarise.
# stdin: one line per image: "<name> <machine> <expected exit> <xfail|-> <test name>"
# $1: build directory (images are $1/<name>.elf, logs go to $1/qemu/<name>.log)
# Exit status 0 unless some image had an unexpected result.
set -u
build=$1
QEMU=${QEMU:-qemu-system-arm}
TIMEOUT=${QEMU_TIMEOUT:-60}
# Deterministic virtual time: 8 ns per instruction (~125 MHz, near the
# 120/168 MHz SYSCLK of the netduinos). Without it QEMU's SysTick follows
# host time and `systick` can fail on a loaded host. QEMU_ICOUNT= disables it.
ICOUNT=${QEMU_ICOUNT-shift=3,align=off,sleep=off}
command -v "$QEMU" >/dev/null 2>&1 || { echo "$QEMU not found: install qemu-system-arm" >&2; exit 1; }

pass=0; fail=0; xfail=0; xpass=0; failed=""
while read -r name machine want xf tname; do
    [ -n "$name" ] || continue
    log="$build/qemu/$name.log"
    mkdir -p "$(dirname "$log")"
    timeout "$TIMEOUT" "$QEMU" -M "$machine" -nographic -monitor none -serial none \
        -semihosting-config enable=on,target=native ${ICOUNT:+-icount "$ICOUNT"} \
        -kernel "$build/$name.elf" >"$log" 2>&1 </dev/null
    rc=$?
    last=$(grep -E '^(PASS|FAIL) ' "$log" | tail -n 1)
    if [ "$rc" = "$want" ] && [ "$last" = "PASS $tname" ]; then ok=1; else ok=0; fi
    if [ "$xf" = xfail ]; then
        if [ $ok = 1 ]; then r=XPASS; xpass=$((xpass + 1)); failed="$failed $name"
        else r=XFAIL; xfail=$((xfail + 1)); fi
    else
        if [ $ok = 1 ]; then r=PASS; pass=$((pass + 1))
        else r=FAIL; fail=$((fail + 1)); failed="$failed $name"; fi
    fi
    [ "$rc" = 124 ] && last="(timeout after ${TIMEOUT}s) $last"
    printf '%-6s %-32s %-14s exit %3s (want %s)  %s\n' "$r" "$name" "$machine" "$rc" "$want" "$last"
done

echo "qemu-check: $pass passed, $fail failed, $xfail known QEMU differences (xfail), $xpass unexpectedly passed"
[ -z "$failed" ] || { echo "unexpected results:$failed (logs in $build/qemu/)"; exit 1; }
exit 0
