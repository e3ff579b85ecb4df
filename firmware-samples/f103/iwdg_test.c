/*
 * iwdg_test (Blue Pill): the independent watchdog resets the chip and says
 * so in RCC_CSR (RM0008 §19.3, §7.3.10; facts-stm32f1 §3.2, §7.1).
 *
 *  boot 1 (power-on): RCC_CSR has PORRSTF and PINRSTF; RMVF clears all
 *     reset flags. LSI on (LSIRDY). IWDG: KR = 0xCCCC (start), 0x5555
 *     (unlock PR/RLR), PR = 0 (/4), RLR = 99, wait for PVU = RVU = 0,
 *     KR = 0xAAAA: timeout 4 * 100 / 40 kHz = 10 ms. Then it is never
 *     kicked; the elapsed time is counted in 1 ms SysTick steps (HSI 8 MHz)
 *     into .noinit. No reset within 500 ms -> FAIL.
 *  boot 2 (after the watchdog reset): IWDGRSTF set, PORRSTF and SFTRSTF
 *     clear; the counted time before the reset is 5..50 ms (LSI 30-60 kHz
 *     spans 6.7-13.3 ms). RMVF, PASS.
 *
 * Harness: nothing to drive; expect two boots in one run, "PASS iwdg_test",
 * exit 0.
 */
#include "board.h"
#include "test_f103.h"

const char test_name[] = "iwdg_test";

#define GUARD_MS 500u

__attribute__((section(".noinit"))) static volatile uint32_t waited_ms;

static int wait_clear(volatile uint32_t *reg, uint32_t mask, uint32_t loops)
{
    while (loops--) {
        if (!(*reg & mask)) {
            return 1;
        }
    }
    return 0;
}

static void boot1(uint32_t csr)
{
    check_eq(csr & (RCC_CSR_PORRSTF | RCC_CSR_PINRSTF), RCC_CSR_PORRSTF | RCC_CSR_PINRSTF,
             "RCC_CSR after power-on: PORRSTF and PINRSTF");
    check_eq(csr & (RCC_CSR_IWDGRSTF | RCC_CSR_SFTRSTF), 0, "RCC_CSR: no IWDGRSTF/SFTRSTF yet");
    RCC_CSR |= RCC_CSR_RMVF;
    check_eq(RCC_CSR & RCC_CSR_RSTF_ALL, 0, "RMVF cleared every reset flag");

    RCC_CSR |= RCC_CSR_LSION;
    uint32_t i = 0;
    while (!(RCC_CSR & RCC_CSR_LSIRDY) && ++i < 1000000u) {
    }
    check(RCC_CSR & RCC_CSR_LSIRDY, "LSIRDY after LSION");

    IWDG_KR = IWDG_KEY_START;
    IWDG_KR = IWDG_KEY_ACCESS;
    IWDG_PR = 0;            /* LSI / 4 */
    IWDG_RLR = 99;          /* 100 counts: 10 ms at 40 kHz */
    check(wait_clear(&IWDG_SR, IWDG_SR_PVU | IWDG_SR_RVU, 1000000u), "IWDG_SR: PVU and RVU clear after the update");
    IWDG_KR = IWDG_KEY_RELOAD;
    info("IWDG started: PR 0 (/4), RLR 99 -> 10 ms at 40 kHz; not kicked from now on");

    waited_ms = 0;
    marker_set(1);
    SYST_RVR = HSI_HZ / 1000u - 1u;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_CLKSOURCE | SYST_CSR_ENABLE;
    while (waited_ms < GUARD_MS) {
        if (SYST_CSR & SYST_CSR_COUNTFLAG) {
            waited_ms++;
        }
    }
    marker_clear();
    fail("no IWDG reset within 500 ms");
}

static void boot2(uint32_t csr)
{
    check(csr & RCC_CSR_IWDGRSTF, "IWDGRSTF set after the watchdog reset");
    check_eq(csr & (RCC_CSR_PORRSTF | RCC_CSR_SFTRSTF), 0, "PORRSTF and SFTRSTF clear (only the watchdog reset happened)");
    print("  info reset came after ");
    print_udec(waited_ms);
    print(" ms without a kick\n");
    check(waited_ms >= 5u && waited_ms <= 50u, "IWDG timeout 5..50 ms (10 ms nominal)");
    RCC_CSR |= RCC_CSR_RMVF;
    marker_clear();
    pass();
}

int main(void)
{
    run_two_boot_test(RCC_CSR_IWDGRSTF,
                      "IWDGRSTF set but no marker: SRAM (.noinit) was lost across the watchdog reset", boot1, boot2);
}
