/*
 * flash_wrp_test (Blue Pill): write protection through the option bytes,
 * WRPRTERR, over three boots (PM0075 §2.4 "Option byte programming" and
 * "Write protection", §3.7 FLASH_WRPR; RM0008 §3.3.3; facts-stm32f1 §4.6).
 *
 * Option bytes are loaded into FLASH_OBR/WRPR only at reset, so the test
 * changes them, resets (AIRCR.SYSRESETREQ), checks, restores them and resets
 * again. A marker in .noinit SRAM (kept by system resets) carries the stage.
 *
 *  boot 1 (power-on, no marker): WRPR = 0xFFFFFFFF. Erase page 63
 *     (0x0800FC00) and program 0xC0DE at its start. OPTKEYR unlock (OPTWRE),
 *     OPTER (all option bytes read 0xFFFF), OPTPG: RDP = 0xA5 (unprotected)
 *     and the saved USER/DATA/WRP bytes, except WRP1 bit 7 cleared: pages
 *     60-63 (0x0800F000-0x0800FFFF) write-protected (4 pages per WRP bit on
 *     medium density). Reset.
 *  boot 2: WRPR = 0xFFFF7FFF, OBR shows no RDPRT/OPTERR. Programming the
 *     erased half-word at 0x0800FC02 and erasing page 63 both end with
 *     WRPRTERR and change nothing; page 59 (unprotected) still erases and
 *     programs. Option bytes restored (RDP = 0xA5, saved bytes). Reset.
 *  boot 3: WRPR = 0xFFFFFFFF again; page 63 erased (clean). PASS.
 *
 * A harness sees three boots in one run (two SYSRESETREQ), ending with
 * "PASS flash_wrp_test" and exit 0. The device's option bytes end as they
 * started, except RDP, which is rewritten as 0xA5.
 */
#include "flash.h"
#include "test_f103.h"

const char test_name[] = "flash_wrp_test";

#define PAGE_59   (FLASH_BASE + 59u * FLASH_PAGE_SIZE)   /* 0x0800EC00, WRP bit 14 */
#define PAGE_63   (FLASH_BASE + 63u * FLASH_PAGE_SIZE)   /* 0x0800FC00, WRP bit 15 */
#define WRP1_BIT7 0x80u                                  /* WRPR bit 15: pages 60-63 */
#define MARK      0xC0DEu

/* Option bytes survive in .noinit between boots 1 and 2: boot 2 restores them. */
__attribute__((section(".noinit"))) static volatile uint8_t saved_ob[8];

static uint16_t read16(uint32_t addr)
{
    return *(const volatile uint16_t *)(uintptr_t)addr;
}

static void ob_unlock(void)
{
    check(flash_unlock(), "FPEC unlocked (KEYR)");
    FLASH_OPTKEYR = FLASH_KEY1;
    FLASH_OPTKEYR = FLASH_KEY2;
    check(FLASH_CR & FLASH_CR_OPTWRE, "OPTKEYR key sequence sets OPTWRE");
}

static void ob_wait(const char *what)
{
    (void)FLASH_SR;
    while (FLASH_SR & FLASH_SR_BSY) {
    }
    uint32_t sr = FLASH_SR;
    FLASH_SR = sr & (FLASH_SR_EOP | FLASH_ERRORS);
    if (sr & FLASH_ERRORS) {
        fail_eq(what, sr, FLASH_SR_EOP);
    }
}

/* OPTER + STRT: the whole option byte block becomes 0xFF, RDP included. */
static void ob_erase(void)
{
    FLASH_CR |= FLASH_CR_OPTER;
    FLASH_CR |= FLASH_CR_STRT;
    ob_wait("option byte erase");
    FLASH_CR &= ~FLASH_CR_OPTER;
    for (unsigned i = 0; i < 8u; i++) {
        if (read16(OB_BASE + 2u * i) != 0xFFFFu) {
            fail_eq("option byte half-word after OPTER", read16(OB_BASE + 2u * i), 0xFFFF);
        }
    }
    check(1, "OPTER: all 8 option byte half-words read 0xFFFF");
}

/* OPTPG + a 16-bit store of the byte; the hardware writes the complement into the high byte. */
static void ob_program(unsigned index, uint8_t value)
{
    if (value == 0xFFu) {
        return;                         /* erased value already */
    }
    FLASH_CR |= FLASH_CR_OPTPG;
    *(volatile uint16_t *)(uintptr_t)(OB_BASE + 2u * index) = value;
    ob_wait("option byte program");
    FLASH_CR &= ~FLASH_CR_OPTPG;
    if ((read16(OB_BASE + 2u * index) & 0xFFu) != value) {
        fail_eq("option byte read back (low byte)", read16(OB_BASE + 2u * index) & 0xFFu, value);
    }
}

/* Rewrite all option bytes: RDP = 0xA5 (level 0), the others from saved_ob with wrp1_clear removed. */
static void ob_write(uint8_t wrp1_clear)
{
    ob_unlock();
    ob_erase();
    ob_program(0, (uint8_t)OB_RDP_KEY);
    for (unsigned i = 1; i < 8u; i++) {
        uint8_t v = saved_ob[i];
        if (i == 5u) {                  /* WRP1 */
            v &= (uint8_t)~wrp1_clear;
        }
        ob_program(i, v);
    }
    check(1, "option bytes programmed (RDP 0xA5, USER/DATA/WRP)");
    info_hex("WRP1 half-word (byte | complement << 8)", read16(OB_BASE + 10u));
    FLASH_CR &= ~FLASH_CR_OPTWRE;
    flash_lock();
}

static void boot1(void)
{
    check_eq(FLASH_WRPR, 0xFFFFFFFFu, "FLASH_WRPR: no page write-protected at the start");
    check_eq(FLASH_OBR & (FLASH_OBR_RDPRT | FLASH_OBR_OPTERR), 0, "FLASH_OBR: RDPRT and OPTERR clear");
    for (unsigned i = 0; i < 8u; i++) {
        saved_ob[i] = (uint8_t)read16(OB_BASE + 2u * i);
    }
    print("  info option bytes (low bytes) RDP USER DATA0 DATA1 WRP0-3:");
    for (unsigned i = 0; i < 8u; i++) {
        print(" ");
        print_hex(saved_ob[i]);
    }
    print("\n");

    check(flash_unlock(), "FPEC unlocked");
    check_eq(flash_erase_page(PAGE_63), FLASH_SR_EOP, "page 63 erased");
    check_eq(flash_program_halfword(PAGE_63, MARK), FLASH_SR_EOP, "0xC0DE programmed at 0x0800FC00");
    flash_lock();

    ob_write(WRP1_BIT7);
    marker_set(1);
    print("  info option bytes changed, resetting to load them\n");
    test_system_reset();
}

static void boot2(void)
{
    check_eq(FLASH_WRPR, 0xFFFF7FFFu, "FLASH_WRPR after reset: bit 15 (pages 60-63) protected");
    check_eq(FLASH_OBR & (FLASH_OBR_RDPRT | FLASH_OBR_OPTERR), 0, "FLASH_OBR: RDPRT and OPTERR clear");
    check(flash_unlock(), "FPEC unlocked");

    uint32_t sr = flash_program_halfword(PAGE_63 + 2u, 0x1234u);
    check(sr & FLASH_SR_WRPRTERR, "program in a protected page sets WRPRTERR");
    check_eq(read16(PAGE_63 + 2u), 0xFFFFu, "... and the erased half-word stays 0xFFFF");
    sr = flash_erase_page(PAGE_63);
    check(sr & FLASH_SR_WRPRTERR, "erase of a protected page sets WRPRTERR");
    check_eq(read16(PAGE_63), MARK, "... and the page keeps its contents");
    check_eq(FLASH_SR, 0, "WRPRTERR cleared by writing 1");

    check_eq(flash_erase_page(PAGE_59), FLASH_SR_EOP, "page 59 (unprotected) erases");
    check_eq(flash_program_halfword(PAGE_59, MARK), FLASH_SR_EOP, "page 59 programs");
    check_eq(read16(PAGE_59), MARK, "page 59 reads back");
    check_eq(flash_erase_page(PAGE_59), FLASH_SR_EOP, "page 59 erased again");
    flash_lock();

    ob_write(0);
    marker_set(2);
    print("  info option bytes restored, resetting to load them\n");
    test_system_reset();
}

static void boot3(void)
{
    check_eq(FLASH_WRPR, 0xFFFFFFFFu, "FLASH_WRPR after restoring: nothing protected");
    check(flash_unlock(), "FPEC unlocked");
    check_eq(flash_erase_page(PAGE_63), FLASH_SR_EOP, "page 63 erases again");
    check_eq(read16(PAGE_63), 0xFFFFu, "page 63 erased");
    flash_lock();
    marker_clear();
    pass();
}

int main(void)
{
    uint32_t stage = marker_stage();
    uint32_t csr = RCC_CSR;
    print("flash_wrp_test: boot ");
    print_udec(stage + 1u);
    print(" of 3\n");
    print_reset_flags(csr);
    RCC_CSR |= RCC_CSR_RMVF;

    switch (stage) {
    case 0:
        if (csr & RCC_CSR_SFTRSTF) {
            fail("SFTRSTF set but no marker: SRAM (.noinit) was lost across the system reset");
        }
        boot1();
        break;
    case 1:
        check(csr & RCC_CSR_SFTRSTF, "SFTRSTF: boot 2 follows the SYSRESETREQ");
        boot2();
        break;
    case 2:
        check(csr & RCC_CSR_SFTRSTF, "SFTRSTF: boot 3 follows the SYSRESETREQ");
        boot3();
        break;
    default:
        break;
    }
    marker_clear();
    fail("unexpected stage in the boot marker");
}
