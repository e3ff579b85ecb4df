package dev.stm32emu.core.usb;

import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.Ticks;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The host-side transfer engine (ARCHITECTURE.md, USB layer 2): runs control, bulk and
 * interrupt transfers as transactions on a {@link UsbHostPort}, keeps the data toggles,
 * retries NAKed transactions when the firmware changes the endpoint, and times transfers
 * out in virtual time.
 *
 * <p>Machine thread only; other threads go through {@code Machine.submit}. Work never
 * blocks: every transaction runs from a scheduler event, so the CPU runs between a NAK
 * and its retry, and futures complete on the machine thread (callbacks must not block).
 *
 * <p>Control transfers to one endpoint run strictly in submission order; each other
 * endpoint has its own queue and completes independently. A transfer still waiting when
 * its timeout passes ends with {@link TransferResult.Status#TIMEOUT}; a cancelled one never
 * completes with anything but {@link TransferResult.Status#CANCELLED}. A successful
 * SET_CONFIGURATION resets every data toggle and CLEAR_FEATURE(ENDPOINT_HALT) the halted
 * endpoint's (USB 2.0 §9.4.5, §9.4.1); after SET_INTERFACE the caller resets the toggles
 * of that interface's endpoints with {@link #resetDataToggle}, since the engine does not
 * know them.
 */
public final class UsbTransferEngine {
    /** libusb's and usb_control_msg's control timeout (facts-usb.md §2.4). */
    public static final long DEFAULT_CONTROL_TIMEOUT_PS = 5 * Ticks.PS_PER_SECOND;
    /** Transactions one scheduler event may run before yielding to the CPU. */
    private static final int TRANSACTIONS_PER_EVENT = 64;

    private final UsbHostPort port;
    private final Scheduler scheduler;
    private final TransactionSequencer sequencer;
    private final Map<Integer, EndpointQueue> queues = new TreeMap<>();
    private long controlTimeoutPs = DEFAULT_CONTROL_TIMEOUT_PS;
    private Scheduler.Event attachCheck;

    public UsbTransferEngine(UsbHostPort port, Scheduler scheduler) {
        this.port = port;
        this.scheduler = scheduler;
        this.sequencer = new TransactionSequencer(port);
        port.addEndpointListener(this::endpointChanged);
        port.addAttachListener(attached -> scheduleAttachCheck());
    }

    /** The port the engine drives. */
    public UsbHostPort port() {
        return port;
    }

    /** The timeout {@link #control(SetupPacket, byte[])} uses (default 5 s). */
    public void setControlTimeoutPs(long ps) {
        this.controlTimeoutPs = ps;
    }

    /**
     * An endpoint's max packet size (wMaxPacketSize; endpoint 0: bMaxPacketSize0), which
     * packetises OUT data and marks short IN packets. Defaults to 64 everywhere.
     */
    public void setMaxPacketSize(int endpointAddress, int size) {
        sequencer.setMaxPacketSize(endpointAddress, size);
    }

    public int maxPacketSize(int endpointAddress) {
        return sequencer.maxPacketSize(endpointAddress);
    }

    /** A control transfer on endpoint 0 with the default timeout. */
    public UsbTransfer control(SetupPacket setup, byte[] outData) {
        return control(0, setup, outData, controlTimeoutPs);
    }

    /**
     * A control transfer. {@code outData} is the data stage of a host-to-device request and
     * must be wLength bytes; for device-to-host requests it is ignored (pass null).
     *
     * @param timeoutPs virtual-time limit from now; 0 for none
     */
    public UsbTransfer control(int endpoint, SetupPacket setup, byte[] outData, long timeoutPs) {
        byte[] data = setup.isIn() ? null : outData == null ? new byte[0] : outData;
        if (data != null && data.length != setup.length()) {
            throw new IllegalArgumentException(setup + ": " + data.length + " data bytes for wLength " + setup.length());
        }
        return submit(new UsbTransfer(TransferType.CONTROL, endpoint & 0x0F, setup.isIn(), setup, data,
                setup.length(), false, timeoutPs));
    }

    /** A bulk IN of up to {@code length} bytes; ends at a short packet. Timeout 0 waits forever. */
    public UsbTransfer bulkIn(int endpoint, int length, long timeoutPs) {
        return submit(new UsbTransfer(TransferType.BULK, endpoint & 0x0F, true, null, null, length, false, timeoutPs));
    }

    /** A bulk OUT; with {@code zeroPacket} a length that is a multiple of the max packet size ends with a ZLP. */
    public UsbTransfer bulkOut(int endpoint, byte[] data, boolean zeroPacket, long timeoutPs) {
        return submit(new UsbTransfer(TransferType.BULK, endpoint & 0x0F, false, null, data, data.length, zeroPacket,
                timeoutPs));
    }

    /** An interrupt IN; polled whenever the firmware changes the endpoint (bInterval is not modelled). */
    public UsbTransfer interruptIn(int endpoint, int length, long timeoutPs) {
        return submit(new UsbTransfer(TransferType.INTERRUPT, endpoint & 0x0F, true, null, null, length, false,
                timeoutPs));
    }

    public UsbTransfer interruptOut(int endpoint, byte[] data, long timeoutPs) {
        return submit(new UsbTransfer(TransferType.INTERRUPT, endpoint & 0x0F, false, null, data, data.length, false,
                timeoutPs));
    }

    /**
     * Cancels a transfer (a USB/IP unlink). True if it was still pending and now ended as
     * CANCELLED; false if it had already ended (then its result stands).
     */
    public boolean cancel(UsbTransfer t) {
        return end(t, TransferResult.Status.CANCELLED, "cancelled");
    }

    /**
     * Drives a bus reset: every pending transfer ends as CANCELLED, every data toggle
     * goes back to DATA0, and the firmware sees its reset.
     */
    public void busReset() {
        for (EndpointQueue q : List.copyOf(queues.values())) {
            for (UsbTransfer t : List.copyOf(q.transfers)) {
                end(t, TransferResult.Status.CANCELLED, "bus reset");
            }
        }
        sequencer.resetToggles();
        port.busReset();
    }

    /** Puts an endpoint's toggle back to DATA0 (after SET_INTERFACE, or a halt cleared another way). */
    public void resetDataToggle(int endpointAddress) {
        sequencer.resetToggle(endpointAddress);
    }

    /** Puts every endpoint's toggle back to DATA0. */
    public void resetDataToggles() {
        sequencer.resetToggles();
    }

    /** The toggle the next data packet to or from the endpoint will carry. */
    public DataPid dataToggle(int endpointAddress) {
        return sequencer.toggle(endpointAddress);
    }

    /** Transfers submitted and not yet ended. */
    public int pendingTransfers() {
        int n = 0;
        for (EndpointQueue q : queues.values()) {
            n += q.transfers.size();
        }
        return n;
    }

    // ---- internals ------------------------------------------------------------------

    private UsbTransfer submit(UsbTransfer t) {
        EndpointQueue q = queues.computeIfAbsent(queueKey(t), k -> new EndpointQueue(t.endpoint()));
        q.transfers.add(t);
        if (t.timeoutPs() > 0) {
            t.timeout = scheduler.after(t.timeoutPs(), () -> end(t, TransferResult.Status.TIMEOUT,
                    "no answer within " + Ticks.formatSeconds(t.timeoutPs()) + " s"));
        }
        if (q.transfers.size() == 1) {
            schedule(q);
        }
        return t;
    }

    /** Ends a transfer from outside its queue's step (timeout, cancel, bus reset). */
    private boolean end(UsbTransfer t, TransferResult.Status status, String detail) {
        EndpointQueue q = queues.get(queueKey(t));
        if (q == null || !q.transfers.contains(t)) {
            return false;
        }
        boolean wasActive = q.transfers.peek() == t;
        q.transfers.remove(t);
        if (wasActive && !q.transfers.isEmpty()) {
            schedule(q);
        }
        return t.finish(t.partial(status, detail));
    }

    /** Runs transactions for the queue's head until one must wait; completions run at the end. */
    private void step(EndpointQueue q) {
        q.stepEvent = null;
        q.waiting = false;
        List<Runnable> completions = new ArrayList<>();
        int budget = TRANSACTIONS_PER_EVENT;
        while (!q.transfers.isEmpty()) {
            UsbTransfer t = q.transfers.peek();
            if (!port.isAttached()) {
                q.transfers.poll();
                TransferResult r = t.partial(TransferResult.Status.DISCONNECTED, "device not attached");
                completions.add(() -> t.finish(r));
                continue;
            }
            if (budget-- == 0) {
                schedule(q);
                break;
            }
            TransactionSequencer.Outcome o = sequencer.next(t);
            if (o == TransactionSequencer.Outcome.WAIT) {
                q.waiting = true;
                break;
            }
            if (o == TransactionSequencer.Outcome.DONE) {
                q.transfers.poll();
                TransferResult r = sequencer.result;
                if (r.isOk() && t.type() == TransferType.CONTROL) {
                    standardRequestDone(t.setup());
                }
                completions.add(() -> t.finish(r));
            }
        }
        for (Runnable c : completions) {
            c.run();
        }
    }

    /** Host-side effects of standard requests on the toggles (USB 2.0 §9.4.5, §9.4.1). */
    private void standardRequestDone(SetupPacket s) {
        if (s.requestType() == 0x00 && s.request() == 9) {
            sequencer.resetToggles();
        } else if (s.requestType() == 0x02 && s.request() == 1 && s.value() == 0) {
            sequencer.resetToggle(s.index() & 0x8F);
        }
    }

    private void endpointChanged(int endpoint) {
        for (EndpointQueue q : queues.values()) {
            if (q.waiting && (endpoint == UsbHostPort.ANY_ENDPOINT || endpoint == q.number)) {
                schedule(q);
            }
        }
    }

    /** Attach changes arrive inside a firmware register write: act on them from an event. */
    private void scheduleAttachCheck() {
        if (attachCheck == null || !attachCheck.isPending()) {
            attachCheck = scheduler.after(0, () -> {
                for (EndpointQueue q : queues.values()) {
                    if (!q.transfers.isEmpty()) {
                        schedule(q);
                    }
                }
            });
        }
    }

    private void schedule(EndpointQueue q) {
        if (q.stepEvent == null || !q.stepEvent.isPending()) {
            q.stepEvent = scheduler.after(0, () -> step(q));
        }
    }

    private static int queueKey(UsbTransfer t) {
        return t.endpointAddress();
    }

    /** The transfers for one endpoint (one direction; control: both), head first. */
    private static final class EndpointQueue {
        final int number;
        final ArrayDeque<UsbTransfer> transfers = new ArrayDeque<>();
        boolean waiting;
        Scheduler.Event stepEvent;

        EndpointQueue(int number) {
            this.number = number;
        }
    }
}
