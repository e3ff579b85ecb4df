package dev.stm32emu.cli.flash;

import dev.stm32emu.cli.dfu.ControlResult;
import dev.stm32emu.cli.dfu.DfuRequest;
import dev.stm32emu.cli.dfu.DfuStatusReport;
import dev.stm32emu.cli.dfu.DfuTransport;
import dev.stm32emu.core.usb.SetupPacket;

/**
 * A transport decorator that keeps the last GETSTATUS reply the device gave, for the report's
 * final DFU state. Descriptor reads go to the inner transport's cache, so they stay free of
 * bus traffic as they are for dfu-util.
 */
final class StatusTap implements DfuTransport {
    private final DfuTransport inner;
    private volatile DfuStatusReport last;

    StatusTap(DfuTransport inner) {
        this.inner = inner;
    }

    /** The last GETSTATUS reply, or null if none was received. */
    DfuStatusReport last() {
        return last;
    }

    @Override
    public ControlResult controlIn(SetupPacket setup) {
        ControlResult r = inner.controlIn(setup);
        if (r.ok() && DfuRequest.of(setup) == DfuRequest.GETSTATUS && r.length() == DfuStatusReport.LENGTH) {
            last = DfuStatusReport.parse(r.data());
        }
        return r;
    }

    @Override
    public ControlResult controlOut(SetupPacket setup, byte[] data) {
        return inner.controlOut(setup, data);
    }

    @Override
    public ControlResult resetDevice() {
        return inner.resetDevice();
    }

    @Override
    public void sleep(long millis) {
        inner.sleep(millis);
    }

    @Override
    public ControlResult deviceDescriptor() {
        return inner.deviceDescriptor();
    }

    @Override
    public ControlResult configurationDescriptor(int index) {
        return inner.configurationDescriptor(index);
    }
}
