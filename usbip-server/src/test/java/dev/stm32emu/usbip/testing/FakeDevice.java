package dev.stm32emu.usbip.testing;

import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.server.Urb;
import dev.stm32emu.usbip.server.UrbResult;
import dev.stm32emu.usbip.server.UsbIpDevice;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A test device. Control GET_DESCRIPTOR(DEVICE) is answered on a separate "machine" thread, as the
 * emulator would; every other URB is held until the test completes it, from any thread.
 */
public final class FakeDevice implements UsbIpDevice, AutoCloseable {
    private final UsbDeviceInfo info;
    private final Set<Integer> isoInEndpoints;
    private final ExecutorService machine = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "fake-machine");
        t.setDaemon(true);
        return t;
    });
    private final Map<Integer, Held> held = new ConcurrentHashMap<>();
    private final List<Integer> unlinked = new CopyOnWriteArrayList<>();
    private final AtomicInteger imports = new AtomicInteger();
    private final AtomicInteger releases = new AtomicInteger();
    private volatile CompletableFuture<Void> released = new CompletableFuture<>();

    public FakeDevice(UsbDeviceInfo info, Integer... isoInEndpoints) {
        this.info = info;
        this.isoInEndpoints = Set.of(isoInEndpoints);
    }

    @Override
    public UsbDeviceInfo info() {
        return info;
    }

    @Override
    public CompletionStage<UrbResult> submit(Urb urb) {
        CompletableFuture<UrbResult> result = new CompletableFuture<>();
        if (urb.isControl() && urb.in() && urb.bmRequestType() == 0x80 && urb.bRequest() == 6
                && urb.wValue() >> 8 == 1) {
            byte[] descriptor = Arrays.copyOf(Golden.DEVICE_DESCRIPTOR,
                    Math.min(urb.wLength(), Golden.DEVICE_DESCRIPTOR.length));
            machine.execute(() -> result.complete(UrbResult.ok(descriptor)));
        } else {
            held.put(urb.seqnum(), new Held(urb, result));
        }
        return result;
    }

    @Override
    public boolean unlink(int seqnum) {
        unlinked.add(seqnum);
        Held h = held.get(seqnum);
        return h != null && !h.result().isDone();
    }

    @Override
    public boolean isIsochronous(int endpoint, boolean in) {
        return in && isoInEndpoints.contains(endpoint);
    }

    @Override
    public void imported() {
        imports.incrementAndGet();
        released = new CompletableFuture<>();
    }

    @Override
    public void released() {
        releases.incrementAndGet();
        released.complete(null);
    }

    /** Waits until {@code count} URBs are held (the server submitted them). */
    public void awaitHeld(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (held.size() < count) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("only " + held.size() + " of " + count + " URBs arrived");
            }
            Thread.sleep(1);
        }
    }

    /** @return the held URB with that seqnum */
    public Urb heldUrb(int seqnum) {
        return held(seqnum).urb();
    }

    /** @return the seqnums of held URBs */
    public Set<Integer> heldSeqnums() {
        return Set.copyOf(held.keySet());
    }

    /** Completes a held URB, on the calling thread. */
    public void complete(int seqnum, UrbResult result) {
        held(seqnum).result().complete(result);
    }

    /** Fails a held URB, on the calling thread. */
    public void fail(int seqnum, Throwable error) {
        held(seqnum).result().completeExceptionally(error);
    }

    /** @return the seqnums the server unlinked, in order */
    public List<Integer> unlinked() {
        return List.copyOf(unlinked);
    }

    public int imports() {
        return imports.get();
    }

    public int releases() {
        return releases.get();
    }

    /** @return completes at the next {@link #released()} (reset at each import) */
    public CompletableFuture<Void> releasedFuture() {
        return released;
    }

    @Override
    public void close() {
        machine.shutdownNow();
    }

    private Held held(int seqnum) {
        Held h = held.get(seqnum);
        if (h == null) {
            throw new AssertionError("URB " + seqnum + " is not held; held: " + held.keySet());
        }
        return h;
    }

    private record Held(Urb urb, CompletableFuture<UrbResult> result) {
    }
}
