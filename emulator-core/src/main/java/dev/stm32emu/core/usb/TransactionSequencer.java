package dev.stm32emu.core.usb;

import java.util.Arrays;

/**
 * Turns transfers into transactions, one per call (USB 2.0 §5.5 control, §5.8 bulk,
 * §5.7 interrupt; §8.5 transaction protocols; facts-usb.md §2.8), and keeps the host's
 * data toggles (§8.6) and each endpoint's max packet size. Engine-internal.
 */
final class TransactionSequencer {
    /** What a transaction meant for its transfer. */
    enum Outcome {
        /** Progress was made; the next transaction can follow at once. */
        CONTINUE,
        /** The device NAKed or is not ready: wait until the firmware changes something. */
        WAIT,
        /** The transfer ended; its result is in {@link #result}. */
        DONE
    }

    private static final System.Logger LOG = System.getLogger("stm32emu.usb.host");
    private static final int DEFAULT_MAX_PACKET = 64;
    private static final byte[] EMPTY = new byte[0];

    private final UsbHostPort port;
    /** DATA1 flags, index number (OUT) and 16 + number (IN). */
    private final boolean[] toggles = new boolean[32];
    private final int[] maxPacket = new int[32];
    TransferResult result;

    TransactionSequencer(UsbHostPort port) {
        this.port = port;
        Arrays.fill(maxPacket, DEFAULT_MAX_PACKET);
    }

    void setMaxPacketSize(int address, int size) {
        if (size <= 0 || size > 1023) {
            throw new IllegalArgumentException("max packet size " + size);
        }
        if ((address & 0x0F) == 0) {
            maxPacket[0] = size;
            maxPacket[16] = size;
        } else {
            maxPacket[index(address)] = size;
        }
    }

    int maxPacketSize(int address) {
        return maxPacket[index(address)];
    }

    void resetToggle(int address) {
        toggles[index(address)] = false;
    }

    void resetToggles() {
        Arrays.fill(toggles, false);
    }

    DataPid toggle(int address) {
        return toggles[index(address)] ? DataPid.DATA1 : DataPid.DATA0;
    }

    /** Runs the next transaction of {@code t}. */
    Outcome next(UsbTransfer t) {
        result = null;
        return t.type() == TransferType.CONTROL ? control(t) : data(t);
    }

    private Outcome control(UsbTransfer t) {
        int ep = t.endpoint();
        SetupPacket setup = t.setup();
        switch (t.stage) {
            case SETUP -> {
                if (!port.isReady()) {
                    return Outcome.WAIT;
                }
                Handshake h = port.setup(ep, setup.toBytes());
                if (h == Handshake.STALL) {
                    return done(t, TransferResult.Status.STALL, "SETUP stalled");
                }
                if (h != Handshake.ACK) {
                    return Outcome.WAIT; // held: F1 drops a SETUP while CTR_RX is set
                }
                // SETUP is DATA0; data and status stages start with DATA1 (USB 2.0 §8.5.3).
                toggles[ep] = true;
                toggles[16 + ep] = true;
                t.stage = setup.length() == 0 ? UsbTransfer.Stage.STATUS : UsbTransfer.Stage.DATA;
                t.packetsLeft = packets(setup.length(), maxPacket[ep], false);
                return Outcome.CONTINUE;
            }
            case DATA -> {
                Outcome o = t.isIn() ? inPacket(t, setup.length()) : outPacket(t);
                if (o == Outcome.DONE && result == null) {
                    t.stage = UsbTransfer.Stage.STATUS;
                    return Outcome.CONTINUE;
                }
                return o;
            }
            default -> {
                return status(t);
            }
        }
    }

    /** The status stage: a zero-length DATA1 packet the other way (USB 2.0 §8.5.3.1). */
    private Outcome status(UsbTransfer t) {
        int ep = t.endpoint();
        if (t.isIn() && t.setup().length() > 0) {
            return handshakeOutcome(t, port.out(ep, DataPid.DATA1, EMPTY), true);
        }
        InResponse r = port.in(ep);
        if (r.handshake() != Handshake.ACK) {
            return handshakeOutcome(t, r.handshake(), true);
        }
        if (r.pid() != DataPid.DATA1) {
            LOG.log(System.Logger.Level.DEBUG, "status stage of {0}: DATA0 discarded as a retransmission", t);
            return Outcome.CONTINUE;
        }
        if (r.data().length != 0) {
            return done(t, TransferResult.Status.ERROR, r.data().length + " data bytes in the status stage");
        }
        return done(t, TransferResult.Status.OK, "");
    }

    private Outcome data(UsbTransfer t) {
        if (t.packetsLeft < 0) {
            t.packetsLeft = packets(t.length(), maxPacketSize(t.endpointAddress()), t.zeroPacket());
        }
        Outcome o = t.isIn() ? inPacket(t, t.length()) : outPacket(t);
        if (o == Outcome.DONE && result == null) {
            return done(t, TransferResult.Status.OK, "");
        }
        return o;
    }

    /**
     * One IN transaction. DONE with no result means the data phase ended: a short packet
     * or {@code limit} bytes (USB 2.0 §5.3.2). A PID other than the expected toggle is a
     * retransmission of data already taken: discarded, but acknowledged (§8.6.4).
     */
    private Outcome inPacket(UsbTransfer t, int limit) {
        int address = t.endpoint() | 0x80;
        InResponse r = port.in(t.endpoint());
        if (r.handshake() != Handshake.ACK) {
            return handshakeOutcome(t, r.handshake(), false);
        }
        int i = index(address);
        if (r.pid() != (toggles[i] ? DataPid.DATA1 : DataPid.DATA0)) {
            LOG.log(System.Logger.Level.DEBUG, "{0}: {1} discarded as a retransmission", t, r.pid());
            return Outcome.CONTINUE;
        }
        toggles[i] = !toggles[i];
        byte[] d = r.data();
        int mps = maxPacket[i];
        int room = limit - t.received.size();
        if (d.length > mps) {
            t.received.write(d, 0, Math.min(d.length, room));
            return done(t, TransferResult.Status.ERROR, "babble: " + d.length + "-byte packet, max packet size " + mps);
        }
        if (d.length > room) {
            t.received.write(d, 0, room);
            return done(t, TransferResult.Status.ERROR, "overflow: " + d.length + " bytes sent, " + room + " expected");
        }
        t.received.write(d, 0, d.length);
        return d.length < mps || t.received.size() == limit ? Outcome.DONE : Outcome.CONTINUE;
    }

    /** One OUT transaction; DONE with no result when every packet (ZLP included) is acknowledged. */
    private Outcome outPacket(UsbTransfer t) {
        int address = t.endpoint();
        int i = index(address);
        byte[] all = t.outData();
        int n = Math.min(maxPacket[i], all.length - t.sent);
        Handshake h = port.out(t.endpoint(), toggles[i] ? DataPid.DATA1 : DataPid.DATA0,
                Arrays.copyOfRange(all, t.sent, t.sent + n));
        if (h != Handshake.ACK) {
            return handshakeOutcome(t, h, false);
        }
        toggles[i] = !toggles[i];
        t.sent += n;
        return --t.packetsLeft <= 0 ? Outcome.DONE : Outcome.CONTINUE;
    }

    private Outcome handshakeOutcome(UsbTransfer t, Handshake h, boolean statusStage) {
        return switch (h) {
            case ACK -> done(t, TransferResult.Status.OK, "");
            case NAK -> Outcome.WAIT;
            case STALL -> done(t, TransferResult.Status.STALL, statusStage ? "status stage stalled" : "stalled");
            case NO_RESPONSE -> done(t, port.isAttached() ? TransferResult.Status.ERROR
                    : TransferResult.Status.DISCONNECTED, "no handshake" + (statusStage ? " in the status stage" : ""));
        };
    }

    private Outcome done(UsbTransfer t, TransferResult.Status status, String detail) {
        result = t.partial(status, detail);
        return Outcome.DONE;
    }

    /** Packets an OUT of {@code length} bytes takes: at least one, plus a ZLP if asked and length % mps == 0. */
    private static int packets(int length, int mps, boolean zeroPacket) {
        if (length == 0) {
            return 1;
        }
        return (length + mps - 1) / mps + (zeroPacket && length % mps == 0 ? 1 : 0);
    }

    private static int index(int address) {
        return (address & 0x0F) + ((address & 0x80) != 0 ? 16 : 0);
    }
}
