/*
 * Test protocol shared by every CPU test image:
 *   - progress lines "  ok   <what>" and "  info <what>";
 *   - the last line is "PASS <test>" (exit code 0 through SYS_EXIT_EXTENDED)
 *     or "FAIL <test>: <reason>" (exit code 1).
 * Each test defines `const char test_name[] = "...";`.
 */
#ifndef TEST_H
#define TEST_H

#include <stdint.h>

#include "print.h"

extern const char test_name[];

#define EXIT_PASS 0u
#define EXIT_FAIL 1u

/* Print "  ok   what" or fail the test with "FAIL <test>: what". */
void check(int cond, const char *what);
/* As check(got == want), printing both values on failure. */
void check_eq(uint32_t got, uint32_t want, const char *what);
/* Informational line, never fails: "  info what 0x........". */
void info_hex(const char *what, uint32_t v);
void info(const char *what);

__attribute__((noreturn)) void pass(void);
__attribute__((noreturn)) void fail(const char *reason);
__attribute__((noreturn)) void fail_eq(const char *reason, uint32_t got, uint32_t want);

struct exc_frame;
/* An exception the test did not install: print its number, the stacked PC and xPSR,
 * EXC_RETURN and the fault status registers, then fail. */
__attribute__((noreturn)) void fail_unexpected_exception(const struct exc_frame *frame, uint32_t exc_return);

/*
 * Watchdog-like guard: spin until *counter >= target, at most max_loops
 * iterations. Returns nonzero if the target was reached. Spinning is bounded
 * by loop count, not time, so a missing interrupt fails instead of hanging.
 */
int wait_for_count(volatile uint32_t *counter, uint32_t target, uint32_t max_loops);

/* Default guard for wait_for_count: ~10^7 iterations. */
#define GUARD_LOOPS 10000000u

/* Busy loop the compiler cannot remove. */
void spin(uint32_t loops);

#endif /* TEST_H */
