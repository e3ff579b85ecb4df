package dev.stm32emu.cli.guest;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * How QEMU runs the guest CPU. KVM is used only when it really works: /dev/kvm is usable and the
 * kvm_intel or kvm_amd module is loaded. kvm_pvm (a PVM host, facts-vm-e2e.md) cannot run a
 * stock kernel, so its presence means TCG. STM32EMU_GUEST_ACCEL=tcg|kvm|auto overrides.
 */
public enum Accelerator {
    TCG("tcg", "max"),
    KVM("kvm", "host");

    public static final String ENV = "STM32EMU_GUEST_ACCEL";

    private final String qemuName;
    private final String cpuModel;

    Accelerator(String qemuName, String cpuModel) {
        this.qemuName = qemuName;
        this.cpuModel = cpuModel;
    }

    /** The accelerator for this host, honouring {@value #ENV}. */
    public static Accelerator detect() throws GuestException {
        return select(System.getenv(), Path.of("/sys/module"), Path.of("/dev/kvm"));
    }

    static Accelerator select(Map<String, String> env, Path sysModule, Path devKvm) throws GuestException {
        String choice = env.getOrDefault(ENV, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "", "auto" -> kvmWorks(sysModule, devKvm) ? KVM : TCG;
            case "tcg" -> TCG;
            case "kvm" -> KVM;
            default -> throw new GuestException(ENV + "=" + choice + " is not one of auto, tcg, kvm");
        };
    }

    static boolean kvmWorks(Path sysModule, Path devKvm) {
        boolean usable = Files.exists(devKvm) && Files.isReadable(devKvm) && Files.isWritable(devKvm);
        boolean realKvm = Files.isDirectory(sysModule.resolve("kvm_intel"))
                || Files.isDirectory(sysModule.resolve("kvm_amd"));
        boolean pvm = Files.isDirectory(sysModule.resolve("kvm_pvm"));
        return usable && realKvm && !pvm;
    }

    /** The value for QEMU's {@code -accel}. */
    public String qemuName() {
        return qemuName;
    }

    /** The value for QEMU's {@code -cpu}. */
    public String cpuModel() {
        return cpuModel;
    }

    @Override
    public String toString() {
        return name();
    }
}
