/*
 * STM32F1 flash program/erase controller (FPEC) driver: unlock, page erase,
 * half-word programming (PM0075 §2.3-2.4; RM0008 §3.3.3; facts-stm32f1 §4).
 *
 * Every operation waits for BSY to clear and returns the FLASH_SR status bits
 * it ended with (EOP, PGERR, WRPRTERR), then clears them; nonzero
 * `result & FLASH_ERRORS` means the controller refused the operation.
 */
#ifndef FLASH_H
#define FLASH_H

#include <stdint.h>

#include "stm32f103.h"

#define FLASH_ERRORS (FLASH_SR_PGERR | FLASH_SR_WRPRTERR)

/* KEYR sequence if locked (also makes sure HSI runs: the FPEC needs it). Returns 1 if unlocked. */
int flash_unlock(void);
void flash_lock(void);

/* Erase the page containing addr (PER, AR, STRT). */
uint32_t flash_erase_page(uint32_t addr);

/* Program one half-word at an even address (PG + a 16-bit store). */
uint32_t flash_program_halfword(uint32_t addr, uint16_t value);

/*
 * Program len bytes at an even address, little-endian half-words; an odd
 * last byte is padded with 0xFF. Stops at the first refused half-word.
 */
uint32_t flash_program(uint32_t addr, const uint8_t *data, uint32_t len);

/* The bytes at a flash address, for reading back (plain memory reads). */
const uint8_t *flash_data(uint32_t addr);

#endif /* FLASH_H */
