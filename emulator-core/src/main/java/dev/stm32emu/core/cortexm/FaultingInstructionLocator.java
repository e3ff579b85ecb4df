package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.bus.BusErrorException;
import dev.stm32emu.core.bus.GuestMemory;
import dev.stm32emu.core.cpu.CpuBackend;
import dev.stm32emu.core.cpu.CpuRegister;

/**
 * Finds the instruction that made a faulting data access.
 *
 * <p>When a load or store faults, the CPU engine only knows the start of the translation
 * block, not the instruction (unicorn 2.0.1 syncs the PC per block; facts-unicorn.md
 * §2.5). The instructions before the faulting one have executed and the faulting one has
 * not completed, so the register file is the one the faulting instruction saw. This
 * decodes the block's Thumb instructions, computes each load/store's address range from
 * the current registers, and picks the first one that covers the faulting address (ARMv7-M
 * ARM A5.2/A5.3 encodings). A block where no instruction matches, or where several do,
 * is reported as imprecise by the caller.
 */
public final class FaultingInstructionLocator {
    /** What was found: the instruction's address and whether it was the only candidate. */
    public record Location(int address, boolean unique) {
    }

    private final GuestMemory memory;
    private final CpuBackend cpu;
    private final int[] regs = new int[16];

    public FaultingInstructionLocator(GuestMemory memory, CpuBackend cpu) {
        this.memory = memory;
        this.cpu = cpu;
    }

    /**
     * @param blockStart  the translation block's first instruction
     * @param blockSize   its size in bytes
     * @param address     the faulting data address
     * @param write       whether the access was a store
     * @return the location, or null if no instruction in the block matches
     */
    public Location locate(long blockStart, int blockSize, long address, boolean write) {
        CpuRegister[] order = CpuRegister.coreRegisters();
        for (int i = 0; i < 15; i++) {
            regs[i] = cpu.read(order[i]);
        }
        long pc = blockStart;
        long end = blockStart + Math.max(2, blockSize);
        int found = -1;
        int matches = 0;
        try {
            while (pc < end) {
                int hw1 = memory.read(pc, 2);
                boolean wide = (hw1 >>> 11) >= 0b11101;
                int hw2 = wide ? memory.read(pc + 2, 2) : 0;
                regs[15] = (int) (pc + 4);
                long[] range = wide ? decode32(hw1, hw2) : decode16(hw1);
                if (range != null && (range[2] == 1) == write && address >= range[0] && address < range[1]) {
                    if (found < 0) {
                        found = (int) pc;
                    }
                    matches++;
                }
                pc += wide ? 4 : 2;
            }
        } catch (BusErrorException e) {
            // ran off the end of code memory: use what was found
        }
        return found < 0 ? null : new Location(found, matches == 1);
    }

    /** {lo, hi, isStore} of a 16-bit load/store, or null. */
    private long[] decode16(int hw) {
        int rt3 = hw & 7;
        int rn3 = (hw >>> 3) & 7;
        if ((hw & 0xF800) == 0x4800) { // LDR (literal)
            return load(align4(regs[15]) + (hw & 0xFF) * 4L, 4);
        }
        if ((hw & 0xF000) == 0x5000) { // load/store register offset
            int op = (hw >>> 9) & 7;
            int rm = (hw >>> 6) & 7;
            long a = u(regs[rn3]) + u(regs[rm]);
            int size = switch (op) {
                case 0, 4 -> 4;
                case 1, 5, 7 -> 2;
                default -> 1;
            };
            return op < 3 ? store(a, size) : load(a, size);
        }
        if ((hw & 0xE000) == 0x6000) { // STR/LDR(B) immediate
            boolean byteSize = (hw & 0x1000) != 0;
            int imm5 = (hw >>> 6) & 0x1F;
            long a = u(regs[rn3]) + (byteSize ? imm5 : imm5 * 4L);
            return access((hw & 0x800) != 0, a, byteSize ? 1 : 4);
        }
        if ((hw & 0xF000) == 0x8000) { // STRH/LDRH immediate
            long a = u(regs[rn3]) + ((hw >>> 6) & 0x1F) * 2L;
            return access((hw & 0x800) != 0, a, 2);
        }
        if ((hw & 0xF000) == 0x9000) { // SP-relative
            return access((hw & 0x800) != 0, u(regs[13]) + (hw & 0xFF) * 4L, 4);
        }
        if ((hw & 0xFE00) == 0xB400) { // PUSH
            int n = Integer.bitCount(hw & 0xFF) + ((hw >>> 8) & 1);
            return new long[]{u(regs[13]) - 4L * n, u(regs[13]), 1};
        }
        if ((hw & 0xFE00) == 0xBC00) { // POP
            int n = Integer.bitCount(hw & 0xFF) + ((hw >>> 8) & 1);
            return new long[]{u(regs[13]), u(regs[13]) + 4L * n, 0};
        }
        if ((hw & 0xF000) == 0xC000) { // STM/LDM
            int rn = (hw >>> 8) & 7;
            int n = Integer.bitCount(hw & 0xFF);
            return new long[]{u(regs[rn]), u(regs[rn]) + 4L * n, (hw & 0x800) != 0 ? 0 : 1};
        }
        return null;
    }

    /** {lo, hi, isStore} of a 32-bit load/store, or null. */
    private long[] decode32(int hw1, int hw2) {
        int rn = hw1 & 0xF;
        long base = rn == 15 ? align4(regs[15]) : u(regs[rn]);
        boolean load = (hw1 & 0x10) != 0;
        if ((hw1 & 0xFE00) == 0xF800) { // load/store single
            int size = 1 << ((hw1 >>> 5) & 3);
            if (size > 4 || (load && (hw2 >>> 12) == 15 && size != 4)) {
                return null; // PLD/PLI hints do not fault
            }
            long a;
            if (rn == 15) {
                a = (hw1 & 0x80) != 0 ? base + (hw2 & 0xFFF) : base - (hw2 & 0xFFF);
            } else if ((hw1 & 0x80) != 0) {
                a = base + (hw2 & 0xFFF);
            } else if ((hw2 & 0x800) != 0) {
                int imm8 = hw2 & 0xFF;
                long offset = (hw2 & 0x200) != 0 ? base + imm8 : base - imm8;
                a = (hw2 & 0x400) != 0 ? offset : base;
            } else if ((hw2 & 0xFC0) == 0) {
                a = base + (u(regs[hw2 & 0xF]) << ((hw2 >>> 4) & 3));
            } else {
                return null;
            }
            return access(load, a, size);
        }
        if ((hw1 & 0xFE40) == 0xE800) { // LDM/STM
            int n = Integer.bitCount(hw2 & 0xFFFF);
            int op = (hw1 >>> 7) & 3;
            if (op == 1) {
                return new long[]{base, base + 4L * n, load ? 0 : 1};
            }
            if (op == 2) {
                return new long[]{base - 4L * n, base, load ? 0 : 1};
            }
            return null;
        }
        if ((hw1 & 0xFE40) == 0xE840) { // dual, exclusive, table branch
            int op1 = (hw1 >>> 7) & 3;
            int op2 = (hw1 >>> 4) & 3;
            if (op1 == 0 && op2 < 2) { // STREX / LDREX
                return access(op2 == 1, base + (hw2 & 0xFF) * 4L, 4);
            }
            if (op1 == 1 && op2 < 2) {
                int op3 = (hw2 >>> 4) & 0xF;
                if (op2 == 1 && op3 <= 1) { // TBB / TBH
                    long idx = u(regs[hw2 & 0xF]);
                    return op3 == 0 ? load(base + idx, 1) : load(base + 2 * idx, 2);
                }
                if (op3 == 4 || op3 == 5) { // LDREXB/H, STREXB/H
                    return access(op2 == 1, base, op3 == 4 ? 1 : 2);
                }
                return null;
            }
            boolean p = (hw1 & 0x100) != 0;
            boolean up = (hw1 & 0x80) != 0;
            long offset = (hw2 & 0xFF) * 4L;
            long a = p ? (up ? base + offset : base - offset) : base;
            return access(load, a, 8); // LDRD / STRD
        }
        if ((hw1 & 0xEE00) == 0xEC00 && ((hw2 >>> 9) & 7) == 5) { // VLDR/VSTR/VLDM/VSTM (CP10/11)
            boolean p = (hw1 & 0x100) != 0;
            boolean up = (hw1 & 0x80) != 0;
            boolean w = (hw1 & 0x20) != 0;
            long imm = (hw2 & 0xFF) * 4L;
            if (p && !w) { // VLDR/VSTR
                int size = (hw2 & 0x100) != 0 ? 8 : 4;
                return access(load, up ? base + imm : base - imm, size);
            }
            if (!p && up) {
                return new long[]{base, base + imm, load ? 0 : 1};
            }
            if (p && !up && w) {
                return new long[]{base - imm, base, load ? 0 : 1};
            }
        }
        return null;
    }

    private static long[] access(boolean load, long a, int size) {
        return load ? load(a, size) : store(a, size);
    }

    private static long[] load(long a, int size) {
        return new long[]{a & 0xFFFF_FFFFL, (a & 0xFFFF_FFFFL) + size, 0};
    }

    private static long[] store(long a, int size) {
        return new long[]{a & 0xFFFF_FFFFL, (a & 0xFFFF_FFFFL) + size, 1};
    }

    private static long u(int v) {
        return v & 0xFFFF_FFFFL;
    }

    private static long align4(int pcPlus4) {
        return u(pcPlus4) & ~3L;
    }
}
