package dev.stm32emu.core.cortexm;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.bus.MmioDevice;
import dev.stm32emu.core.time.VirtualClock;

import java.util.function.BooleanSupplier;

/**
 * The DWT at 0xE0001000, enough for the cycle counter that third-party delay routines
 * busy-wait on (facts-stm32f1.md §9): CYCCNT counts core cycles while CTRL.CYCCNTENA and
 * DEMCR.TRCENA are set. Comparators are not modelled.
 */
public final class DataWatchpointTrace implements MmioDevice {
    private static final int CYCCNTENA = 1;
    /** NUMCOMP = 4 comparators reported, as on Cortex-M3/M4. */
    private static final int CTRL_RESET = 0x4000_0000;

    private final VirtualClock clock;
    private final BooleanSupplier traceEnabled;
    private final DeviceLog log;
    private int ctrl = CTRL_RESET;
    private int frozen;
    private long base;

    public DataWatchpointTrace(VirtualClock clock, BooleanSupplier traceEnabled, DeviceLog log) {
        this.clock = clock;
        this.traceEnabled = traceEnabled;
        this.log = log;
    }

    public void reset() {
        ctrl = CTRL_RESET;
        frozen = 0;
    }

    @Override
    public int read(int offset, int size) {
        return switch (offset & ~3) {
            case 0x000 -> ctrl;
            case 0x004 -> cyccnt();
            case 0xFB4 -> 0; // LSR: no lock
            default -> {
                log.unimplemented("r" + offset, String.format("DWT register at offset 0x%03x reads 0", offset));
                yield 0;
            }
        };
    }

    @Override
    public void write(int offset, int size, int value) {
        switch (offset & ~3) {
            case 0x000 -> {
                int count = cyccnt();
                ctrl = (CTRL_RESET & 0xFFFF_0000) | (value & 0x1FFF);
                restart(count);
            }
            case 0x004 -> restart(value);
            case 0xFB0 -> {
                // LAR: writing the key unlocks; there is no lock in the model
            }
            default -> log.unimplemented("w" + offset, String.format("DWT register at offset 0x%03x not modelled", offset));
        }
    }

    private boolean counting() {
        return (ctrl & CYCCNTENA) != 0 && traceEnabled.getAsBoolean();
    }

    private int cyccnt() {
        return counting() ? (int) (clock.cycles() - base) : frozen;
    }

    private void restart(int value) {
        frozen = value;
        base = clock.cycles() - (value & 0xFFFF_FFFFL);
    }
}
