package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.usb.DataPid;
import dev.stm32emu.core.usb.Handshake;
import dev.stm32emu.core.usb.InResponse;
import dev.stm32emu.core.usb.UsbHostPort;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.LongSupplier;

/**
 * The STM32F102/F103 USB full-speed device peripheral (RM0008 §23 "USB full-speed device
 * interface"; facts-usb.md §4). This object is the register block (MMIO at 0x40005C00,
 * 1 KiB window); {@link #packetMemory()} is the PMA window at 0x40006000. It is also the
 * host's view of the device ({@link UsbHostPort}).
 *
 * <p>Wiring (done by the board factory): {@code highPriority} is USB_HP_CAN1_TX (IRQ 19,
 * CTR of isochronous and double-buffered endpoints), {@code lowPriority} is
 * USB_LP_CAN1_RX0 (IRQ 20, every enabled event), {@code wakeup} is the USB wake-up event
 * into EXTI line 18 (USBWakeUp, IRQ 42), pulsed high then low. The board tells the
 * device its D+ pull-up with {@link #setPullUp} and its USB clock with
 * {@link #setUsbClock}.
 *
 * <p>Deviations, all deliberate: a device is "attached" when the D+ pull-up is present and
 * the controller is powered and out of reset (PDWN = 0, FRES = 0), so firmware that
 * resets the peripheral looks unplugged meanwhile. Frames (SOF, FNR.FN) run every 1 ms of
 * virtual time from the first bus reset while attached; suspend (SUSP) and missed frames
 * (ESOF) are never signalled, and remote wake-up (RESUME) reaches no host. A firmware
 * that forces suspend (FSUSP) sees WKUP and a wake-up pulse at the next bus activity.
 * An OUT packet longer than its RX buffer is not answered (the host reports a protocol
 * error) and nothing is stored. Isochronous and double-buffered endpoints do not answer.
 * The USB clock is checked when the device attaches: anything but 48 MHz is logged as a
 * guest error and the model carries on.
 */
public final class Stm32f1UsbFs extends RegisterDevice implements UsbHostPort {
    /** One full-speed frame. */
    static final long FRAME_PS = 1_000_000_000L;
    private static final long USB_CLOCK_HZ = 48_000_000L;

    private final Scheduler scheduler;
    private final MachineEvents events;
    private final IrqLine highPriority;
    private final IrqLine lowPriority;
    private final IrqLine wakeup;
    private final UsbFsRegisters r;
    private final PacketMemory pma;
    private final SerialInterfaceEngine sie;
    private final List<Consumer<Boolean>> attachListeners = new ArrayList<>();
    private final List<IntConsumer> endpointListeners = new ArrayList<>();
    private LongSupplier usbClockHz = () -> USB_CLOCK_HZ;
    private boolean pullUp;
    private boolean attached;
    /** The host has reset the port since the device attached, so it sends frames. */
    private boolean portEnabled;
    private int framesSinceReset;
    private Scheduler.Event frameTimer;
    /** A packet memory write was reported since the last register write or transaction. */
    private boolean pmaWriteReported;

    public Stm32f1UsbFs(DeviceLog log, Scheduler scheduler, MachineEvents events, IrqLine highPriority,
                        IrqLine lowPriority, IrqLine wakeup) {
        super(log, BusWidth.REPLICATED);
        this.scheduler = scheduler;
        this.events = events;
        this.highPriority = highPriority;
        this.lowPriority = lowPriority;
        this.wakeup = wakeup;
        this.r = new UsbFsRegisters(regs);
        this.pma = new PacketMemory(log);
        this.sie = new SerialInterfaceEngine(r.endpoints, new BufferTable(pma, r::tableOffset), pma, log);

        for (EndpointRegister e : r.endpoints) {
            e.address.onChange((oldEa, newEa) -> notifyEndpoint(oldEa));
            e.register.afterWrite(() -> {
                pmaWriteReported = false;
                updateInterrupts();
                notifyEndpoint(e.endpointNumber());
            });
        }
        r.cntr.afterWrite(this::controlWritten);
        r.ctr.readsAs(() -> pendingEndpoint() != null);
        r.dir.readsAs(() -> {
            EndpointRegister e = pendingEndpoint();
            return e != null && e.ctrRx.isSet();
        });
        r.epId.readsAs(() -> {
            EndpointRegister e = pendingEndpoint();
            return e == null ? 0 : e.index;
        });
        r.istr.afterWrite(this::updateInterrupts);
        // Readiness (isReady) changes when RESET is acknowledged or EF changes; other writes
        // to these registers cannot make a held transaction answerable.
        r.reset.onChange(set -> notifyEndpoint(ANY_ENDPOINT));
        r.enableFunction.onChange(set -> notifyEndpoint(ANY_ENDPOINT));
        // J state on an idle full-speed bus: D+ high, D- low.
        r.rxdp.readsAs(() -> attached);
        r.rxdm.readsAs(() -> false);
        pma.setOnCpuWrite(() -> {
            if (!pmaWriteReported) {
                pmaWriteReported = true;
                notifyEndpoint(ANY_ENDPOINT);
            }
        });
    }

    /** The packet memory: attach it at 0x40006000 with {@link PacketMemory#CPU_WINDOW} bytes. */
    public PacketMemory packetMemory() {
        return pma;
    }

    /** The board's D+ pull-up: a fixed resistor (always true) or a GPIO-switched one. */
    public void setPullUp(boolean present) {
        pullUp = present;
        updateAttached();
    }

    /** The USB kernel clock (RCC: PLLCLK / 1.5 or PLLCLK), checked on attach. */
    public void setUsbClock(LongSupplier hz) {
        this.usbClockHz = hz;
    }

    // ---- UsbHostPort ----------------------------------------------------------------

    @Override
    public boolean isAttached() {
        return attached;
    }

    @Override
    public void addAttachListener(Consumer<Boolean> listener) {
        attachListeners.add(listener);
    }

    /**
     * A USB reset from the host: ISTR.RESET, every EPnR cleared except its CTR bits,
     * DADDR = 0, so the device answers nothing until the firmware sets it up again
     * (RM0008 §23.4.2 "USB reset"; facts-usb.md §4.5). Ignored while detached.
     */
    @Override
    public void busReset() {
        if (!attached) {
            return;
        }
        resumeIfSuspended();
        portEnabled = true;
        framesSinceReset = 0;
        r.locked.set(false);
        usbReset();
        startFrames();
        publish("bus-reset", "host drove SE0");
        updateInterrupts();
    }

    /** Attached, RESET acknowledged, DADDR.EF = 1, and a control endpoint 0 taking SETUPs. */
    @Override
    public boolean isReady() {
        return attached && (r.events() & UsbFsRegisters.ISTR_RESET) == 0 && r.enableFunction.isSet()
                && sie.controlEndpointEnabled(0);
    }

    @Override
    public Handshake setup(int endpoint, byte[] setup) {
        if (!answering()) {
            return Handshake.NO_RESPONSE;
        }
        Handshake h = sie.setup(endpoint, setup);
        afterTransaction();
        return h;
    }

    @Override
    public Handshake out(int endpoint, DataPid pid, byte[] data) {
        if (!answering()) {
            return Handshake.NO_RESPONSE;
        }
        Handshake h = sie.out(endpoint, pid, data);
        afterTransaction();
        return h;
    }

    @Override
    public InResponse in(int endpoint) {
        if (!answering()) {
            return InResponse.of(Handshake.NO_RESPONSE);
        }
        InResponse response = sie.in(endpoint);
        afterTransaction();
        return response;
    }

    @Override
    public void addEndpointListener(IntConsumer endpointChanged) {
        endpointListeners.add(endpointChanged);
    }

    @Override
    public int frameNumber() {
        return r.frameNumber.get();
    }

    /** EPnR's hardware view (tests put registers in states firmware cannot write). */
    EndpointRegister endpointRegister(int n) {
        return r.endpoints[n];
    }

    // ---- RegisterDevice -------------------------------------------------------------

    @Override
    protected void onReset(ResetKind kind) {
        if (kind == ResetKind.POWER_ON) {
            pma.clear();
        }
        portEnabled = false;
        framesSinceReset = 0;
        stopFrames();
        updateAttached();
    }

    /**
     * LP: every ISTR event enabled in CNTR, CTR included (RM0008 §23.4.2 "USB low-priority
     * interrupt ... triggered by all USB events"); HP: CTR of isochronous and
     * double-buffered endpoints.
     */
    @Override
    protected void updateInterrupts() {
        boolean anyCtr = false;
        boolean highPriorityCtr = false;
        for (EndpointRegister e : r.endpoints) {
            if (e.hasCtr()) {
                anyCtr = true;
                highPriorityCtr |= e.isHighPriority();
            }
        }
        boolean ctrEnabled = r.ctrMask.isSet();
        lowPriority.set((r.events() & r.cntr.value()) != 0 || ctrEnabled && anyCtr);
        highPriority.set(ctrEnabled && highPriorityCtr);
    }

    // ---- internals ------------------------------------------------------------------

    /** CNTR write: FRES holds the peripheral in USB reset and raises RESET (RM0008 §23.5.2, CNTR.FRES). */
    private void controlWritten() {
        if (r.forceReset.isSet() && !r.powerDown.isSet()) {
            usbReset();
        }
        if (r.resume.isSet()) {
            log.unimplemented("resume", "CNTR.RESUME: remote wake-up signalling reaches no host");
        }
        updateAttached();
        updateInterrupts();
    }

    private void usbReset() {
        for (EndpointRegister e : r.endpoints) {
            e.busReset();
        }
        r.daddr.setValue(0);
        r.raise(UsbFsRegisters.ISTR_RESET);
    }

    private void updateAttached() {
        boolean now = pullUp && !r.powerDown.isSet() && !r.forceReset.isSet();
        if (now == attached) {
            return;
        }
        attached = now;
        if (now) {
            long hz = usbClockHz.getAsLong();
            if (hz != USB_CLOCK_HZ) {
                log.guestError("usb-clock", "USB clock is " + hz + " Hz, not 48 MHz: real hardware could not talk to "
                        + "the host (the model carries on)");
            }
        } else {
            portEnabled = false;
            stopFrames();
        }
        publish(now ? "attach" : "detach", "D+ pull-up " + (pullUp ? "present" : "absent") + ", PDWN="
                + (r.powerDown.isSet() ? 1 : 0) + ", FRES=" + (r.forceReset.isSet() ? 1 : 0));
        for (Consumer<Boolean> l : List.copyOf(attachListeners)) {
            l.accept(now);
        }
    }

    /** The function answers tokens: attached and DADDR.EF set (RM0008 §23.5.2, DADDR.EF). */
    private boolean answering() {
        if (!attached) {
            return false;
        }
        resumeIfSuspended();
        return r.enableFunction.isSet();
    }

    private void afterTransaction() {
        pmaWriteReported = false;
        updateInterrupts();
    }

    /** Bus activity while the firmware forced suspend is a resume: WKUP and the EXTI18 pulse. */
    private void resumeIfSuspended() {
        if (r.forceSuspend.isSet()) {
            r.raise(UsbFsRegisters.ISTR_WKUP);
            wakeup.set(true);
            wakeup.set(false);
            updateInterrupts();
        }
    }

    private void startFrames() {
        stopFrames();
        frameTimer = scheduler.after(FRAME_PS, this::frame);
    }

    private void stopFrames() {
        if (frameTimer != null) {
            frameTimer.cancel();
            frameTimer = null;
        }
    }

    /** Start of frame: FN advances, SOF is set, FNR.LCK after two frames in a row. */
    private void frame() {
        frameTimer = null;
        if (!attached || !portEnabled) {
            return;
        }
        resumeIfSuspended();
        r.frameNumber.set((r.frameNumber.get() + 1) & 0x7FF);
        r.lostSof.set(0);
        if (++framesSinceReset >= 2) {
            r.locked.set(true);
        }
        r.raise(UsbFsRegisters.ISTR_SOF);
        updateInterrupts();
        frameTimer = scheduler.after(FRAME_PS, this::frame);
    }

    /** The register whose CTR ISTR reports: high-priority endpoints first, then the lowest index. */
    private EndpointRegister pendingEndpoint() {
        EndpointRegister first = null;
        for (EndpointRegister e : r.endpoints) {
            if (e.hasCtr()) {
                if (e.isHighPriority()) {
                    return e;
                }
                if (first == null) {
                    first = e;
                }
            }
        }
        return first;
    }

    private void notifyEndpoint(int endpoint) {
        for (IntConsumer l : endpointListeners) {
            l.accept(endpoint);
        }
    }

    private void publish(String what, String detail) {
        events.publish(new MachineEvent.UsbEvent(scheduler.clock().nowPs(), what, detail));
    }
}
