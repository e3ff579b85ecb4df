package dev.stm32emu.cli.dfu;

import dev.stm32emu.core.usb.SetupPacket;
import java.util.Map;
import java.util.TreeMap;

/**
 * A transport decorator that counts requests and waits for {@link DfuReport}. Descriptor
 * reads the underlying transport answers from a cache are delegated as such and not counted,
 * since they cause no bus traffic.
 */
final class MeteredTransport implements DfuTransport {

    private final DfuTransport inner;
    private final Map<String, Integer> requests = new TreeMap<>();
    private final long startNanos = System.nanoTime();
    private long pollWaitMillis;
    private long waitMillis;
    private long bytes;

    MeteredTransport(DfuTransport inner) {
        this.inner = inner;
    }

    @Override
    public ControlResult controlIn(SetupPacket setup) {
        count(setup);
        return inner.controlIn(setup);
    }

    @Override
    public ControlResult controlOut(SetupPacket setup, byte[] data) {
        count(setup);
        return inner.controlOut(setup, data);
    }

    @Override
    public ControlResult resetDevice() {
        requests.merge("RESET", 1, Integer::sum);
        return inner.resetDevice();
    }

    @Override
    public void sleep(long millis) {
        if (millis > 0) {
            waitMillis += millis;
            inner.sleep(millis);
        }
    }

    /** A wait the device asked for with bwPollTimeout. */
    void pollWait(long millis) {
        pollWaitMillis += Math.max(0, millis);
        sleep(millis);
    }

    void addBytes(long n) {
        bytes += n;
    }

    @Override
    public ControlResult deviceDescriptor() {
        return inner.deviceDescriptor();
    }

    @Override
    public ControlResult configurationDescriptor(int index) {
        return inner.configurationDescriptor(index);
    }

    @Override
    public ControlResult getDescriptor(int type, int index, int langId, int length) {
        return controlIn(new SetupPacket(0x80, GET_DESCRIPTOR, type << 8 | index, langId, length));
    }

    DfuReport report() {
        return new DfuReport(requests, requests.getOrDefault(DfuRequest.GETSTATUS.name(), 0), pollWaitMillis,
                waitMillis, System.nanoTime() - startNanos, bytes);
    }

    private void count(SetupPacket s) {
        requests.merge(nameOf(s), 1, Integer::sum);
    }

    /** The histogram bucket of a request. */
    static String nameOf(SetupPacket s) {
        DfuRequest r = DfuRequest.of(s);
        if (r != null) {
            return r.name();
        }
        if ((s.requestType() & 0x60) == 0) {
            if (s.request() == GET_DESCRIPTOR) {
                return "GET_DESCRIPTOR";
            }
            if (s.request() == DfuRequest.SET_INTERFACE) {
                return "SET_INTERFACE";
            }
        }
        return String.format("REQUEST_%02x_%02x", s.requestType(), s.request());
    }
}
