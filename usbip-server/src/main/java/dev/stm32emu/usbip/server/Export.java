package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.message.UsbDeviceInfo;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * One exported device and who imports it. At most one session imports a device at a time. Claim,
 * release and withdrawal are decided under this object's lock, and the device's
 * {@link UsbIpDevice#imported()} and {@link UsbIpDevice#released()} run under it too, so a device
 * never sees a new import before the previous one's release, a withdrawn export is never claimed
 * again, and the moment {@code released()} returns the device can be imported again. The device
 * callbacks are non-blocking by contract, so the lock is held only briefly.
 */
final class Export {
    private static final System.Logger LOG = System.getLogger(Export.class.getName());

    private final String busid;
    private final UsbIpDevice device;
    private UsbIpSessionHandler importer;   // guarded by this
    private boolean withdrawn;              // guarded by this

    Export(String busid, UsbIpDevice device) {
        this.busid = busid;
        this.device = device;
    }

    String busid() {
        return busid;
    }

    UsbIpDevice device() {
        return device;
    }

    /** @return the device's record, with the bus id it was exported under (IMPORT must echo it, facts-usb.md §1.5) */
    UsbDeviceInfo info() {
        UsbDeviceInfo info = device.info();
        return info.busid().equals(busid) ? info : info.withBusid(busid);
    }

    /** Claims the device for a session and tells the device it is imported. */
    synchronized Claim claim(UsbIpSessionHandler session) {
        if (withdrawn) {
            return Claim.WITHDRAWN;
        }
        if (importer != null) {
            return Claim.BUSY;
        }
        try {
            device.imported();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "usbip: " + busid + ": imported() failed", e);
            return Claim.DEVICE_ERROR;
        }
        importer = session;
        return Claim.CLAIMED;
    }

    /** Tells the device its importer left (if this session imports it) and frees it for another import. */
    synchronized void release(UsbIpSessionHandler session) {
        if (importer != session) {
            return;
        }
        try {
            device.released();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "usbip: " + busid + ": released() failed", e);
        }
        importer = null;
    }

    synchronized boolean isImported() {
        return importer != null;
    }

    /**
     * Marks the export withdrawn and makes the importing session, if any, close after flushing the
     * replies it has already produced.
     *
     * @return completes when no session imports the device any more
     */
    CompletionStage<Void> withdraw() {
        UsbIpSessionHandler session;
        synchronized (this) {
            withdrawn = true;
            session = importer;
        }
        return session == null ? CompletableFuture.completedFuture(null) : session.closeForWithdrawal();
    }

    /** Outcome of an import attempt. */
    enum Claim {
        CLAIMED, BUSY, WITHDRAWN, DEVICE_ERROR
    }
}
