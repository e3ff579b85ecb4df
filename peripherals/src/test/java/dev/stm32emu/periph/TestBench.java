package dev.stm32emu.periph;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.bus.MmioDevice;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.VirtualClock;

import java.util.ArrayList;
import java.util.List;

/**
 * What a register-level test needs instead of a machine: a virtual clock and scheduler
 * run the way the machine loop runs them, device logs whose messages can be inspected,
 * and the bus's bit-band read-modify-write.
 */
public final class TestBench {
    public final VirtualClock clock = new VirtualClock(8_000_000L);
    public final Scheduler scheduler = new Scheduler(clock);
    public final MachineEvents events = new MachineEvents();
    private final List<MachineEvent> published = new ArrayList<>();

    public TestBench() {
        events.subscribe(published::add);
    }

    public DeviceLog log(String device) {
        return new DeviceLog(device, events, clock::nowPs);
    }

    /** Runs virtual time forward by {@code ps}, firing every event at its own time, as the machine loop does. */
    public void runFor(long ps) {
        long target = clock.nowPs() + ps;
        scheduler.runDue();
        while (scheduler.nextEventPs() <= target) {
            clock.advanceTo(scheduler.nextEventPs());
            scheduler.runDue();
        }
        clock.advanceTo(target);
        scheduler.runDue();
    }

    public static long us(long n) {
        return n * 1_000_000L;
    }

    public static long ms(long n) {
        return n * 1_000_000_000L;
    }

    /** Guest-error messages logged so far. */
    public List<String> guestErrors() {
        return messages(MachineEvent.DeviceMessage.Category.GUEST_ERROR);
    }

    /** Unimplemented-feature messages logged so far. */
    public List<String> unimplemented() {
        return messages(MachineEvent.DeviceMessage.Category.UNIMPLEMENTED);
    }

    /** Every event published so far. */
    public List<MachineEvent> published() {
        return List.copyOf(published);
    }

    private List<String> messages(MachineEvent.DeviceMessage.Category category) {
        List<String> out = new ArrayList<>();
        for (MachineEvent e : published) {
            if (e instanceof MachineEvent.DeviceMessage m && m.category() == category) {
                out.add(m.message());
            }
        }
        return out;
    }

    /** A bit-band alias write as the bus does it: a 32-bit read-modify-write of the register (facts-stm32f1.md §1.2). */
    public static void bitBandWrite(MmioDevice device, int offset, int bit, boolean value) {
        int old = device.read(offset, 4);
        device.write(offset, 4, value ? old | (1 << bit) : old & ~(1 << bit));
    }

    /** A bit-band alias read: one bit of a 32-bit read. */
    public static boolean bitBandRead(MmioDevice device, int offset, int bit) {
        return ((device.read(offset, 4) >>> bit) & 1) != 0;
    }

    /** An interrupt line that remembers its level and counts rising edges. */
    public static final class Irq implements IrqLine {
        private boolean level;
        private int rises;

        @Override
        public void set(boolean l) {
            if (l && !level) {
                rises++;
            }
            level = l;
        }

        public boolean level() {
            return level;
        }

        public int rises() {
            return rises;
        }
    }
}
