package dev.stm32emu.cli.guest;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The QEMU machine type. microvm boots about 0.3 s faster than pc (no PCI, no firmware tables to
 * speak of), but has neither HPET nor ACPI PM timer, so under TCG the kernel's PIT calibration of
 * the TSC sometimes fails ("tsc: Unable to calibrate against PIT") and the boot hangs. Passing
 * the host's TSC frequency as tsc_early_khz= avoids the calibration; TCG's guest TSC is the host
 * TSC. Without a known frequency the pc machine is used. STM32EMU_GUEST_MACHINE=microvm|pc|auto
 * overrides, STM32EMU_GUEST_TSC_KHZ supplies the frequency.
 */
public enum GuestMachine {
    MICROVM("microvm", "virtio-net-device", "virtio-blk-device", "mmio"),
    PC("pc", "virtio-net-pci", "virtio-blk-pci", "pci");

    public static final String ENV = "STM32EMU_GUEST_MACHINE";
    public static final String TSC_ENV = "STM32EMU_GUEST_TSC_KHZ";

    private final String qemuName;
    private final String netDevice;
    private final String blockDevice;
    private final String virtioBus;

    GuestMachine(String qemuName, String netDevice, String blockDevice, String virtioBus) {
        this.qemuName = qemuName;
        this.netDevice = netDevice;
        this.blockDevice = blockDevice;
        this.virtioBus = virtioBus;
    }

    /** The machine for this host, honouring {@value #ENV}. */
    public static GuestMachine detect(Accelerator accelerator) throws GuestException {
        return select(System.getenv(), accelerator, hostTscKhz(System.getenv(), Path.of("/proc/cpuinfo")));
    }

    static GuestMachine select(Map<String, String> env, Accelerator accelerator, OptionalLong tscKhz)
            throws GuestException {
        String choice = env.getOrDefault(ENV, "auto").trim().toLowerCase(Locale.ROOT);
        return switch (choice) {
            case "", "auto" -> accelerator == Accelerator.KVM || tscKhz.isPresent() ? MICROVM : PC;
            case "microvm" -> MICROVM;
            case "pc" -> PC;
            default -> throw new GuestException(ENV + "=" + choice + " is not one of auto, microvm, pc");
        };
    }

    /**
     * The host TSC frequency in kHz: {@value #TSC_ENV}, else /proc/cpuinfo's "cpu MHz" when the
     * TSC is constant and the value is the TSC rate (a guest of a hypervisor, or a CPU that
     * reports tsc_known_freq). Empty when unknown.
     */
    static OptionalLong hostTscKhz(Map<String, String> env, Path cpuinfo) {
        String forced = env.get(TSC_ENV);
        if (forced != null && forced.matches("\\d+")) {
            return OptionalLong.of(Long.parseLong(forced));
        }
        try {
            String mhz = null;
            String flags = "";
            for (String line : Files.readAllLines(cpuinfo, StandardCharsets.UTF_8)) {
                if (mhz == null && line.startsWith("cpu MHz")) {
                    mhz = line.substring(line.indexOf(':') + 1).trim();
                } else if (flags.isEmpty() && line.startsWith("flags")) {
                    flags = " " + line.substring(line.indexOf(':') + 1).trim() + " ";
                }
            }
            boolean trusted = flags.contains(" constant_tsc ")
                    && (flags.contains(" hypervisor ") || flags.contains(" tsc_known_freq "));
            if (mhz != null && trusted) {
                long khz = Math.round(Double.parseDouble(mhz) * 1000);
                return khz > 100_000 ? OptionalLong.of(khz) : OptionalLong.empty();
            }
        } catch (IOException | RuntimeException e) {
            // unknown
        }
        return OptionalLong.empty();
    }

    public String qemuName() {
        return qemuName;
    }

    String netDevice() {
        return netDevice;
    }

    String blockDevice() {
        return blockDevice;
    }

    /** The virtio transport the guest's /init loads modules for (stm32emu.bus=). */
    String virtioBus() {
        return virtioBus;
    }

    @Override
    public String toString() {
        return qemuName;
    }
}
