#!/bin/sh
# Build the crc32 benchmark and run it on QEMU's netduino2 (Cortex-M3),
# printing the firmware's output, its exit code and the wall time.
#   bench/crc32/qemu.sh [N]     (N = repetitions of the 1 KiB CRC, default 20000)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
n=${1:-20000}
command -v qemu-system-arm >/dev/null 2>&1 || { echo "qemu-system-arm not found: install qemu-system-arm" >&2; exit 1; }
make -s -C "$here" N="$n"

start=$(date +%s.%N)
set +e
qemu-system-arm -M netduino2 -nographic -monitor none -serial none \
    -semihosting-config enable=on,target=native -kernel "$here/build/crc32.elf" 2>&1
rc=$?
set -e
end=$(date +%s.%N)
echo "qemu exit code: $rc"
echo "wall time: $(awk "BEGIN { printf \"%.3f\", $end - $start }") s (N=$n, netduino2, includes QEMU start-up)"
exit $rc
