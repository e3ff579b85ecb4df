#include "test.h"
#include "cortexm.h"
#include "exc.h"
#include "semihosting.h"

void check(int cond, const char *what)
{
    if (!cond) {
        fail(what);
    }
    print("  ok   ");
    print(what);
    print("\n");
}

void check_eq(uint32_t got, uint32_t want, const char *what)
{
    if (got != want) {
        fail_eq(what, got, want);
    }
    print("  ok   ");
    print(what);
    print(" = ");
    print_hex(got);
    print("\n");
}

void info_hex(const char *what, uint32_t v)
{
    print("  info ");
    print(what);
    print(" ");
    print_hex(v);
    print("\n");
}

void info(const char *what)
{
    print("  info ");
    print(what);
    print("\n");
}

void pass(void)
{
    print("PASS ");
    print(test_name);
    print("\n");
    sh_exit_extended(EXIT_PASS);
}

void fail(const char *reason)
{
    print("FAIL ");
    print(test_name);
    print(": ");
    print(reason);
    print("\n");
    sh_exit_extended(EXIT_FAIL);
}

void fail_eq(const char *reason, uint32_t got, uint32_t want)
{
    print("FAIL ");
    print(test_name);
    print(": ");
    print(reason);
    print(" (got ");
    print_hex(got);
    print(", want ");
    print_hex(want);
    print(")\n");
    sh_exit_extended(EXIT_FAIL);
}

int wait_for_count(volatile uint32_t *counter, uint32_t target, uint32_t max_loops)
{
    for (uint32_t i = 0; i < max_loops; i++) {
        if (*counter >= target) {
            return 1;
        }
    }
    return *counter >= target;
}

void spin(uint32_t loops)
{
    for (uint32_t i = 0; i < loops; i++) {
        __asm volatile("" ::: "memory");
    }
}

void fail_unexpected_exception(const struct exc_frame *frame, uint32_t exc_return)
{
    print("  unexpected exception ");
    print_udec(get_ipsr() & 0x1FFu);
    print(": stacked pc ");
    print_hex(frame->pc);
    print(" xpsr ");
    print_hex(frame->xpsr);
    print(" EXC_RETURN ");
    print_hex(exc_return);
    print(" HFSR ");
    print_hex(SCB_HFSR);
    print(" CFSR ");
    print_hex(SCB_CFSR);
    print(" BFAR ");
    print_hex(SCB_BFAR);
    print("\n");
    fail("unexpected exception");
}
