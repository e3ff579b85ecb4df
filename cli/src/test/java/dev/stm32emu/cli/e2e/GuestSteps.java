package dev.stm32emu.cli.e2e;

import dev.stm32emu.cli.guest.Attachment;
import dev.stm32emu.cli.guest.GuestException;
import dev.stm32emu.cli.guest.GuestImage;
import dev.stm32emu.cli.guest.GuestListener;
import dev.stm32emu.cli.guest.GuestResult;
import dev.stm32emu.cli.guest.GuestRun;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * One guest session built step by step: each step remembers its 1-based command index, so the
 * tests can find its result by name rather than by counting.
 */
final class GuestSteps {
    /**
     * Shell snippet: wait (at most 10 s) until vhci-hcd has no imported device left, then show
     * `usbip port`, the vhci port table and the USB devices in sysfs. Fails if a port stays in use.
     */
    static final String AWAIT_PORT_FREE = """
            n=0
            while usbip port 2>/dev/null | grep -q '^Port '; do
                n=$((n + 1))
                if [ $n -ge 100 ]; then echo "a vhci port is still in use after 10 s"; usbip port; exit 1; fi
                usleep 100000
            done
            echo "vhci ports free after about $((n * 100)) ms"
            echo "--- usbip port"; usbip port
            echo "--- vhci status"; cat /sys/devices/platform/vhci_hcd.0/status
            echo "--- usb devices"; ls /sys/bus/usb/devices
            """;

    /** Shell snippet: the sysfs attributes of every attached 0483 device, as name=value lines. */
    static final String SYSFS_DEVICE = """
            for d in /sys/bus/usb/devices/*; do
                [ "$(cat "$d/idVendor" 2>/dev/null)" = 0483 ] || continue
                echo "device=${d##*/}"
                for a in idVendor idProduct bcdDevice manufacturer product serial bConfigurationValue speed; do
                    echo "$a=$(cat "$d/$a")"
                done
            done
            """;

    private final GuestRun.Builder run;
    private final List<Attachment> attachments = new CopyOnWriteArrayList<>();
    private int count;

    GuestSteps(GuestImage image, int usbipPort, Duration timeout) {
        this.run = GuestRun.builder().image(image).usbipTarget("127.0.0.1", usbipPort).timeout(timeout)
                .commandTimeout(Duration.ofSeconds(60))
                .consoleSink(line -> System.out.println("  " + line))
                .listener(new GuestListener() {
                    @Override
                    public void attached(Attachment a) {
                        attachments.add(a);
                    }
                });
    }

    /** A command; returns its index. */
    int command(String shell) {
        run.command(shell);
        return ++count;
    }

    /** The standard attach step (usbip attach, wait until configured, usbip port); the session stops if it fails. */
    int attach() {
        run.attach("1-1");
        return ++count;
    }

    GuestSteps input(String name, byte[] content) {
        run.inputFile(name, content);
        return this;
    }

    GuestSteps collect(String name) {
        run.collectFile(name);
        return this;
    }

    GuestResult run() throws GuestException {
        return run.run();
    }

    /** Every attachment the session made, in order. */
    List<Attachment> attachments() {
        return List.copyOf(attachments);
    }
}
