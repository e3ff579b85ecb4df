package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.bus.MmioDevice;

import java.util.function.BooleanSupplier;

/**
 * The System Control Space at 0xE000E000 (ARMv7-M ARM B3.2; facts-cortexm.md §1): ICTR,
 * SysTick, the NVIC registers, the SCB, the MPU register file, debug registers, STIR,
 * the FPU registers and the ID registers. Narrow accesses work on byte lanes, which is
 * what CMSIS does for NVIC->IP[n] and SCB->SHP[n].
 */
public final class SystemControlSpace implements MmioDevice {
    /** Where the SCS sits. */
    public static final long BASE = 0xE000_E000L;

    /** Reports an unprivileged access, which is a precise BusFault (ARMv7-M B3.2.1). */
    @FunctionalInterface
    public interface UnprivilegedAccess {
        void access(long address, boolean write);
    }

    private final Nvic nvic;
    private final SystemControlBlock scb;
    private final SysTick sysTick;
    private final DeviceLog log;
    private final BooleanSupplier privileged;
    private final UnprivilegedAccess unprivilegedAccess;
    private final int mpuRegions;
    private final int[] mpuRbar;
    private final int[] mpuRasr;
    private int mpuCtrl;
    private int mpuRnr;

    /**
     * @param mpuRegions         8 on STM32F4, 0 on STM32F103 (no MPU; facts-cortexm.md §1.9)
     * @param privileged         whether the current access comes from privileged code
     * @param unprivilegedAccess reports an unprivileged access, which is a BusFault
     */
    public SystemControlSpace(Nvic nvic, SystemControlBlock scb, SysTick sysTick, DeviceLog log, int mpuRegions,
                              BooleanSupplier privileged, UnprivilegedAccess unprivilegedAccess) {
        this.nvic = nvic;
        this.scb = scb;
        this.sysTick = sysTick;
        this.log = log;
        this.privileged = privileged;
        this.unprivilegedAccess = unprivilegedAccess;
        this.mpuRegions = mpuRegions;
        this.mpuRbar = new int[Math.max(1, mpuRegions)];
        this.mpuRasr = new int[Math.max(1, mpuRegions)];
    }

    /** MPU state back to reset (the SCB, NVIC and SysTick reset themselves). */
    public void reset() {
        mpuCtrl = 0;
        mpuRnr = 0;
        java.util.Arrays.fill(mpuRbar, 0);
        java.util.Arrays.fill(mpuRasr, 0);
    }

    @Override
    public int read(int offset, int size) {
        if (!privileged.getAsBoolean()) {
            unprivilegedAccess.access(BASE + offset, false);
            return 0;
        }
        int aligned = offset & ~3;
        if (size != 4 && aligned >= 0x010 && aligned <= 0x01C) {
            log.guestError("systick-width", "SysTick registers are word-access only; narrow read returns 0");
            return 0;
        }
        int word = readWord(aligned);
        int shift = (offset & 3) * 8;
        return size == 4 ? word : (word >>> shift) & (size == 1 ? 0xFF : 0xFFFF);
    }

    @Override
    public void write(int offset, int size, int value) {
        int aligned = offset & ~3;
        if (!privileged.getAsBoolean()) {
            // STIR is the one register unprivileged code may write, when CCR.USERSETMPEND allows.
            if (!(aligned == 0xF00 && (scb.ccr() & SystemControlBlock.CCR_USERSETMPEND) != 0)) {
                unprivilegedAccess.access(BASE + offset, true);
                return;
            }
        }
        int shift = (offset & 3) * 8;
        int lanes = size == 4 ? -1 : ((size == 1 ? 0xFF : 0xFFFF) << shift);
        if (size != 4 && aligned >= 0x010 && aligned <= 0x01C) {
            log.guestError("systick-width", "SysTick registers are word-access only; narrow write ignored");
            return;
        }
        writeWord(aligned, value << shift, lanes);
    }

    private int readWord(int offset) {
        if (offset >= 0x100 && offset < 0x140) {
            return bits(offset - 0x100, Bit.ENABLED);
        }
        if (offset >= 0x180 && offset < 0x1C0) {
            return bits(offset - 0x180, Bit.ENABLED);
        }
        if (offset >= 0x200 && offset < 0x240) {
            return bits(offset - 0x200, Bit.PENDING);
        }
        if (offset >= 0x280 && offset < 0x2C0) {
            return bits(offset - 0x280, Bit.PENDING);
        }
        if (offset >= 0x300 && offset < 0x340) {
            return bits(offset - 0x300, Bit.ACTIVE);
        }
        if (offset >= 0x400 && offset < 0x5F0) {
            int v = 0;
            for (int i = 0; i < 4; i++) {
                int exc = Exceptions.IRQ0 + (offset - 0x400) + i;
                if (nvic.isValid(exc)) {
                    v |= (nvic.priority(exc) & 0xFF) << (8 * i);
                }
            }
            return v;
        }
        switch (offset) {
            case 0x000:
                return 0; // master control register: reserved on v7-M
            case 0x004:
                return (nvic.irqCount() + 31) / 32 - 1; // ICTR.INTLINESNUM
            case 0x010:
                return sysTick.readCsr();
            case 0x014:
                return sysTick.readRvr();
            case 0x018:
                return sysTick.readCvr();
            case 0x01C:
                return sysTick.readCalib();
            case 0xD90:
                return mpuRegions << 8;
            case 0xD94:
                return mpuCtrl;
            case 0xD98:
                return mpuRnr;
            case 0xD9C, 0xDA4, 0xDAC, 0xDB4:
                return mpuRegions == 0 ? 0 : (mpuRbar[mpuRnr] & ~0x1F) | 0x10 | mpuRnr;
            case 0xDA0, 0xDA8, 0xDB0, 0xDB8:
                return mpuRegions == 0 ? 0 : mpuRasr[mpuRnr];
            case 0xDF0, 0xDF4, 0xDF8:
                return 0; // DHCSR/DCRSR/DCRDR: no debugger attached (C_DEBUGEN = 0)
            case 0xF00:
                return 0; // STIR is write-only
            case 0xFE0:
                return 0x00;
            case 0xFE4:
                return 0xB0;
            case 0xFE8:
                return 0x1B;
            case 0xFEC:
                return 0x00;
            case 0xFF0:
                return 0x0D;
            case 0xFF4:
                return 0xE0;
            case 0xFF8:
                return 0x05;
            case 0xFFC:
                return 0xB1;
            default:
                Integer v = scb.read(offset);
                if (v != null) {
                    return v;
                }
                if (offset >= 0xFD0 && offset < 0xFE0) {
                    return 0;
                }
                log.guestError("r" + offset, String.format("read of reserved SCS offset 0x%03x reads 0", offset));
                return 0;
        }
    }

    private void writeWord(int offset, int value, int lanes) {
        int v = value & lanes;
        if (offset >= 0x100 && offset < 0x140) {
            forBits(offset - 0x100, v, exc -> nvic.setEnabled(exc, true));
        } else if (offset >= 0x180 && offset < 0x1C0) {
            forBits(offset - 0x180, v, exc -> nvic.setEnabled(exc, false));
        } else if (offset >= 0x200 && offset < 0x240) {
            forBits(offset - 0x200, v, nvic::setPending);
        } else if (offset >= 0x280 && offset < 0x2C0) {
            forBits(offset - 0x280, v, nvic::clearPending);
        } else if (offset >= 0x300 && offset < 0x340) {
            log.guestError("iabr", "IABR is read-only; write ignored");
        } else if (offset >= 0x400 && offset < 0x5F0) {
            for (int i = 0; i < 4; i++) {
                int exc = Exceptions.IRQ0 + (offset - 0x400) + i;
                if (((lanes >>> (8 * i)) & 0xFF) != 0 && nvic.isValid(exc)) {
                    nvic.setPriority(exc, value >>> (8 * i));
                }
            }
        } else {
            writeOther(offset, value, lanes);
        }
    }

    private void writeOther(int offset, int value, int lanes) {
        switch (offset) {
            case 0x010 -> sysTick.writeCsr(value);
            case 0x014 -> sysTick.writeRvr(value);
            case 0x018 -> sysTick.writeCvr(value);
            case 0x01C, 0x004 -> log.guestError("ro" + offset, String.format("SCS offset 0x%03x is read-only", offset));
            case 0xF00 -> {
                int exc = Exceptions.IRQ0 + (value & 0x1FF);
                if (nvic.isValid(exc)) {
                    nvic.setPending(exc);
                } else {
                    log.guestError("stir", "STIR names interrupt " + (value & 0x1FF) + ", which does not exist");
                }
            }
            case 0xD94 -> {
                mpuCtrl = value & 7;
                if ((mpuCtrl & 1) != 0) {
                    log.unimplemented("mpu", "MPU enabled: regions are stored but not enforced");
                }
            }
            case 0xD98 -> mpuRnr = mpuRegions == 0 ? 0 : (value & 0xFF) % mpuRegions;
            case 0xD9C, 0xDA4, 0xDAC, 0xDB4 -> {
                if (mpuRegions > 0) {
                    if ((value & 0x10) != 0) {
                        mpuRnr = (value & 0xF) % mpuRegions; // VALID also selects the region
                    }
                    mpuRbar[mpuRnr] = value & ~0x1F;
                }
            }
            case 0xDA0, 0xDA8, 0xDB0, 0xDB8 -> {
                if (mpuRegions > 0) {
                    mpuRasr[mpuRnr] = value & 0x173F_FF3F;
                }
            }
            case 0xDF0, 0xDF4, 0xDF8 -> log.unimplemented("debug", "halting debug registers have no effect");
            default -> {
                if (!scb.write(offset, value, lanes)) {
                    log.guestError("w" + offset, String.format("write of 0x%x to reserved SCS offset 0x%03x ignored",
                            value, offset));
                }
            }
        }
    }

    private enum Bit { ENABLED, PENDING, ACTIVE }

    private int bits(int byteOffset, Bit kind) {
        int v = 0;
        int firstIrq = byteOffset * 8;
        for (int i = 0; i < 32; i++) {
            int exc = Exceptions.IRQ0 + firstIrq + i;
            if (!nvic.isValid(exc)) {
                break;
            }
            boolean on = switch (kind) {
                case ENABLED -> nvic.isEnabled(exc);
                case PENDING -> nvic.isPending(exc);
                case ACTIVE -> nvic.isActive(exc);
            };
            if (on) {
                v |= 1 << i;
            }
        }
        return v;
    }

    private void forBits(int byteOffset, int value, java.util.function.IntConsumer action) {
        int firstIrq = byteOffset * 8;
        for (int i = 0; i < 32; i++) {
            if ((value & (1 << i)) != 0) {
                int exc = Exceptions.IRQ0 + firstIrq + i;
                if (nvic.isValid(exc)) {
                    action.accept(exc);
                }
            }
        }
    }
}
