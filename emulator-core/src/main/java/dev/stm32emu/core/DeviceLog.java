package dev.stm32emu.core;

import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvent.DeviceMessage.Category;
import dev.stm32emu.core.event.MachineEvents;

import java.util.HashSet;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * A device's log, after QEMU's split between LOG_GUEST_ERROR (the firmware did something
 * undefined) and LOG_UNIMP (the model does not implement something). Each distinct
 * message key is reported once, so a firmware polling an unmodelled register does not
 * flood the output.
 */
public final class DeviceLog {
    private final String device;
    private final MachineEvents events;
    private final LongSupplier clock;
    private final System.Logger logger;
    private final Set<String> seen = new HashSet<>();

    public DeviceLog(String device, MachineEvents events, LongSupplier clockPs) {
        this.device = device;
        this.events = events;
        this.clock = clockPs;
        this.logger = System.getLogger("stm32emu." + device);
    }

    /** A log that only goes to {@link System.Logger} (unit tests of a single device). */
    public static DeviceLog standalone(String device) {
        return new DeviceLog(device, new MachineEvents(), () -> 0L);
    }

    /** The device's instance name, e.g. "usart1". */
    public String device() {
        return device;
    }

    /** The firmware did something the manual calls undefined or forbidden. Once per key. */
    public void guestError(String key, String message) {
        report(Category.GUEST_ERROR, key, message);
    }

    /** The firmware used something the model does not implement. Once per key. */
    public void unimplemented(String key, String message) {
        report(Category.UNIMPLEMENTED, key, message);
    }

    private void report(Category category, String key, String message) {
        if (!seen.add(category + ":" + key)) {
            return;
        }
        String text = device + ": " + message;
        logger.log(category == Category.GUEST_ERROR ? System.Logger.Level.WARNING : System.Logger.Level.INFO,
                (category == Category.GUEST_ERROR ? "guest error: " : "unimplemented: ") + text);
        events.publish(new MachineEvent.DeviceMessage(clock.getAsLong(), device, category, message));
    }
}
