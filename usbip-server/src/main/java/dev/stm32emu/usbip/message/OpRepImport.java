package dev.stm32emu.usbip.message;

import java.util.Objects;
import java.util.Optional;

/**
 * {@code OP_REP_IMPORT} (facts-usb.md §1.5). Success: {@code op_common} (code 0x0003, status 0)
 * plus the 312-byte device record with <em>no</em> interface records, 320 bytes in all. Failure:
 * the 8-byte header with a non-zero status only; the server then closes the connection.
 *
 * @param status {@link OpStatus} code
 * @param device the imported device when the status is 0, empty otherwise
 */
public record OpRepImport(int status, Optional<UsbDeviceInfo> device) implements UsbIpMessage {
    /** Checks that the device is present exactly when the status is 0. */
    public OpRepImport {
        Objects.requireNonNull(device, "device");
        if ((status == OpStatus.OK.code()) != device.isPresent()) {
            throw new IllegalArgumentException("an IMPORT reply has a device exactly when its status is 0");
        }
    }

    /**
     * @param device the imported device
     * @return a successful reply
     */
    public static OpRepImport ok(UsbDeviceInfo device) {
        return new OpRepImport(OpStatus.OK.code(), Optional.of(device));
    }

    /**
     * @param status a non-zero status
     * @return a failed reply
     */
    public static OpRepImport failed(OpStatus status) {
        return new OpRepImport(status.code(), Optional.empty());
    }
}
