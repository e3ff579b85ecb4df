#include "test_f103.h"

#include "exc.h"

#define MARKER_MAGIC 0xB007F103u

__attribute__((section(".noinit"))) volatile struct boot_marker boot_marker;

uint32_t marker_stage(void)
{
    if (boot_marker.magic != MARKER_MAGIC || boot_marker.check != (~MARKER_MAGIC ^ boot_marker.stage)) {
        return 0;
    }
    return boot_marker.stage;
}

void marker_set(uint32_t stage)
{
    if (marker_stage() == 0) {
        boot_marker.boots = 0;
    }
    boot_marker.boots++;
    boot_marker.magic = MARKER_MAGIC;
    boot_marker.stage = stage;
    boot_marker.check = ~MARKER_MAGIC ^ stage;
}

void marker_clear(void)
{
    boot_marker.magic = 0;
    boot_marker.stage = 0;
    boot_marker.boots = 0;
    boot_marker.check = 0;
}

void test_system_reset(void)
{
    dsb();
    SCB_AIRCR = AIRCR_VECTKEY | (SCB_AIRCR & AIRCR_PRIGROUP_MSK) | AIRCR_SYSRESETREQ;
    dsb();
    spin(GUARD_LOOPS);
    marker_clear();
    fail("no reset after SYSRESETREQ");
}

void print_reset_flags(uint32_t csr)
{
    static const char *const names[8] = {
        0, 0, "PINRSTF", "PORRSTF", "SFTRSTF", "IWDGRSTF", "WWDGRSTF", "LPWRRSTF"
    };
    print("  info RCC_CSR ");
    print_hex(csr);
    print(" (");
    const char *sep = "";
    for (unsigned bit = 26; bit < 32; bit++) {
        if (csr & (1u << bit)) {
            print(sep);
            print(names[bit - 24]);
            sep = " ";
        }
    }
    print(")\n");
}

/* Strong version of the startup code's weak hook: report and fail. */
void f103_unhandled_exception(struct exc_frame *frame, uint32_t exc_return)
{
    fail_unexpected_exception(frame, exc_return);
}

void run_two_boot_test(uint32_t kept_flag, const char *lost, void (*first)(uint32_t csr),
                       void (*second)(uint32_t csr))
{
    uint32_t stage = marker_stage();
    uint32_t csr = RCC_CSR;
    print(test_name);
    print(": boot ");
    print_udec(stage + 1u);
    print("\n");
    print_reset_flags(csr);
    if (stage == 0) {
        if (csr & kept_flag) {
            fail(lost);
        }
        first(csr);
    } else if (stage == 1) {
        second(csr);
    }
    marker_clear();
    fail("unexpected stage in the boot marker");
}
