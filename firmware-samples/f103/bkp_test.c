/*
 * bkp_test (Blue Pill): backup registers keep their values across a system
 * reset, and are write-protected while PWR_CR.DBP = 0 (RM0008 §5.4.1, §6.1,
 * §6.4; facts-stm32f1 §7.3-7.4).
 *
 *  boot 1 (power-on): RMVF. PWR and BKP clocks on. DBP reads 0; writes to
 *     BKP_DR1/DR10 do not stick. DBP = 1: DR1 = 0xCAFE, DR10 = 0xBEEF read
 *     back. DBP = 0 again: a write of 0x1111 to DR1 does not stick.
 *     AIRCR.SYSRESETREQ.
 *  boot 2: SFTRSTF set (PORRSTF clear); with the clocks enabled again, DR1
 *     = 0xCAFE and DR10 = 0xBEEF. Clean up (DBP = 1, DR1 = DR10 = 0,
 *     DBP = 0), PASS.
 *
 * Harness: nothing to drive; two boots in one run, "PASS bkp_test", exit 0.
 */
#include "test_f103.h"

const char test_name[] = "bkp_test";

#define MAGIC1  0xCAFEu
#define MAGIC10 0xBEEFu

static void bkp_clocks_on(void)
{
    RCC_APB1ENR |= RCC_APB1_PWR | RCC_APB1_BKP;
    (void)RCC_APB1ENR;
}

static void boot1(uint32_t csr)
{
    check(csr & RCC_CSR_PORRSTF, "PORRSTF: boot 1 is a power-on");
    RCC_CSR |= RCC_CSR_RMVF;
    bkp_clocks_on();
    check_eq(PWR_CR & PWR_CR_DBP, 0, "PWR_CR.DBP = 0 after reset");

    uint32_t dr1 = BKP_DR(1) & 0xFFFFu, dr10 = BKP_DR(10) & 0xFFFFu;
    info_hex("BKP_DR1 at power-on", dr1);
    info_hex("BKP_DR10 at power-on", dr10);
    BKP_DR(1) = 0x1234u;
    BKP_DR(10) = 0x5678u;
    check_eq(BKP_DR(1) & 0xFFFFu, dr1, "BKP_DR1 write with DBP = 0 does not stick");
    check_eq(BKP_DR(10) & 0xFFFFu, dr10, "BKP_DR10 write with DBP = 0 does not stick");

    PWR_CR |= PWR_CR_DBP;
    check(PWR_CR & PWR_CR_DBP, "PWR_CR.DBP reads back 1");
    BKP_DR(1) = MAGIC1;
    BKP_DR(10) = MAGIC10;
    check_eq(BKP_DR(1), MAGIC1, "BKP_DR1 written (DBP = 1)");
    check_eq(BKP_DR(10), MAGIC10, "BKP_DR10 written (DBP = 1)");

    PWR_CR &= ~PWR_CR_DBP;
    BKP_DR(1) = 0x1111u;
    check_eq(BKP_DR(1), MAGIC1, "BKP_DR1 write after DBP = 0 again does not stick");

    marker_set(1);
    info("requesting SYSRESETREQ");
    test_system_reset();
}

static void boot2(uint32_t csr)
{
    check(csr & RCC_CSR_SFTRSTF, "SFTRSTF set after SYSRESETREQ");
    check_eq(csr & RCC_CSR_PORRSTF, 0, "PORRSTF clear (no power-on since RMVF)");
    bkp_clocks_on();
    check_eq(BKP_DR(1), MAGIC1, "BKP_DR1 kept across the system reset");
    check_eq(BKP_DR(10), MAGIC10, "BKP_DR10 kept across the system reset");

    PWR_CR |= PWR_CR_DBP;
    BKP_DR(1) = 0;
    BKP_DR(10) = 0;
    PWR_CR &= ~PWR_CR_DBP;
    check_eq(BKP_DR(1) | BKP_DR(10), 0, "backup registers cleared for the next run");
    RCC_CSR |= RCC_CSR_RMVF;
    marker_clear();
    pass();
}

int main(void)
{
    run_two_boot_test(RCC_CSR_SFTRSTF, "SFTRSTF set but no marker: SRAM (.noinit) was lost across the system reset",
                      boot1, boot2);
}
