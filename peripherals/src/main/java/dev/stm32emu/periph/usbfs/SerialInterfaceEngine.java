package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.usb.DataPid;
import dev.stm32emu.core.usb.Handshake;
import dev.stm32emu.core.usb.InResponse;

/**
 * The transaction side of the peripheral, named after the RM's "serial interface engine":
 * how one SETUP, OUT or IN token is answered given the endpoint registers and buffer
 * descriptors the firmware set up (RM0008 §23.4.2-§23.4.3; facts-usb.md §4.4).
 *
 * <p>Endpoints are found by their EA field, not by register index. After every
 * completed transaction of a single-buffered endpoint the hardware sets STAT to NAK,
 * toggles DTOG and sets CTR; the firmware re-arms with STAT = VALID.
 */
final class SerialInterfaceEngine {
    private static final int SETUP_BYTES = 8;

    private final EndpointRegister[] endpoints;
    private final BufferTable table;
    private final PacketMemory pma;
    private final DeviceLog log;

    SerialInterfaceEngine(EndpointRegister[] endpoints, BufferTable table, PacketMemory pma, DeviceLog log) {
        this.endpoints = endpoints;
        this.table = table;
        this.pma = pma;
        this.log = log;
    }

    /**
     * A SETUP is accepted even under NAK or STALL (RM0008 §23.4.2, "Control transfers"),
     * but while CTR_RX is still set it is dropped without handshake and the host retries.
     * It stores 8 bytes, sets SETUP and CTR_RX, both toggles to 1 and both STATs to NAK.
     */
    Handshake setup(int number, byte[] data) {
        if (data.length != SETUP_BYTES) {
            throw new IllegalArgumentException("a SETUP carries 8 bytes, not " + data.length);
        }
        EndpointRegister e = controlEndpoint(number);
        if (e == null) {
            return Handshake.NO_RESPONSE;
        }
        if (e.ctrRx.isSet()) {
            return Handshake.NO_RESPONSE;
        }
        if (table.rxBufferSize(e.index) < SETUP_BYTES) {
            log.guestError("setup-buffer" + e.index, "EP" + e.index + "R: COUNT" + e.index
                    + "_RX allocates " + table.rxBufferSize(e.index) + " bytes, too small for a SETUP (not answered)");
            return Handshake.NO_RESPONSE;
        }
        pma.writeBytes(table.rxAddress(e.index), data);
        table.setRxCount(e.index, SETUP_BYTES);
        e.setup.set(true);
        e.ctrRx.set(true);
        e.dtogRx.set(true);
        e.dtogTx.set(true);
        e.setRxStatus(EndpointStatus.NAK);
        e.setTxStatus(EndpointStatus.NAK);
        return Handshake.ACK;
    }

    /**
     * An OUT data packet. VALID stores it, toggles DTOG_RX, sets CTR_RX and NAKs further
     * OUTs; a packet whose PID differs from DTOG_RX is a retransmission the device already
     * has, so it is ACKed and dropped (USB 2.0 §8.6.3).
     */
    Handshake out(int number, DataPid pid, byte[] data) {
        EndpointRegister e = endpoint(number, true);
        if (e == null || unsupported(e)) {
            return Handshake.NO_RESPONSE;
        }
        switch (e.rxStatus()) {
            case STALL:
                return Handshake.STALL;
            case NAK:
                return Handshake.NAK;
            case DISABLED:
                return Handshake.NO_RESPONSE;
            case VALID:
                break;
        }
        if (e.endpointType() == EndpointType.CONTROL && e.kind.isSet() && data.length > 0) {
            // EP_KIND = STATUS_OUT: an OUT with data is answered STALL (RM0008 §23.5.3, EP_KIND).
            return Handshake.STALL;
        }
        if ((pid == DataPid.DATA1) != e.dtogRx.isSet()) {
            return Handshake.ACK;
        }
        int size = table.rxBufferSize(e.index);
        if (data.length > size) {
            // RM0008 §23.4.2 "Buffer overrun"; see the deviation in Stm32f1UsbFs.
            log.guestError("overrun" + e.index, "EP" + e.index + "R: " + data.length + "-byte OUT packet exceeds the "
                    + size + "-byte buffer COUNT" + e.index + "_RX allocates (not answered)");
            return Handshake.NO_RESPONSE;
        }
        pma.writeBytes(table.rxAddress(e.index), data);
        table.setRxCount(e.index, data.length);
        e.dtogRx.set(!e.dtogRx.isSet());
        e.setRxStatus(EndpointStatus.NAK);
        if (!e.ctrRx.isSet()) {
            e.setup.set(false); // SETUP is frozen while CTR_RX is set (RM0008 §23.5.3, EPnR.SETUP)
        }
        e.ctrRx.set(true);
        return Handshake.ACK;
    }

    /** An IN token: VALID sends COUNTn_TX bytes from ADDRn_TX with the DTOG_TX PID, then NAKs. */
    InResponse in(int number) {
        EndpointRegister e = endpoint(number, false);
        if (e == null || unsupported(e)) {
            return InResponse.of(Handshake.NO_RESPONSE);
        }
        switch (e.txStatus()) {
            case STALL:
                return InResponse.of(Handshake.STALL);
            case NAK:
                return InResponse.of(Handshake.NAK);
            case DISABLED:
                return InResponse.of(Handshake.NO_RESPONSE);
            case VALID:
                break;
        }
        byte[] data = pma.readBytes(table.txAddress(e.index), table.txCount(e.index));
        DataPid pid = e.dtogTx.isSet() ? DataPid.DATA1 : DataPid.DATA0;
        e.dtogTx.set(!e.dtogTx.isSet());
        e.setTxStatus(EndpointStatus.NAK);
        e.ctrTx.set(true);
        return new InResponse(Handshake.ACK, pid, data);
    }

    /** Whether a control endpoint {@code number} exists and takes SETUPs (STAT_RX not DISABLED). */
    boolean controlEndpointEnabled(int number) {
        return controlEndpoint(number) != null;
    }

    /**
     * The register answering for endpoint {@code number} in one direction: the lowest
     * index whose EA matches and whose STAT for that direction is not DISABLED (firmware
     * such as TinyUSB leaves EA = 0 in unused registers, and may split the IN and OUT
     * halves of one endpoint number over two registers).
     */
    private EndpointRegister endpoint(int number, boolean rx) {
        for (EndpointRegister e : endpoints) {
            if (e.endpointNumber() == number
                    && (rx ? e.rxStatus() : e.txStatus()) != EndpointStatus.DISABLED) {
                return e;
            }
        }
        return null;
    }

    private EndpointRegister controlEndpoint(int number) {
        for (EndpointRegister e : endpoints) {
            if (e.endpointNumber() == number && e.endpointType() == EndpointType.CONTROL
                    && e.rxStatus() != EndpointStatus.DISABLED) {
                return e;
            }
        }
        return null;
    }

    /** Double-buffered and isochronous endpoints are not modelled: they do not answer. */
    private boolean unsupported(EndpointRegister e) {
        if (e.isHighPriority()) {
            log.unimplemented("dblbuf" + e.index, "EP" + e.index + "R: "
                    + (e.endpointType() == EndpointType.ISOCHRONOUS ? "isochronous" : "double-buffered bulk")
                    + " endpoints are not modelled; the endpoint does not answer");
            return true;
        }
        return false;
    }
}
