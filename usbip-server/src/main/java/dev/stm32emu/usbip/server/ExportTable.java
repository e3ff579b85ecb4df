package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.message.UsbDeviceInfo;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;

/** The server's exports, keyed by bus id. Safe to use from any thread. */
final class ExportTable {
    private final Map<String, Export> exports = new ConcurrentHashMap<>();

    /** @throws IllegalStateException if the bus id is taken */
    Export add(UsbIpDevice device) {
        String busid = device.info().busid();
        Export export = new Export(busid, device);
        if (exports.putIfAbsent(busid, export) != null) {
            throw new IllegalStateException("bus id " + busid + " is already exported");
        }
        return export;
    }

    CompletionStage<Void> withdraw(String busid) {
        Export export = exports.remove(busid);
        return export == null ? CompletableFuture.completedFuture(null) : export.withdraw();
    }

    Export find(String busid) {
        return exports.get(busid);
    }

    /** @return every exported device, imported or not, by bus id */
    List<UsbDeviceInfo> all() {
        return exports.values().stream()
                .sorted(Comparator.comparing(Export::busid))
                .map(Export::info)
                .toList();
    }

    /**
     * What a DEVLIST reply shows: exported devices nobody imports. usbipd hides imported devices
     * for the same reasons (tools/usb/usbip/src/usbipd.c send_reply_devlist): an import would only
     * fail, and it would reveal another client's device.
     */
    List<UsbDeviceInfo> importable() {
        return exports.values().stream()
                .filter(e -> !e.isImported())
                .sorted(Comparator.comparing(Export::busid))
                .map(Export::info)
                .toList();
    }

    boolean isImported(String busid) {
        Export export = exports.get(busid);
        return export != null && export.isImported();
    }

    void clear() {
        exports.keySet().forEach(this::withdraw);
    }
}
