package dev.stm32emu.periph.iotest;

import java.io.ByteArrayOutputStream;

/**
 * A tiny Thumb-2 assembler for integration tests: just the instructions needed to poke
 * registers through the bus and the bit-band alias (ARMv7-M ARM A7.7 encodings).
 */
public final class Thumb {
    private final ByteArrayOutputStream code = new ByteArrayOutputStream();
    private final long base;

    /** @param base the address the code will run at */
    public Thumb(long base) {
        this.base = base;
    }

    /** The address of the next instruction. */
    public long here() {
        return base + code.size();
    }

    /** MOVW + MOVT: rd = value. */
    public Thumb load(int rd, int value) {
        wide(0xF240, rd, value & 0xFFFF);
        wide(0xF2C0, rd, value >>> 16);
        return this;
    }

    /** MOVS rd, #imm8. */
    public Thumb movs(int rd, int imm8) {
        return half(0x2000 | (rd << 8) | (imm8 & 0xFF));
    }

    /** ADDS rd, #imm8. */
    public Thumb adds(int rd, int imm8) {
        return half(0x3000 | (rd << 8) | (imm8 & 0xFF));
    }

    /** CMP rn, #imm8. */
    public Thumb cmp(int rn, int imm8) {
        return half(0x2800 | (rn << 8) | (imm8 & 0xFF));
    }

    /** STR rt, [rn]. */
    public Thumb str(int rt, int rn) {
        return half(0x6000 | (rn << 3) | rt);
    }

    /** LDR rt, [rn]. */
    public Thumb ldr(int rt, int rn) {
        return half(0x6800 | (rn << 3) | rt);
    }

    /** *address = value, using r0 and r1. */
    public Thumb poke(int address, int value) {
        return load(0, address).load(1, value).str(1, 0);
    }

    /** BNE to an earlier or later address. */
    public Thumb bne(long target) {
        long offset = (target - (here() + 4)) / 2;
        if (offset < -128 || offset > 127) {
            throw new IllegalArgumentException("branch out of range");
        }
        return half(0xD100 | (int) (offset & 0xFF));
    }

    /** B . (the idle loop test harnesses recognise). */
    public Thumb idle() {
        return half(0xE7FE);
    }

    /** CPSIE i. */
    public Thumb enableInterrupts() {
        return half(0xB662);
    }

    /** BX lr. */
    public Thumb ret() {
        return half(0x4770);
    }

    public byte[] bytes() {
        return code.toByteArray();
    }

    private void wide(int opcode, int rd, int imm16) {
        int imm4 = (imm16 >>> 12) & 0xF;
        int i = (imm16 >>> 11) & 1;
        int imm3 = (imm16 >>> 8) & 7;
        int imm8 = imm16 & 0xFF;
        half(opcode | (i << 10) | imm4);
        half((imm3 << 12) | (rd << 8) | imm8);
    }

    private Thumb half(int h) {
        code.write(h & 0xFF);
        code.write((h >>> 8) & 0xFF);
        return this;
    }

    /** The bit-band alias word of {@code bit} of the peripheral register at {@code address}. */
    public static int bitBand(int address, int bit) {
        return 0x4200_0000 + (address - 0x4000_0000) * 32 + bit * 4;
    }
}
