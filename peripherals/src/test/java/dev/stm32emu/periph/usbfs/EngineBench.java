package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.usb.DataPid;
import dev.stm32emu.core.usb.Handshake;
import dev.stm32emu.core.usb.InResponse;
import dev.stm32emu.core.usb.TransferResult;
import dev.stm32emu.core.usb.UsbHostPort;
import dev.stm32emu.core.usb.UsbTransfer;
import dev.stm32emu.core.usb.UsbTransferEngine;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The host engine against the USB model and the Java firmware, without a CPU: a driver
 * loop runs due scheduler events, calls the firmware's interrupt handler while the LP
 * line is high, and otherwise jumps virtual time to the next event, the way the machine
 * loop interleaves CPU slices and events.
 */
final class EngineBench {
    final UsbFsBench bench = new UsbFsBench();
    final JavaUsbFirmware firmware;
    final CountingPort port = new CountingPort(bench.usb);
    final UsbTransferEngine engine = new UsbTransferEngine(port, bench.scheduler);

    EngineBench() {
        this(64);
    }

    /** With a firmware whose endpoint 0 takes {@code ep0Size}-byte packets. */
    EngineBench(int ep0Size) {
        firmware = new JavaUsbFirmware(bench.fw, bench.scheduler, ep0Size);
        bench.usb.setPullUp(true);
        firmware.init();
    }

    /** Runs until {@code done}, failing if {@code limitPs} of virtual time pass first. */
    void runUntil(BooleanSupplier done, long limitPs) {
        long end = bench.clock.nowPs() + limitPs;
        while (!done.getAsBoolean()) {
            bench.scheduler.runDue();
            if (bench.lp.level) {
                firmware.onInterrupt();
                continue;
            }
            if (done.getAsBoolean()) {
                break;
            }
            long next = bench.scheduler.nextEventPs();
            assertTrue(next != Scheduler.NONE && next <= end, "nothing left to run, or out of time, at "
                    + bench.clock.nowPs() + " ps");
            bench.clock.advanceTo(next);
        }
    }

    /** Runs until the transfer ends (at most 60 s of virtual time) and returns its result. */
    TransferResult await(UsbTransfer t) {
        runUntil(t::isDone, 60_000 * UsbFsBench.MS);
        return t.result().join();
    }

    /** Lets {@code ps} of virtual time pass with the firmware serving interrupts. */
    void runFor(long ps) {
        long end = bench.clock.nowPs() + ps;
        while (true) {
            bench.scheduler.runDue();
            if (bench.lp.level) {
                firmware.onInterrupt();
                continue;
            }
            if (bench.clock.nowPs() >= end) {
                return;
            }
            bench.clock.advanceTo(Math.min(end, bench.scheduler.nextEventPs()));
        }
    }

    /** Bus reset, then run until the firmware has handled it and can take SETUPs. */
    void reset() {
        engine.busReset();
        runUntil(port::isReady, 100 * UsbFsBench.MS);
    }

    long now() {
        return bench.clock.nowPs();
    }

    /** Counts transactions by kind and handshake. */
    static final class CountingPort implements UsbHostPort {
        final List<String> log = new ArrayList<>();
        private final UsbHostPort port;

        CountingPort(UsbHostPort port) {
            this.port = port;
        }

        long count(String prefix) {
            return log.stream().filter(s -> s.startsWith(prefix)).count();
        }

        @Override
        public boolean isAttached() {
            return port.isAttached();
        }

        @Override
        public void addAttachListener(Consumer<Boolean> listener) {
            port.addAttachListener(listener);
        }

        @Override
        public void busReset() {
            log.add("RESET");
            port.busReset();
        }

        @Override
        public boolean isReady() {
            return port.isReady();
        }

        @Override
        public Handshake setup(int endpoint, byte[] setup) {
            Handshake h = port.setup(endpoint, setup);
            log.add("SETUP" + endpoint + " " + h);
            return h;
        }

        @Override
        public Handshake out(int endpoint, DataPid pid, byte[] data) {
            Handshake h = port.out(endpoint, pid, data);
            log.add("OUT" + endpoint + " " + pid + " " + data.length + " " + h);
            return h;
        }

        @Override
        public InResponse in(int endpoint) {
            InResponse r = port.in(endpoint);
            log.add("IN" + endpoint + " " + r.handshake() + (r.handshake() == Handshake.ACK
                    ? " " + r.pid() + " " + r.data().length : ""));
            return r;
        }

        @Override
        public void addEndpointListener(IntConsumer endpointChanged) {
            port.addEndpointListener(endpointChanged);
        }

        @Override
        public int frameNumber() {
            return port.frameNumber();
        }
    }
}
