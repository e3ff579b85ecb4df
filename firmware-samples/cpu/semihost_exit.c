/*
 * semihost_exit: the three console calls and SYS_EXIT_EXTENDED with a
 * non-zero code (ARM semihosting spec; facts-cortexm §9.2).
 *
 * Expected output, exactly:
 *   semihost_exit: write0 writec write
 *   PASS semihost_exit
 * and exit code 42 (ApplicationExit with subcode 42). Any failed check
 * prints "FAIL semihost_exit: ..." and exits with 1 instead.
 */
#include "semihosting.h"
#include "test.h"

const char test_name[] = "semihost_exit";

#define SEMIHOST_EXIT_CODE 42u

int main(void)
{
    static const char tail[] = "write\n";

    /* One line assembled from the three console operations. */
    sh_write0("semihost_exit: write0 ");            /* SYS_WRITE0 (0x04) */
    for (const char *p = "writec "; *p; p++) {
        sh_writec(*p);                              /* SYS_WRITEC (0x03) */
    }
    /* SYS_WRITE (0x05) to handle 1 returns the number of bytes NOT written. */
    uint32_t not_written = sh_write(SH_STDOUT, tail, sizeof tail - 1);

    int32_t cs = sh_clock();                        /* SYS_CLOCK (0x10) */
    if (not_written != 0u) {
        fail_eq("SYS_WRITE to handle 1 left bytes unwritten", not_written, 0);
    }
    if (cs < 0) {
        fail_eq("SYS_CLOCK returned an error", (uint32_t)cs, 0);
    }

    print("PASS ");
    print(test_name);
    print("\n");
    sh_exit_extended(SEMIHOST_EXIT_CODE);           /* {0x20026, 42} */
}
