package dev.stm32emu.periph.rcc;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;

import java.util.function.BooleanSupplier;

/**
 * The RCC's "this bit can be written only when ..." rules (RM0008 §7.3): a refused write
 * keeps the old value, as the hardware does, and is logged as a guest error because
 * firmware following the RM never attempts it.
 */
final class WriteProtections {
    private final DeviceLog log;

    WriteProtections(DeviceLog log) {
        this.log = log;
    }

    /** A field that keeps its value unless {@code writable}. */
    void guard(Field field, BooleanSupplier writable, String why) {
        field.onWrite((o, n) -> {
            if (o != n && !writable.getAsBoolean()) {
                field.set(o);
                log.guestError(field.name(), why + "; write ignored");
            }
        });
    }

    /** An enable bit that cannot be cleared while {@code inUse}. */
    void refuseClear(Flag flag, BooleanSupplier inUse, String why) {
        flag.onWrite(on -> {
            if (!on && inUse.getAsBoolean()) {
                flag.set(true);
                log.guestError(flag.name(), why + "; clearing it is ignored (RM0008 §7.3.1)");
            }
        });
    }
}
