/* The "generic" Cortex-M3/M4 machines: memory map and interrupt lines. */
#ifndef GENERIC_H
#define GENERIC_H

#define GENERIC_FLASH_BASE 0x08000000u   /* 1 MiB, aliased at 0x00000000 */
#define GENERIC_FLASH_SIZE 0x00100000u
#define GENERIC_SRAM_BASE  0x20000000u   /* 128 KiB */
#define GENERIC_SRAM_SIZE  0x00020000u

/*
 * Tests use external IRQs 0..42 only (43 lines, like an STM32F103xB).
 * Some sit behind QEMU's STM32F2/F4 peripherals: none of those drives its
 * line at reset, so software pends behave as on an unconnected line.
 */
#define GENERIC_IRQ_COUNT 43
#define GENERIC_VECTOR_COUNT (16 + GENERIC_IRQ_COUNT)

#define GENERIC_IRQS(X)                                                          \
    X(0) X(1) X(2) X(3) X(4) X(5) X(6) X(7) X(8) X(9) X(10) X(11) X(12) X(13)    \
    X(14) X(15) X(16) X(17) X(18) X(19) X(20) X(21) X(22) X(23) X(24) X(25)      \
    X(26) X(27) X(28) X(29) X(30) X(31) X(32) X(33) X(34) X(35) X(36) X(37)      \
    X(38) X(39) X(40) X(41) X(42)

#endif /* GENERIC_H */
