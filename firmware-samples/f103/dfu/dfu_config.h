/*
 * Board-specific constants of the DfuSe bootloader. One build per board:
 * -DBOARD_BLUEPILL (STM32F103C8: 64 KiB flash, 1 KiB pages) or
 * -DBOARD_F103RC (STM32F103RC: 256 KiB flash, 2 KiB pages, -DSTM32F103_HD).
 *
 * The bootloader owns the first 32 KiB (read-only over DFU); the application
 * starts at 0x08008000. The DFU transfer size equals the page size, so every
 * DNLOAD block programs exactly one page.
 */
#ifndef DFU_CONFIG_H
#define DFU_CONFIG_H

#include "stm32f103.h"

#define APP_BASE      0x08008000u
#define BOOT_SIZE     (APP_BASE - FLASH_BASE)       /* 32 KiB */

#if defined(BOARD_BLUEPILL)
#define FLASH_SIZE        (64u * 1024u)
#define DFU_TRANSFER_SIZE 1024u
#define DFU_BOARD_NAME    "bluepill"
#define DFU_LAYOUT        "@Internal Flash  /0x08000000/32*001Ka,32*001Kg"
#elif defined(BOARD_F103RC)
#define FLASH_SIZE        (256u * 1024u)
#define DFU_TRANSFER_SIZE 2048u
#define DFU_BOARD_NAME    "f103rc"
#define DFU_LAYOUT        "@Internal Flash  /0x08000000/16*002Ka,112*002Kg"
#else
#error "define BOARD_BLUEPILL or BOARD_F103RC"
#endif

#define FLASH_END (FLASH_BASE + FLASH_SIZE)

_Static_assert(DFU_TRANSFER_SIZE == FLASH_PAGE_SIZE, "one DNLOAD block per flash page");
_Static_assert(BOOT_SIZE % FLASH_PAGE_SIZE == 0, "bootloader ends on a page boundary");

#endif /* DFU_CONFIG_H */
