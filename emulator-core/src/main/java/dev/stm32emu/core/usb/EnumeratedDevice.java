package dev.stm32emu.core.usb;

import java.util.List;

/**
 * What enumeration learnt: the address given, the descriptors, and the strings read with
 * the first LANGID (none if the device has no string descriptor 0).
 *
 * @param deviceRaw the 18 bytes of the device descriptor as received
 */
public record EnumeratedDevice(int address, DeviceDescriptor device, byte[] deviceRaw,
                               List<ConfigurationDescriptor> configurations, List<Integer> langIds,
                               List<StringDescriptor> strings) {

    public EnumeratedDevice {
        deviceRaw = deviceRaw.clone();
        configurations = List.copyOf(configurations);
        langIds = List.copyOf(langIds);
        strings = List.copyOf(strings);
    }

    @Override
    public byte[] deviceRaw() {
        return deviceRaw.clone();
    }

    /** The text of string {@code index}, or null if it was not read (index 0, absent, or stalled). */
    public String string(int index) {
        for (StringDescriptor s : strings) {
            if (s.index() == index) {
                return s.text();
            }
        }
        return null;
    }
}
