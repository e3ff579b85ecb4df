/*
 * The STM32F1 USB peripheral's registers with unusual write semantics, and
 * the packet memory, behind small accessors (RM0008 §23.4.2, §23.5;
 * facts-usb §4.2-4.3). usb_fs.c touches EPnR, ISTR and the PMA only through
 * these; tools/usbsim replaces this header (same include guard, forced in
 * first) with a simulated peripheral to run the USB and DFU code on the host.
 *
 * EPnR: CTR_RX/CTR_TX are rc_w0 (write 0 clears, 1 keeps), DTOG_x and
 * STAT_x toggle on a written 1, SETUP is read-only, EP_TYPE/EP_KIND/EA are
 * plain. ISTR: bits 14:8 rc_w0, the rest read-only.
 * PMA: 512 bytes as 256 half-words; USB byte offset b (even) is the low
 * half of the 32-bit word at 0x40006000 + 2 * b.
 */
#ifndef USB_FS_REGS_H
#define USB_FS_REGS_H

#include <stdint.h>

#include "stm32f103.h"

static inline uint16_t epr_read(unsigned ep)
{
    return (uint16_t)USB_EPR(ep);
}

static inline void epr_write(unsigned ep, uint16_t value)
{
    USB_EPR(ep) = value;
}

static inline uint16_t istr_read(void)
{
    return (uint16_t)USB_ISTR;
}

static inline void istr_write(uint16_t value)
{
    USB_ISTR = value;
}

static inline uint16_t pma_read16(uint16_t offset)
{
    return *(volatile uint16_t *)(uintptr_t)(USB_PMA_BASE + 2u * offset);
}

static inline void pma_write16(uint16_t offset, uint16_t value)
{
    *(volatile uint16_t *)(uintptr_t)(USB_PMA_BASE + 2u * offset) = value;
}

#endif /* USB_FS_REGS_H */
