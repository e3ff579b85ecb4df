package dev.stm32emu.cli.guest;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Host commands the guest runner needs, each mapped to the Debian package that ships it. Missing
 * packages are installed with apt-get when running as root; otherwise the failure names the exact
 * apt-get command.
 */
public final class HostTools {

    /** A command looked up on PATH and the Debian package that provides it. */
    public record Requirement(String command, String debianPackage) {
    }

    public static final List<Requirement> GUEST_RUNNER = List.of(
            new Requirement("bash", "bash"),
            new Requirement("qemu-system-x86_64", "qemu-system-x86"),
            new Requirement("socat", "socat"));

    private HostTools() {
    }

    /** Finds {@code command} on PATH (or as given, when it contains a slash). */
    public static Optional<Path> find(String command) {
        if (command.contains("/")) {
            Path p = Path.of(command);
            return Files.isExecutable(p) ? Optional.of(p) : Optional.empty();
        }
        String path = Optional.ofNullable(System.getenv("PATH")).orElse("/usr/bin:/bin");
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            Path p = Path.of(dir, command);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** Checks the requirements, installing what is missing when {@link #mayInstall()}. */
    public static void require(Collection<Requirement> requirements, Consumer<String> progress)
            throws GuestException {
        require(requirements, mayInstall(), progress);
    }

    static void require(Collection<Requirement> requirements, boolean mayInstall, Consumer<String> progress)
            throws GuestException {
        Set<String> packages = missingPackages(requirements);
        if (packages.isEmpty()) {
            return;
        }
        if (!mayInstall) {
            throw new GuestException("missing Debian package" + (packages.size() > 1 ? "s " : " ")
                    + String.join(", ", packages) + " (for " + missingCommands(requirements)
                    + "); install with: sudo " + aptGetCommand(packages));
        }
        progress.accept("installing " + String.join(" ", packages));
        if (!aptGet(packages)) {
            throw new GuestException("'" + aptGetCommand(packages) + "' failed");
        }
        Set<String> still = missingPackages(requirements);
        if (!still.isEmpty()) {
            throw new GuestException("still missing after apt-get: " + missingCommands(requirements));
        }
    }

    /** The exact command that installs {@code packages}. */
    public static String aptGetCommand(Collection<String> packages) {
        return "apt-get install -y --no-install-recommends " + String.join(" ", packages);
    }

    /** Root may install packages unless STM32EMU_GUEST_NO_INSTALL=1. */
    public static boolean mayInstall() {
        return isRoot() && !"1".equals(System.getenv("STM32EMU_GUEST_NO_INSTALL"));
    }

    static boolean isRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"), StandardCharsets.UTF_8)) {
                if (line.startsWith("Uid:")) {
                    return line.split("\\s+")[1].equals("0");
                }
            }
        } catch (IOException | RuntimeException e) {
            // fall through: not Linux, or /proc unavailable
        }
        return "root".equals(System.getProperty("user.name"));
    }

    private static Set<String> missingPackages(Collection<Requirement> requirements) {
        Set<String> packages = new LinkedHashSet<>();
        for (Requirement r : requirements) {
            if (find(r.command()).isEmpty()) {
                packages.add(r.debianPackage());
            }
        }
        return packages;
    }

    private static String missingCommands(Collection<Requirement> requirements) {
        List<String> names = new ArrayList<>();
        for (Requirement r : requirements) {
            if (find(r.command()).isEmpty()) {
                names.add(r.command());
            }
        }
        return String.join(", ", names);
    }

    private static boolean aptGet(Collection<String> packages) {
        List<String> install = new ArrayList<>(List.of("apt-get", "install", "-y", "--no-install-recommends"));
        install.addAll(packages);
        return run(install) || (run(List.of("apt-get", "update")) && run(install));
    }

    private static boolean run(List<String> command) {
        try {
            ProcessBuilder pb = new ProcessBuilder(command).inheritIO()
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("DEBIAN_FRONTEND", "noninteractive");
            return pb.start().waitFor() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
