/* Internal flash behind the DfuSe interface (see dfu_mem.h). */
#include "dfu_mem.h"

#include "flash.h"

static int in_app_area(uint32_t addr, uint32_t len)
{
    return addr >= APP_BASE && addr < FLASH_END && len <= FLASH_END - addr;
}

static int page_erased(uint32_t page)
{
    const uint8_t *p = flash_data(page);
    for (uint32_t i = 0; i < FLASH_PAGE_SIZE; i++) {
        if (p[i] != 0xFFu) {
            return 0;
        }
    }
    return 1;
}

static enum dfu_status erase_one(uint32_t page)
{
    uint32_t sr = flash_erase_page(page);
    if (sr & FLASH_ERRORS) {
        return errERASE;
    }
    return page_erased(page) ? DFU_OK : errCHECK_ERASED;
}

enum dfu_status dfu_mem_check_pointer(uint32_t addr)
{
    return addr >= FLASH_BASE && addr < FLASH_END ? DFU_OK : errTARGET;
}

enum dfu_status dfu_mem_erase(uint32_t addr)
{
    if (!in_app_area(addr, 1)) {
        return errTARGET;
    }
    if (!flash_unlock()) {
        return errERASE;
    }
    enum dfu_status st = erase_one(addr & ~(FLASH_PAGE_SIZE - 1u));
    flash_lock();
    return st;
}

enum dfu_status dfu_mem_mass_erase(void)
{
    if (!flash_unlock()) {
        return errERASE;
    }
    enum dfu_status st = DFU_OK;
    for (uint32_t page = APP_BASE; page < FLASH_END && st == DFU_OK; page += FLASH_PAGE_SIZE) {
        st = erase_one(page);
    }
    flash_lock();
    return st;
}

enum dfu_status dfu_mem_write(uint32_t addr, const uint8_t *data, uint32_t len)
{
    if (!in_app_area(addr, len)) {
        return errTARGET;
    }
    if (addr & 1u) {
        return errADDRESS;              /* the FPEC programs half-words only */
    }
    if (!flash_unlock()) {
        return errWRITE;
    }
    uint32_t sr = flash_program(addr, data, len);
    flash_lock();
    if (sr & FLASH_ERRORS) {
        return errWRITE;                /* PGERR (not erased) or WRPRTERR */
    }
    const uint8_t *p = flash_data(addr);
    for (uint32_t i = 0; i < len; i++) {
        if (p[i] != data[i]) {
            return errVERIFY;
        }
    }
    return DFU_OK;
}

enum dfu_status dfu_mem_read(uint32_t addr, uint16_t want, const uint8_t **data, uint16_t *len)
{
    if (addr < FLASH_BASE || addr >= FLASH_END) {
        return errADDRESS;
    }
    uint32_t left = FLASH_END - addr;
    *data = flash_data(addr);
    *len = left < want ? (uint16_t)left : want;
    return DFU_OK;
}
