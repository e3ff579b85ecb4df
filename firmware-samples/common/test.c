#include "test.h"
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
