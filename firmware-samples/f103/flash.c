/*
 * FPEC driver (PM0075 §2.3 "Flash memory program/erase", §3 register
 * descriptions). Runs from flash: on the F103 the CPU simply stalls on
 * instruction fetches while BSY is set, so no RAM function is needed.
 */
#include "flash.h"

#define SR_FLAGS (FLASH_SR_EOP | FLASH_SR_PGERR | FLASH_SR_WRPRTERR)

/* Wait for BSY = 0; return the status flags and clear them (rc_w1). */
static uint32_t finish(void)
{
    (void)FLASH_SR;     /* one dummy read: BSY may lag the STRT/PG store by a cycle */
    while (FLASH_SR & FLASH_SR_BSY) {
    }
    uint32_t sr = FLASH_SR & SR_FLAGS;
    FLASH_SR = sr;
    return sr;
}

int flash_unlock(void)
{
    /* Program and erase are timed from HSI (PM0075 §2.3): keep it on. */
    if (!(RCC_CR & RCC_CR_HSIRDY)) {
        RCC_CR |= RCC_CR_HSION;
        for (uint32_t i = 0; i < 100000u && !(RCC_CR & RCC_CR_HSIRDY); i++) {
        }
    }
    if (FLASH_CR & FLASH_CR_LOCK) {
        FLASH_KEYR = FLASH_KEY1;
        FLASH_KEYR = FLASH_KEY2;
    }
    return !(FLASH_CR & FLASH_CR_LOCK);
}

void flash_lock(void)
{
    FLASH_CR |= FLASH_CR_LOCK;
}

uint32_t flash_erase_page(uint32_t addr)
{
    (void)finish();                 /* idle, stale flags cleared */
    FLASH_CR |= FLASH_CR_PER;
    FLASH_AR = addr;
    FLASH_CR |= FLASH_CR_STRT;
    uint32_t sr = finish();
    FLASH_CR &= ~FLASH_CR_PER;
    return sr;
}

uint32_t flash_program_halfword(uint32_t addr, uint16_t value)
{
    (void)finish();
    FLASH_CR |= FLASH_CR_PG;
    *(volatile uint16_t *)(uintptr_t)addr = value;
    uint32_t sr = finish();
    FLASH_CR &= ~FLASH_CR_PG;
    return sr;
}

uint32_t flash_program(uint32_t addr, const uint8_t *data, uint32_t len)
{
    uint32_t sr = 0;
    for (uint32_t i = 0; i < len; i += 2u) {
        uint16_t hw = data[i];
        hw |= (uint16_t)(i + 1u < len ? data[i + 1u] : 0xFFu) << 8;
        sr |= flash_program_halfword(addr + i, hw);
        if (sr & FLASH_ERRORS) {
            break;
        }
    }
    return sr;
}

const uint8_t *flash_data(uint32_t addr)
{
    return (const uint8_t *)(uintptr_t)addr;
}
