package dev.stm32emu.core.usb;

/**
 * A device's answer to an IN token.
 *
 * @param handshake ACK when data was sent, else NAK/STALL/NO_RESPONSE
 * @param pid       the data PID the device sent (meaningful with ACK)
 * @param data      the payload (empty for a zero-length packet or without ACK)
 */
public record InResponse(Handshake handshake, DataPid pid, byte[] data) {
    public InResponse {
        data = data == null ? new byte[0] : data.clone();
    }

    @Override
    public byte[] data() {
        return data.clone();
    }

    public static InResponse of(Handshake h) {
        return new InResponse(h, DataPid.DATA0, new byte[0]);
    }
}
