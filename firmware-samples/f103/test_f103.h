/*
 * Test support for the F103 test images (on top of common/test.h):
 * a boot marker in .noinit for tests that span system resets, and reset-flag
 * printing. Linking test_f103.c also replaces the startup code's silent
 * default handler with one that reports the exception and fails the test.
 */
#ifndef TEST_F103_H
#define TEST_F103_H

#include <stdint.h>

#include "stm32f103.h"
#include "test.h"

/*
 * Kept across system resets (SYSRESETREQ, IWDG), which leave SRAM alone;
 * random or zero after power-on. `stage` says how far a multi-boot test got.
 */
struct boot_marker {
    uint32_t magic;
    uint32_t stage;
    uint32_t boots;
    uint32_t check;     /* ~magic ^ stage */
};

extern volatile struct boot_marker boot_marker;

/* Stage recorded before the last reset, or 0 if there is no valid marker. */
uint32_t marker_stage(void);
/* Record stage (and count the boot) before a deliberate reset. */
void marker_set(uint32_t stage);
void marker_clear(void);

/*
 * AIRCR.SYSRESETREQ; if no reset happens within GUARD_LOOPS, clear the
 * marker and fail ("no reset after SYSRESETREQ") instead of hanging.
 */
__attribute__((noreturn)) void test_system_reset(void);

/* "  info RCC_CSR 0x........ (PORRSTF PINRSTF ...)" */
void print_reset_flags(uint32_t csr);

/*
 * main() of a test that spans one reset: prints "<test>: boot N" and the reset
 * flags, then runs `first` (no marker yet) or `second` (marker stage 1), passing
 * RCC_CSR as read at boot. Both end the test or reset the chip. A reset flag in
 * `kept_flag` without a marker means SRAM was lost across the reset: fail with
 * `lost`.
 */
__attribute__((noreturn)) void run_two_boot_test(uint32_t kept_flag, const char *lost,
                                                 void (*first)(uint32_t csr), void (*second)(uint32_t csr));

#endif /* TEST_F103_H */
