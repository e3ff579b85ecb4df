package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.cpu.CpuModel;

import java.util.function.IntSupplier;

/**
 * System Control Block registers at 0xE000ED00 and the FPU registers at 0xE000EF34
 * (ARMv7-M ARM B3.2.2; facts-cortexm.md §1.1-§1.8, §3.1). Offsets here are from the
 * start of the SCS (0xE000E000).
 */
public final class SystemControlBlock {
    // CFSR bits (facts-cortexm.md §5.1)
    public static final int CFSR_IACCVIOL = 1;
    public static final int CFSR_DACCVIOL = 1 << 1;
    public static final int CFSR_MUNSTKERR = 1 << 3;
    public static final int CFSR_MSTKERR = 1 << 4;
    public static final int CFSR_MMARVALID = 1 << 7;
    public static final int CFSR_IBUSERR = 1 << 8;
    public static final int CFSR_PRECISERR = 1 << 9;
    public static final int CFSR_IMPRECISERR = 1 << 10;
    public static final int CFSR_UNSTKERR = 1 << 11;
    public static final int CFSR_STKERR = 1 << 12;
    public static final int CFSR_BFARVALID = 1 << 15;
    public static final int CFSR_UNDEFINSTR = 1 << 16;
    public static final int CFSR_INVSTATE = 1 << 17;
    public static final int CFSR_INVPC = 1 << 18;
    public static final int CFSR_NOCP = 1 << 19;
    public static final int CFSR_UNALIGNED = 1 << 24;
    public static final int CFSR_DIVBYZERO = 1 << 25;
    public static final int HFSR_VECTTBL = 1 << 1;
    public static final int HFSR_FORCED = 1 << 30;
    public static final int HFSR_DEBUGEVT = 1 << 31;

    public static final int CCR_NONBASETHRDENA = 1;
    public static final int CCR_USERSETMPEND = 1 << 1;
    public static final int CCR_STKALIGN = 1 << 9;
    public static final int SCR_SLEEPONEXIT = 1 << 1;
    public static final int SCR_SLEEPDEEP = 1 << 2;
    public static final int SCR_SEVONPEND = 1 << 4;

    private static final int CCR_WRITABLE = 0x31B;

    private final CpuModel model;
    private final Nvic nvic;
    private final DeviceLog log;
    private final IntSupplier ipsr;
    private final Runnable systemResetRequest;
    private int vtor;
    private int ccr;
    private int scr;
    private int cfsr;
    private int hfsr;
    private int dfsr;
    private int mmfar;
    private int bfar;
    private int cpacr;
    private int fpccr;
    private int fpcar;
    private int fpdscr;
    private int demcr;

    /**
     * @param ipsr               current exception number (for ICSR.VECTACTIVE)
     * @param systemResetRequest called for AIRCR.SYSRESETREQ; the machine resets between slices
     */
    public SystemControlBlock(CpuModel model, Nvic nvic, DeviceLog log, IntSupplier ipsr, Runnable systemResetRequest) {
        this.model = model;
        this.nvic = nvic;
        this.log = log;
        this.ipsr = ipsr;
        this.systemResetRequest = systemResetRequest;
        reset();
    }

    /** Reset values (facts-cortexm.md §8). DEMCR is debug logic and survives system resets. */
    public void reset() {
        vtor = 0;
        ccr = model.ccrResetValue();
        scr = 0;
        cfsr = 0;
        hfsr = 0;
        mmfar = 0;
        bfar = 0;
        cpacr = 0;
        fpccr = 0xC000_0000;
        fpcar = 0;
        fpdscr = 0;
    }

    public int vtor() {
        return vtor;
    }

    public int ccr() {
        return ccr;
    }

    public int scr() {
        return scr;
    }

    public int cfsr() {
        return cfsr;
    }

    public int hfsr() {
        return hfsr;
    }

    /** Records fault status bits (hardware side). */
    public void recordFault(int cfsrBits, int hfsrBits) {
        cfsr |= cfsrBits;
        hfsr |= hfsrBits;
    }

    public void setBfar(int address) {
        bfar = address;
    }

    public void setMmfar(int address) {
        mmfar = address;
    }

    /** Updates FPCAR on an extended-frame entry (facts-cortexm.md §3.1 (e)). */
    public void setFpcar(int address) {
        fpcar = address & ~7;
    }

    /** DebugMonitor enable (DEMCR.MON_EN). */
    public boolean monitorEnabled() {
        return (demcr & (1 << 16)) != 0;
    }

    /** Whether DEMCR.TRCENA is set (DWT counters enabled). */
    public boolean traceEnabled() {
        return (demcr & (1 << 24)) != 0;
    }

    /** Read of the word at {@code offset} from the SCS base; null means "not an SCB register". */
    public Integer read(int offset) {
        return switch (offset) {
            case 0x008 -> 0; // ACTLR: absent on r1p1, no model-visible effect otherwise
            case 0xD00 -> model.cpuid();
            case 0xD04 -> icsr();
            case 0xD08 -> vtor;
            case 0xD0C -> 0xFA05_0000 | (nvic.prigroup() << 8);
            case 0xD10 -> scr;
            case 0xD14 -> ccr;
            case 0xD18, 0xD1C, 0xD20 -> shpr(offset);
            case 0xD24 -> shcsr();
            case 0xD28 -> cfsr;
            case 0xD2C -> hfsr;
            case 0xD30 -> dfsr;
            case 0xD34 -> mmfar;
            case 0xD38 -> bfar;
            case 0xD3C -> 0; // AFSR: implementation defined, RAZ
            case 0xD40 -> 0x30;
            case 0xD44 -> 0x200;
            case 0xD48 -> 0x0010_0000;
            case 0xD4C -> 0;
            case 0xD50 -> 0x30;
            case 0xD54, 0xD58, 0xD5C -> 0;
            case 0xD60 -> 0x0114_1110;
            case 0xD64 -> 0x0211_1000;
            case 0xD68 -> 0x2111_2231;
            case 0xD6C -> 0x0111_1110;
            case 0xD70 -> 0x0131_0102;
            case 0xD88 -> model.hasFpu() ? cpacr : 0;
            case 0xDFC -> demcr;
            case 0xF34 -> model.hasFpu() ? fpccr : 0;
            case 0xF38 -> model.hasFpu() ? fpcar : 0;
            case 0xF3C -> model.hasFpu() ? fpdscr : 0;
            case 0xF40 -> model.hasFpu() ? 0x1011_0021 : 0;
            case 0xF44 -> model.hasFpu() ? 0x1100_0011 : 0;
            default -> null;
        };
    }

    /**
     * Write of {@code value} on byte lanes {@code lanes} to the word at {@code offset}.
     *
     * @return false if the offset is not an SCB register
     */
    public boolean write(int offset, int value, int lanes) {
        switch (offset) {
            case 0x008 -> {
            }
            case 0xD04 -> writeIcsr(value & lanes);
            case 0xD08 -> {
                // Bits 6:0 are always zero; CMSIS masks r1p1 TBLOFF to 0x3FFFFF80 and no STM32
                // has memory above 0x3FFFFFFF worth a vector table (facts-cortexm.md §1.3).
                int v = merge(vtor, value, lanes);
                if ((v & 0xC000_0000) != 0) {
                    log.guestError("vtor-high", String.format("VTOR write 0x%08x sets reserved bits 31:30", v));
                }
                vtor = v & 0x3FFF_FF80;
            }
            case 0xD0C -> writeAircr(value, lanes);
            case 0xD10 -> scr = merge(scr, value, lanes) & 0x16;
            case 0xD14 -> {
                int v = merge(ccr, value, lanes) & CCR_WRITABLE;
                if ((v & 0x18) != 0) {
                    log.unimplemented("ccr-traps", "CCR.UNALIGN_TRP/DIV_0_TRP set: the CPU engine does not trap these");
                }
                ccr = v;
            }
            case 0xD18, 0xD1C, 0xD20 -> writeShpr(offset, value, lanes);
            case 0xD24 -> writeShcsr(merge(shcsr(), value, lanes));
            case 0xD28 -> cfsr &= ~(value & lanes);
            case 0xD2C -> hfsr &= ~(value & lanes);
            case 0xD30 -> dfsr &= ~(value & lanes);
            case 0xD34 -> mmfar = merge(mmfar, value, lanes);
            case 0xD38 -> bfar = merge(bfar, value, lanes);
            case 0xD88 -> cpacr = model.hasFpu() ? merge(cpacr, value, lanes) & 0x00F0_0000 : 0;
            case 0xDFC -> {
                demcr = merge(demcr, value, lanes) & 0x010F_07F1;
                nvic.setEnabled(Exceptions.DEBUG_MONITOR, monitorEnabled());
            }
            case 0xF34 -> {
                if (model.hasFpu()) {
                    fpccr = merge(fpccr, value, lanes) & 0xC000_01FB;
                    if ((fpccr & 0x8000_0000) == 0) {
                        log.unimplemented("fpccr-aspen", "FPCCR.ASPEN cleared: the CPU engine still sets CONTROL.FPCA itself");
                    }
                }
            }
            case 0xF38 -> fpcar = model.hasFpu() ? merge(fpcar, value, lanes) & ~7 : 0;
            case 0xF3C -> fpdscr = model.hasFpu() ? merge(fpdscr, value, lanes) & 0x07C0_0000 : 0;
            default -> {
                return read(offset) != null; // read-only registers ignore writes
            }
        }
        return true;
    }

    private int icsr() {
        int v = ipsr.getAsInt() & 0x1FF;
        if (nvic.activeCount() <= 1) {
            v |= 1 << 11; // RETTOBASE: QEMU and the M3 TRM report 1 when at most one is active
        }
        int pendingExc = nvic.highestPending();
        v |= (pendingExc & 0x1FF) << 12;
        if (nvic.anyIrqPending()) {
            v |= 1 << 22;
        }
        if (nvic.isPending(Exceptions.SYSTICK)) {
            v |= 1 << 26;
        }
        if (nvic.isPending(Exceptions.PENDSV)) {
            v |= 1 << 28;
        }
        if (nvic.isPending(Exceptions.NMI)) {
            v |= 1 << 31;
        }
        return v;
    }

    private void writeIcsr(int v) {
        // SET wins over CLR when both are written (architecturally UNPREDICTABLE; QEMU's choice).
        if ((v & (1 << 31)) != 0) {
            nvic.setPending(Exceptions.NMI);
        }
        if ((v & (1 << 28)) != 0) {
            nvic.setPending(Exceptions.PENDSV);
        } else if ((v & (1 << 27)) != 0) {
            nvic.clearPending(Exceptions.PENDSV);
        }
        if ((v & (1 << 26)) != 0) {
            nvic.setPending(Exceptions.SYSTICK);
        } else if ((v & (1 << 25)) != 0) {
            nvic.clearPending(Exceptions.SYSTICK);
        }
    }

    private void writeAircr(int value, int lanes) {
        // The whole write is ignored unless VECTKEY = 0x05FA (ARMv7-M B3.2.6).
        if (lanes != -1 || (value >>> 16) != 0x05FA) {
            log.guestError("aircr-key", String.format("AIRCR write 0x%08x without VECTKEY 0x05FA ignored", value));
            return;
        }
        nvic.setPrigroup((value >>> 8) & 7);
        if ((value & 3) != 0) {
            log.guestError("aircr-vect", "AIRCR VECTRESET/VECTCLRACTIVE outside debug state is UNPREDICTABLE; ignored");
        }
        if ((value & 4) != 0) {
            systemResetRequest.run();
        }
    }

    private int shpr(int offset) {
        int first = (offset - 0xD18) + Exceptions.MEM_MANAGE;
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int exc = first + i;
            if (isConfigurableSystem(exc)) {
                v |= (nvic.priority(exc) & 0xFF) << (8 * i);
            }
        }
        return v;
    }

    private void writeShpr(int offset, int value, int lanes) {
        int first = (offset - 0xD18) + Exceptions.MEM_MANAGE;
        for (int i = 0; i < 4; i++) {
            int exc = first + i;
            if (((lanes >>> (8 * i)) & 0xFF) != 0 && isConfigurableSystem(exc)) {
                nvic.setPriority(exc, (value >>> (8 * i)) & 0xFF);
            }
        }
    }

    private static boolean isConfigurableSystem(int exc) {
        return exc == Exceptions.MEM_MANAGE || exc == Exceptions.BUS_FAULT || exc == Exceptions.USAGE_FAULT
                || exc == Exceptions.SVCALL || exc == Exceptions.DEBUG_MONITOR || exc == Exceptions.PENDSV
                || exc == Exceptions.SYSTICK;
    }

    private static final int[][] SHCSR_BITS = {
            // {bit, exception, kind: 0 active, 1 pending, 2 enable}
            {0, Exceptions.MEM_MANAGE, 0}, {1, Exceptions.BUS_FAULT, 0}, {3, Exceptions.USAGE_FAULT, 0},
            {7, Exceptions.SVCALL, 0}, {8, Exceptions.DEBUG_MONITOR, 0}, {10, Exceptions.PENDSV, 0},
            {11, Exceptions.SYSTICK, 0}, {12, Exceptions.USAGE_FAULT, 1}, {13, Exceptions.MEM_MANAGE, 1},
            {14, Exceptions.BUS_FAULT, 1}, {15, Exceptions.SVCALL, 1}, {16, Exceptions.MEM_MANAGE, 2},
            {17, Exceptions.BUS_FAULT, 2}, {18, Exceptions.USAGE_FAULT, 2}};

    private int shcsr() {
        int v = 0;
        for (int[] b : SHCSR_BITS) {
            boolean on = switch (b[2]) {
                case 0 -> nvic.isActive(b[1]);
                case 1 -> nvic.isPending(b[1]);
                default -> nvic.isEnabled(b[1]);
            };
            if (on) {
                v |= 1 << b[0];
            }
        }
        return v;
    }

    private void writeShcsr(int v) {
        // QEMU makes every SHCSR bit read/write, so RTOSes can fix up state (facts-cortexm.md §1.7).
        for (int[] b : SHCSR_BITS) {
            boolean on = (v & (1 << b[0])) != 0;
            switch (b[2]) {
                case 0 -> nvic.setActive(b[1], on);
                case 1 -> {
                    if (on) {
                        nvic.setPending(b[1]);
                    } else {
                        nvic.clearPending(b[1]);
                    }
                }
                default -> nvic.setEnabled(b[1], on);
            }
        }
    }

    private static int merge(int old, int value, int lanes) {
        return (old & ~lanes) | (value & lanes);
    }
}
