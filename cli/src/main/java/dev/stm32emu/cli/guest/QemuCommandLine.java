package dev.stm32emu.cli.guest;

import java.nio.file.Path;
import java.util.List;

/**
 * The qemu-system-x86_64 command line of a guest session (facts-vm-e2e.md §2):
 * <ul>
 *   <li>the kernel booted directly (PVH entry of the extracted vmlinux), serial console on stdio,
 *       {@code -no-reboot} so the guest's {@code poweroff -f} (or a panic, panic=-1) ends QEMU;</li>
 *   <li>slirp networking with {@code restrict=on}: the guest reaches only the guestfwd address,
 *       where QEMU starts one relay ({@code socat - TCP:host:port}) per guest connection;
 *       the {@code cmd:} form is required, the {@code tcp:} chardev form serves only one
 *       connection (§3);</li>
 *   <li>a raw virtio disk the guest writes the files to send back onto.</li>
 * </ul>
 * The kernel command line adds {@code cryptomgr.notests} (the crypto self-tests cost about
 * 0.17 s under TCG), {@code stm32emu.bus=} for the /init's module choice, and on microvm under
 * TCG {@code tsc_early_khz=} (see {@link GuestMachine}). STM32EMU_GUEST_APPEND adds more.
 */
final class QemuCommandLine {

    /** Extra kernel command-line arguments. */
    static final String APPEND_ENV = "STM32EMU_GUEST_APPEND";

    private final GuestImage image;
    private final Accelerator accel;
    private final GuestMachine machine;
    private final int memoryMb;
    private final String extraKernelArgs;
    private String guestfwd = "";

    QemuCommandLine(GuestImage image, Accelerator accel, GuestMachine machine, int memoryMb, String extraKernelArgs) {
        this.image = image;
        this.accel = accel;
        this.machine = machine;
        this.memoryMb = memoryMb;
        this.extraKernelArgs = extraKernelArgs;
    }

    /**
     * Forwards guest connections to {@code guestHost:guestPort} to {@code host:port} on the host.
     * {@code tag} goes into the relay's command line (socat's -lp program name) so leftover relays
     * can be found; in QEMU's option syntax ",," is a literal comma.
     */
    QemuCommandLine relay(String guestHost, int guestPort, String host, int port, String tag) {
        guestfwd = ",guestfwd=tcp:" + guestHost + ":" + guestPort
                + "-cmd:socat -lp " + tag + " - TCP:" + host + ":" + port + ",,nodelay";
        return this;
    }

    List<String> build(Path initrd, Path outDisk) {
        return List.of("qemu-system-x86_64", "-nodefaults", "-no-user-config",
                "-machine", machine.qemuName(), "-accel", accel.qemuName(), "-cpu", accel.cpuModel(),
                "-m", memoryMb + "M", "-smp", "1", "-display", "none", "-no-reboot",
                "-kernel", image.kernel().toString(), "-initrd", initrd.toString(), "-append", kernelArgs(),
                "-serial", "stdio",
                "-netdev", "user,id=net0,restrict=on" + guestfwd,
                "-device", machine.netDevice() + ",netdev=net0",
                "-drive", "file=" + outDisk + ",format=raw,if=none,id=out0,cache=writeback",
                "-device", machine.blockDevice() + ",drive=out0");
    }

    String kernelArgs() {
        StringBuilder append = new StringBuilder("console=ttyS0 panic=-1 loglevel=4 cryptomgr.notests")
                .append(" stm32emu.bus=").append(machine.virtioBus());
        if (machine == GuestMachine.MICROVM && accel == Accelerator.TCG) {
            GuestMachine.hostTscKhz(System.getenv(), Path.of("/proc/cpuinfo"))
                    .ifPresent(khz -> append.append(" tsc_early_khz=").append(khz));
        }
        for (String extra : new String[] {extraKernelArgs, System.getenv(APPEND_ENV)}) {
            if (extra != null && !extra.isBlank()) {
                append.append(' ').append(extra.strip());
            }
        }
        return append.toString();
    }
}
