/*
 * crc32: CPU-bound benchmark firmware for the generic-m3 memory map.
 *
 * Bitwise (table-less) CRC-32 (IEEE 802.3, reflected polynomial 0xEDB88320)
 * over a 1 KiB buffer, CRC_REPEAT times, as one continuous CRC of the
 * 1 KiB x CRC_REPEAT byte stream (init 0xFFFFFFFF, final complement; the
 * value equals zlib.crc32 of the stream). With the default CRC_REPEAT =
 * 20000 this is the `crc20k` workload of facts-unicorn.md §4
 * (about 0.92e9 instructions at -O2 -mcpu=cortex-m3).
 *
 * Prints the CRC, calls bench_done(crc) (a symbol a harness can stop at),
 * and exits through SYS_EXIT_EXTENDED with code 0.
 */
#include <stddef.h>
#include <stdint.h>

#include "print.h"
#include "semihosting.h"

#ifndef CRC_REPEAT
#define CRC_REPEAT 20000
#endif
#define CRC_BUF_SIZE 1024

const char test_name[] = "crc32";   /* for the shared startup's failure reports */

static uint8_t buf[CRC_BUF_SIZE];

__attribute__((noinline)) static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n)
{
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return crc;
}

/* Stop here to end a measurement (e.g. a unicorn harness's end address). */
__attribute__((noinline, used)) void bench_done(uint32_t crc)
{
    __asm volatile("" ::"r"(crc) : "memory");
}

int main(void)
{
    for (unsigned i = 0; i < CRC_BUF_SIZE; i++) {
        buf[i] = (uint8_t)i;
    }
    int32_t t0 = sh_clock();
    uint32_t crc = 0xFFFFFFFFu;
    for (unsigned r = 0; r < CRC_REPEAT; r++) {
        crc = crc32_update(crc, buf, CRC_BUF_SIZE);
    }
    crc = ~crc;
    bench_done(crc);
    int32_t t1 = sh_clock();

    print("crc32: 1 KiB x ");
    print_udec(CRC_REPEAT);
    print(" = ");
    print_hex(crc);
    print("\ncrc32: SYS_CLOCK delta ");
    print_dec(t1 - t0);
    print(" cs\n");
    sh_exit_extended(0);
}
