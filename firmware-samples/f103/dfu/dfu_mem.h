/*
 * The memory behind the DFU interface: the chip's internal flash as the
 * layout string describes it (usbd-dfu's DFUMemIO split; STYLE.md §5).
 *
 *   0x08000000 .. APP_BASE     bootloader: readable only ("a")
 *   APP_BASE .. FLASH_END      application: readable, erasable, writable ("g")
 *
 * Each operation returns a DFU status (DFU_OK or an err* code) and uses
 * flash.c for the controller. Poll timeouts follow the F103 datasheet
 * timings (DS5319 §5.3.9: page erase 20-40 ms, half-word program 40-70 us,
 * 52.5 us typical).
 */
#ifndef DFU_MEM_H
#define DFU_MEM_H

#include <stdint.h>

#include "dfu_config.h"
#include "usb_dfu.h"

#define DFU_POLL_SET_ADDRESS_MS 1u
#define DFU_POLL_ERASE_MS       40u                      /* tERASE max, one page */
#define DFU_APP_PAGES           ((FLASH_END - APP_BASE) / FLASH_PAGE_SIZE)
#define DFU_POLL_MASS_ERASE_MS  (DFU_APP_PAGES * DFU_POLL_ERASE_MS)
#define DFU_PROGRAM_US_PER_HW   53u                      /* tPROG 52.5 us typical */
#define DFU_POLL_MANIFEST_MS    10u
#define DFU_POLL_BUSY_MS        5u                       /* asked again while still busy */

/* Program time for len bytes, rounded up to a millisecond (1024 half-words: 55 ms). */
static inline uint32_t dfu_mem_write_ms(uint32_t len)
{
    return ((len + 1u) / 2u * DFU_PROGRAM_US_PER_HW + 999u) / 1000u;
}

/* SET_ADDRESS: the pointer must lie in internal flash (errTARGET otherwise). */
enum dfu_status dfu_mem_check_pointer(uint32_t addr);
/* ERASE: the page holding addr; errTARGET outside the application area. */
enum dfu_status dfu_mem_erase(uint32_t addr);
/* Mass erase: every application page; the bootloader's 32 KiB stay. */
enum dfu_status dfu_mem_mass_erase(void);
/* Program and verify len bytes at addr (errTARGET outside the application area, errADDRESS if odd). */
enum dfu_status dfu_mem_write(uint32_t addr, const uint8_t *data, uint32_t len);
/* Up to `want` readable bytes at addr (fewer at the end of flash); errADDRESS if none. */
enum dfu_status dfu_mem_read(uint32_t addr, uint16_t want, const uint8_t **data, uint16_t *len);

#endif /* DFU_MEM_H */
