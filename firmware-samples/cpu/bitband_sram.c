/*
 * bitband_sram: the SRAM bit-band alias (Cortex-M3/M4 Technical Reference
 * Manuals, "Bit-banding"; facts-stm32f1 §1.2): the word at
 *   0x22000000 + (addr - 0x20000000) * 32 + bit * 4
 * maps bit `bit` of the SRAM word at `addr`. A write sets the bit to
 * bit 0 of the written value (atomically, other bits unchanged); a read
 * returns 0 or 1. Byte and halfword accesses to the alias behave the same.
 */
#include "cortexm.h"
#include "test.h"

const char test_name[] = "bitband_sram";

#define SRAM_BASE     0x20000000u
#define BITBAND_BASE  0x22000000u
#define ALIAS(addr, bit) (BITBAND_BASE + ((uint32_t)(addr) - SRAM_BASE) * 32u + (bit) * 4u)

static volatile uint32_t words[3];

int main(void)
{
    print("bitband_sram: SRAM bit-band alias at 0x22000000\n");
    uint32_t target = (uint32_t)(uintptr_t)&words[1];
    info_hex("target word at", target);

    words[0] = 0x11111111u;
    words[1] = 0xA5A5A5A5u;
    words[2] = 0x22222222u;

    /* Reads: each alias word returns the bit. */
    uint32_t rebuilt = 0;
    for (uint32_t bit = 0; bit < 32; bit++) {
        uint32_t v = REG32(ALIAS(target, bit));
        if (v > 1) {
            fail_eq("alias read is not 0 or 1", v, 1);
        }
        rebuilt |= v << bit;
    }
    check_eq(rebuilt, 0xA5A5A5A5u, "32 alias reads rebuild the word");

    /* Writes: set and clear single bits. */
    REG32(ALIAS(target, 1)) = 1;
    check_eq(words[1], 0xA5A5A5A7u, "set bit 1 through the alias");
    REG32(ALIAS(target, 0)) = 0;
    check_eq(words[1], 0xA5A5A5A6u, "clear bit 0 through the alias");
    REG32(ALIAS(target, 31)) = 0xFFFFFFFEu;      /* bit 0 of the value is 0 */
    check_eq(words[1], 0x25A5A5A6u, "writing 0xFFFFFFFE clears bit 31 (only bit 0 counts)");
    REG32(ALIAS(target, 30)) = 3;
    check_eq(words[1], 0x65A5A5A6u, "writing 3 sets bit 30");
    check_eq(REG32(ALIAS(target, 30)), 1, "alias read of bit 30");
    check_eq(REG32(ALIAS(target, 31)), 0, "alias read of bit 31");

    /* Byte and halfword alias accesses. */
    REG8(ALIAS(target, 9)) = 1;
    check_eq(words[1], 0x65A5A7A6u, "byte write to the alias sets bit 9");
    REG16(ALIAS(target, 2)) = 0;
    check_eq(words[1], 0x65A5A7A2u, "halfword write to the alias clears bit 2");
    check_eq(REG8(ALIAS(target, 9)), 1, "byte read of the alias (bit 9)");
    check_eq(REG16(ALIAS(target, 3)), 0, "halfword read of the alias (bit 3)");

    check_eq(words[0], 0x11111111u, "word below unchanged");
    check_eq(words[2], 0x22222222u, "word above unchanged");

    /* A word high in SRAM (below the stack): alias near 0x223E0000. */
    uint32_t high = SRAM_BASE + 0x1F000u;
    REG32(high) = 0;
    REG32(ALIAS(high, 7)) = 1;
    check_eq(REG32(high), 0x80u, "bit-band at SRAM + 0x1F000");
    pass();
}
