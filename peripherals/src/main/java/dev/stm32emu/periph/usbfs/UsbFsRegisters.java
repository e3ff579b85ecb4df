package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterFile;
import dev.stm32emu.core.reg.RegisterOffset;

/**
 * The register file of the F1 USB full-speed device (RM0008 §23.5; facts-usb.md §4.2):
 * EP0R-EP7R at 0x00-0x1C, CNTR, ISTR, FNR, DADDR and BTABLE. All registers are 16 bits
 * wide at a 32-bit stride; the upper half-words are reserved. Declarations only: the
 * device attaches the computed reads and the write side effects.
 */
final class UsbFsRegisters {
    /** Endpoint registers EP0R-EP7R. */
    static final int ENDPOINTS = 8;

    /** ISTR bits 14:8, the write-0-to-clear event flags, and the matching CNTR masks. */
    static final int EVENT_BITS = 0x7F00;
    static final int ISTR_PMAOVR = 1 << 14;
    static final int ISTR_ERR = 1 << 13;
    static final int ISTR_WKUP = 1 << 12;
    static final int ISTR_SUSP = 1 << 11;
    static final int ISTR_RESET = 1 << 10;
    static final int ISTR_SOF = 1 << 9;
    static final int ISTR_ESOF = 1 << 8;

    final EndpointRegister[] endpoints = new EndpointRegister[ENDPOINTS];

    final Register cntr;
    final Flag ctrMask;
    final Flag resume;
    final Flag forceSuspend;
    final Flag lowPowerMode;
    final Flag powerDown;
    final Flag forceReset;

    final Register istr;
    final Flag ctr;
    final Flag reset;
    final Flag dir;
    final Field epId;

    final Register fnr;
    final Flag rxdp;
    final Flag rxdm;
    final Flag locked;
    final Field lostSof;
    final Field frameNumber;

    final Register daddr;
    final Flag enableFunction;
    final Field deviceAddress;

    final Register btable;
    final Field tableAddress;

    UsbFsRegisters(RegisterFile regs) {
        for (int i = 0; i < ENDPOINTS; i++) {
            endpoints[i] = new EndpointRegister(regs, i);
        }

        cntr = regs.define(Reg.CNTR, 0x0003);
        ctrMask = cntr.flag("CTRM", 15, Access.RW);
        cntr.flag("PMAOVRM", 14, Access.RW);
        cntr.flag("ERRM", 13, Access.RW);
        cntr.flag("WKUPM", 12, Access.RW);
        cntr.flag("SUSPM", 11, Access.RW);
        cntr.flag("RESETM", 10, Access.RW);
        cntr.flag("SOFM", 9, Access.RW);
        cntr.flag("ESOFM", 8, Access.RW);
        resume = cntr.flag("RESUME", 4, Access.RW);
        forceSuspend = cntr.flag("FSUSP", 3, Access.RW);
        lowPowerMode = cntr.flag("LP_MODE", 2, Access.RW);
        powerDown = cntr.flag("PDWN", 1, Access.RW);
        forceReset = cntr.flag("FRES", 0, Access.RW);
        cntr.reserved(5, 3).reserved(16, 16);

        istr = regs.define(Reg.ISTR, 0);
        ctr = istr.flag("CTR", 15, Access.R);
        istr.flag("PMAOVR", 14, Access.RC_W0);
        istr.flag("ERR", 13, Access.RC_W0);
        istr.flag("WKUP", 12, Access.RC_W0);
        istr.flag("SUSP", 11, Access.RC_W0);
        reset = istr.flag("RESET", 10, Access.RC_W0);
        istr.flag("SOF", 9, Access.RC_W0);
        istr.flag("ESOF", 8, Access.RC_W0);
        dir = istr.flag("DIR", 4, Access.R);
        epId = istr.field("EP_ID", 0, 4, Access.R);
        istr.reserved(5, 3).reserved(16, 16);

        fnr = regs.define(Reg.FNR, 0);
        rxdp = fnr.flag("RXDP", 15, Access.R);
        rxdm = fnr.flag("RXDM", 14, Access.R);
        locked = fnr.flag("LCK", 13, Access.R);
        lostSof = fnr.field("LSOF", 11, 2, Access.R);
        frameNumber = fnr.field("FN", 0, 11, Access.R);
        fnr.reserved(16, 16);

        daddr = regs.define(Reg.DADDR, 0);
        enableFunction = daddr.flag("EF", 7, Access.RW);
        deviceAddress = daddr.field("ADD", 0, 7, Access.RW);
        daddr.reserved(8, 24);

        btable = regs.define(Reg.BTABLE, 0);
        tableAddress = btable.field("BTABLE", 3, 13, Access.RW);
        btable.reserved(0, 3).reserved(16, 16);
    }

    /** The ISTR event flags (bits 14:8) currently set. */
    int events() {
        return istr.value() & EVENT_BITS;
    }

    /** Hardware sets ISTR event flags. */
    void raise(int bits) {
        istr.setValue(istr.value() | (bits & EVENT_BITS));
    }

    /** The buffer table's USB offset (BTABLE bits 15:3). */
    int tableOffset() {
        return tableAddress.get() << 3;
    }

    /** Register offsets; the endpoint registers are at 4n. */
    enum Reg implements RegisterOffset {
        /** Control register. */
        CNTR(0x40),
        /** Interrupt status register. */
        ISTR(0x44),
        /** Frame number register. */
        FNR(0x48),
        /** Device address register. */
        DADDR(0x4C),
        /** Buffer table address. */
        BTABLE(0x50);

        private final int offset;

        Reg(int offset) {
            this.offset = offset;
        }

        @Override
        public int offset() {
            return offset;
        }
    }
}
