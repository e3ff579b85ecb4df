package dev.stm32emu.cli.dfu;

import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.core.usb.TransferResult;
import dev.stm32emu.core.usb.UsbEnumerator;
import dev.stm32emu.core.usb.UsbTransferEngine;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The DFU host talking to an emulated board in the same process, through the host-side
 * transfer engine (USB layer 2). Waits (bwPollTimeout) pass in the machine's virtual time,
 * so a download takes as long as the firmware's work, not the declared sleeps.
 */
public final class EngineDfuTransport implements DfuTransport {
    /** A wall-clock guard: transfers end in virtual time long before this. */
    private static final long WALL_LIMIT_SECONDS = 120;
    private final BoardRunner runner;
    private final UsbTransferEngine engine;

    private EngineDfuTransport(BoardRunner runner, UsbTransferEngine engine) {
        this.runner = runner;
        this.engine = engine;
    }

    /**
     * Enumerates the board's USB device as a Linux host would (reset, descriptors,
     * SET_ADDRESS) and configures it (SET_CONFIGURATION 1), then returns a transport.
     */
    public static EngineDfuTransport open(BoardRunner runner) throws DfuTransferException {
        var port = runner.board().usb().orElseThrow(() -> new DfuTransferException(
                runner.board().definition().mcu() + " has no USB device"));
        UsbTransferEngine engine = wait(runner.call(() -> new UsbTransferEngine(port, runner.board().machine().scheduler())));
        // A host starts talking once the device connects (D+ pulled up): wait for the attach.
        wait(runner.compose(() -> {
            CompletableFuture<Void> attached = new CompletableFuture<>();
            if (port.isAttached()) {
                attached.complete(null);
            } else {
                port.addAttachListener(on -> {
                    if (on) {
                        attached.complete(null);
                    }
                });
            }
            return attached;
        }));
        EngineDfuTransport t = new EngineDfuTransport(runner, engine);
        t.enumerate();
        return t;
    }

    /** The engine (tests and reports). */
    public UsbTransferEngine engine() {
        return engine;
    }

    @Override
    public ControlResult controlIn(SetupPacket setup) {
        return control(setup, null);
    }

    @Override
    public ControlResult controlOut(SetupPacket setup, byte[] data) {
        return control(setup, data);
    }

    @Override
    public ControlResult resetDevice() {
        try {
            enumerate();
            return ControlResult.out(0);
        } catch (DfuTransferException e) {
            return ControlResult.failed(TransferStatus.DISCONNECTED);
        }
    }

    @Override
    public void sleep(long millis) {
        if (millis <= 0) {
            return;
        }
        try {
            wait(runner.compose(() -> {
                CompletableFuture<Void> done = new CompletableFuture<>();
                runner.board().machine().scheduler().after(millis * 1_000_000_000L, () -> done.complete(null));
                return done;
            }));
        } catch (DfuTransferException e) {
            throw new IllegalStateException("the machine stopped while the host waited " + millis + " ms", e);
        }
    }

    private ControlResult control(SetupPacket setup, byte[] data) {
        TransferResult r;
        try {
            r = wait(runner.compose(() -> engine.control(setup, data).result()));
        } catch (DfuTransferException e) {
            return ControlResult.failed(TransferStatus.DISCONNECTED);
        }
        return switch (r.status()) {
            case OK -> setup.isIn() ? ControlResult.in(r.data()) : ControlResult.out(r.actualLength());
            case STALL -> ControlResult.failed(TransferStatus.STALL);
            case TIMEOUT -> ControlResult.failed(TransferStatus.TIMEOUT);
            case DISCONNECTED -> ControlResult.failed(TransferStatus.DISCONNECTED);
            default -> ControlResult.failed(TransferStatus.ERROR);
        };
    }

    private void enumerate() throws DfuTransferException {
        var scheduler = runner.board().machine().scheduler();
        try {
            wait(runner.compose(() -> new UsbEnumerator(engine, scheduler).enumerate(2)));
        } catch (DfuTransferException e) {
            throw new DfuTransferException("USB enumeration failed: " + e.getMessage());
        }
        TransferResult r = wait(runner.compose(() -> engine.control(new SetupPacket(0x00, 9, 1, 0, 0), null).result()));
        if (r.status() != TransferResult.Status.OK) {
            throw new DfuTransferException("SET_CONFIGURATION(1) failed: " + r.status());
        }
    }

    private static <T> T wait(CompletableFuture<T> f) throws DfuTransferException {
        try {
            return f.get(WALL_LIMIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            throw new DfuTransferException(String.valueOf(e.getCause() == null ? e : e.getCause().getMessage()));
        } catch (TimeoutException e) {
            throw new DfuTransferException("no answer from the emulated board within " + WALL_LIMIT_SECONDS + " s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new DfuTransferException("interrupted");
        }
    }
}
