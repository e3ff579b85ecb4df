package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.VirtualClock;

import java.util.ArrayList;
import java.util.List;

/** The USB peripheral on virtual time without a CPU: IRQ lines recorded, events captured. */
final class UsbFsBench {
    static final long MS = 1_000_000_000L;

    final VirtualClock clock = new VirtualClock(72_000_000L);
    final Scheduler scheduler = new Scheduler(clock);
    final MachineEvents events = new MachineEvents();
    final List<MachineEvent> published = new ArrayList<>();
    final Line hp = new Line();
    final Line lp = new Line();
    final Line wakeup = new Line();
    final Stm32f1UsbFs usb;
    final FirmwareRegs fw;

    UsbFsBench() {
        events.subscribe(published::add);
        usb = new Stm32f1UsbFs(new DeviceLog("usb", events, clock::nowPs), scheduler, events, hp, lp, wakeup);
        usb.reset(ResetKind.POWER_ON);
        fw = new FirmwareRegs(usb, usb.packetMemory());
    }

    /** Advances virtual time by {@code ps}, running every event due on the way. */
    void advance(long ps) {
        long target = clock.nowPs() + ps;
        while (scheduler.nextEventPs() <= target) {
            clock.advanceTo(scheduler.nextEventPs());
            scheduler.runDue();
        }
        clock.advanceTo(target);
    }

    /** Pull-up present, controller powered and out of reset, flags cleared (TinyUSB's dcd_init order). */
    void powerUp() {
        usb.setPullUp(true);
        fw.write(FirmwareRegs.CNTR, FirmwareRegs.FRES | FirmwareRegs.PDWN);
        fw.write(FirmwareRegs.CNTR, FirmwareRegs.FRES);
        fw.write(FirmwareRegs.CNTR, 0);
        fw.write(FirmwareRegs.ISTR, 0);
    }

    /**
     * What firmware does on RESET: BTABLE at 0, EP0 TX buffer at 0x40, RX buffer of 64 bytes
     * at 0x80, EP0R control with STAT_RX VALID and STAT_TX NAK, DADDR = EF.
     */
    void openEndpoint0() {
        fw.write(FirmwareRegs.BTABLE, 0);
        fw.descriptor(0, 0, 0x40, 0, 0x80, FirmwareRegs.rxBlocks(64));
        fw.configure(0, FirmwareRegs.TYPE_CONTROL, false, 0);
        fw.setStatRx(0, 3);
        fw.setStatTx(0, 2);
        fw.write(FirmwareRegs.DADDR, 0x80);
    }

    /** Powered, bus reset by the host, RESET acknowledged, EP0 open: ready for SETUPs. */
    void ready() {
        powerUp();
        usb.busReset();
        fw.clearIstr(FirmwareRegs.ISTR_RESET);
        openEndpoint0();
    }

    /** A level-sensitive line that remembers its level and counts rising edges. */
    static final class Line implements IrqLine {
        boolean level;
        int rises;

        @Override
        public void set(boolean l) {
            if (l && !level) {
                rises++;
            }
            level = l;
        }
    }
}
