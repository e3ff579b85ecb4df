/*
 * flash_test (Blue Pill): the flash program/erase controller on the last
 * 1 KiB page, 0x0800FC00 (PM0075 §2.3-2.4, §3; RM0008 §3.3.3).
 *
 *  1. FLASH_CR resets to LOCK (0x80); while locked, writes to CR are ignored
 *     (PG stays 0).
 *  2. KEYR 0x45670123, 0xCDEF89AB clears LOCK.
 *  3. Page erase (PER, AR, STRT): EOP, no error, all 512 half-words 0xFFFF;
 *     the page below is untouched.
 *  4. Program all 512 half-words (PG + 16-bit stores): EOP each time, no
 *     error, read back equal.
 *  5. Programming a half-word that is not 0xFFFF is refused: PGERR, value
 *     unchanged; writing 0x0000 over a programmed value is allowed and
 *     succeeds without PGERR (PM0075 §2.3.3, "Main Flash memory programming").
 *  6. Erase again (page back to 0xFF), LOCK again.
 *
 * WRPRTERR needs write-protected pages, i.e. changed option bytes and a reset
 * to load them: that is the separate three-boot test flash_wrp_test, so this
 * one stays independent of option-byte support.
 *
 * Runs from HSI 8 MHz (latency 0). Exit 0 with "PASS flash_test".
 */
#include "flash.h"
#include "test_f103.h"

const char test_name[] = "flash_test";

#define FLASH_SIZE  (64u * 1024u)
#define TEST_PAGE   (FLASH_BASE + FLASH_SIZE - FLASH_PAGE_SIZE)   /* 0x0800FC00 */
#define HALFWORDS   (FLASH_PAGE_SIZE / 2u)

static uint16_t pattern(uint32_t i)
{
    return (uint16_t)(0xA5C3u ^ (i * 0x0101u));
}

static uint16_t read16(uint32_t addr)
{
    return *(const volatile uint16_t *)(uintptr_t)addr;
}

static int page_is_erased(uint32_t page)
{
    for (uint32_t i = 0; i < HALFWORDS; i++) {
        if (read16(page + 2u * i) != 0xFFFFu) {
            info_hex("not erased at", page + 2u * i);
            return 0;
        }
    }
    return 1;
}

int main(void)
{
    print("flash_test: FPEC unlock, page erase, half-word program, PGERR on page ");
    print_hex(TEST_PAGE);
    print("\n");
    info_hex("F_SIZE (KiB)", F_SIZE);

    /* 1. Locked after reset; CR writes ignored. */
    check_eq(FLASH_CR, FLASH_CR_LOCK, "FLASH_CR after reset (LOCK)");
    FLASH_CR |= FLASH_CR_PG;
    check_eq(FLASH_CR, FLASH_CR_LOCK, "FLASH_CR write ignored while locked (PG stays 0)");

    /* 2. Unlock. */
    check(flash_unlock(), "KEYR key sequence clears LOCK");
    check_eq(FLASH_CR & FLASH_CR_LOCK, 0, "FLASH_CR.LOCK after unlock");

    /* 3. Erase. */
    uint32_t below = TEST_PAGE - FLASH_PAGE_SIZE;
    uint16_t below_before = read16(below);
    uint32_t sr = flash_erase_page(TEST_PAGE);
    check_eq(sr, FLASH_SR_EOP, "page erase: SR = EOP, no PGERR/WRPRTERR");
    check_eq(FLASH_SR, 0, "FLASH_SR after clearing EOP (rc_w1)");
    check_eq(FLASH_CR, 0, "FLASH_CR after erase (PER cleared, STRT self-cleared)");
    check(page_is_erased(TEST_PAGE), "erased page reads 0xFFFF everywhere");
    check_eq(read16(below), below_before, "page below the erased one unchanged");

    /* 4. Program and verify. */
    for (uint32_t i = 0; i < HALFWORDS; i++) {
        sr = flash_program_halfword(TEST_PAGE + 2u * i, pattern(i));
        if (sr != FLASH_SR_EOP) {
            info_hex("half-word offset", 2u * i);
            fail_eq("program: SR should be EOP only", sr, FLASH_SR_EOP);
        }
    }
    check(1, "512 half-words programmed, each ending with EOP and no error");
    for (uint32_t i = 0; i < HALFWORDS; i++) {
        if (read16(TEST_PAGE + 2u * i) != pattern(i)) {
            info_hex("half-word offset", 2u * i);
            fail_eq("read back after programming", read16(TEST_PAGE + 2u * i), pattern(i));
        }
    }
    check(1, "all 512 half-words read back as programmed");

    /* 5. PGERR on a programmed half-word; 0x0000 is always allowed. */
    uint32_t a0 = TEST_PAGE, a1 = TEST_PAGE + 2u;
    sr = flash_program_halfword(a0, (uint16_t)(pattern(0) ^ 0x00FFu));
    check(sr & FLASH_SR_PGERR, "program over a non-erased half-word sets PGERR");
    check_eq(sr & FLASH_SR_WRPRTERR, 0, "... and not WRPRTERR");
    check_eq(read16(a0), pattern(0), "... and leaves the half-word unchanged");
    check_eq(FLASH_SR, 0, "PGERR cleared by writing 1");
    sr = flash_program_halfword(a1, 0x0000u);
    check_eq(sr & FLASH_ERRORS, 0, "program 0x0000 over a programmed half-word: no PGERR");
    check_eq(read16(a1), 0x0000u, "... and it reads 0x0000");
    check_eq(read16(a1 + 2u), pattern(2), "neighbouring half-word unchanged");

    /* 6. Restore the page and lock. */
    sr = flash_erase_page(TEST_PAGE);
    check_eq(sr, FLASH_SR_EOP, "second erase: SR = EOP");
    check(page_is_erased(TEST_PAGE), "page erased again");
    flash_lock();
    check_eq(FLASH_CR, FLASH_CR_LOCK, "FLASH_CR.LOCK set again");
    pass();
}
