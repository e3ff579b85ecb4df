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
