/*
 * Host build of the bootloader's USB and DFU code (tools/usbsim): forced in
 * first with -include, this header takes the place of common/cortexm.h and
 * f103/dfu/usb_fs_regs.h (it defines their include guards) so that
 *  - REG32/REG16/REG8 reach a simulated address space (usbsim.c), in which
 *    plain registers (RCC, CNTR, DADDR, BTABLE, UID, NVIC ...) are memory;
 *  - EPnR, ISTR and the packet memory go through the simulated USB
 *    peripheral, which implements their write semantics;
 *  - the core intrinsics are no-ops (there are no real interrupts: the
 *    simulator calls the USB interrupt handler after each transaction).
 */
#ifndef USBSIM_HW_H
#define USBSIM_HW_H

#include <stdint.h>

/* ---- in place of common/cortexm.h ---- */
#define CORTEXM_H

void *sim_mem(uint32_t addr, unsigned size);

#define REG32(addr) (*(volatile uint32_t *)sim_mem((uint32_t)(addr), 4))
#define REG16(addr) (*(volatile uint16_t *)sim_mem((uint32_t)(addr), 2))
#define REG8(addr)  (*(volatile uint8_t *)sim_mem((uint32_t)(addr), 1))

#define NVIC_ISER(n) REG32(0xE000E100u + 4u * (n))
#define NVIC_ICER(n) REG32(0xE000E180u + 4u * (n))
#define NVIC_ICPR(n) REG32(0xE000E280u + 4u * (n))
#define SCB_VTOR     REG32(0xE000ED08u)
#define SCB_AIRCR    REG32(0xE000ED0Cu)

static inline void nvic_enable(unsigned irq)  { NVIC_ISER(irq >> 5) |= 1u << (irq & 31u); }
static inline void nvic_disable(unsigned irq) { NVIC_ISER(irq >> 5) &= ~(1u << (irq & 31u)); }
static inline void nvic_unpend(unsigned irq)  { (void)irq; }
static inline void irq_disable(void) {}
static inline void irq_enable(void) {}
static inline void wfi(void) {}
static inline void dsb(void) {}
static inline void isb(void) {}

/* ---- in place of f103/dfu/usb_fs_regs.h ---- */
#define USB_FS_REGS_H

uint16_t epr_read(unsigned ep);
void epr_write(unsigned ep, uint16_t value);
uint16_t istr_read(void);
void istr_write(uint16_t value);
uint16_t pma_read16(uint16_t offset);
void pma_write16(uint16_t offset, uint16_t value);

#endif /* USBSIM_HW_H */
