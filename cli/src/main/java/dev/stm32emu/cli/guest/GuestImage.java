package dev.stm32emu.cli.guest;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The cached guest image: a PVH vmlinux and the base initramfs, built by
 * {@code scripts/guest/build-image} from the installed Debian packages.
 *
 * <p>The scripts travel inside the jar as resources under {@value #RESOURCE_DIR} (cli/pom.xml
 * copies {@code scripts/guest/} there), so the shaded {@code stm32emu.jar} works from any
 * directory: they are written to a temporary directory and run from there. The script hashes its
 * own contents and the guest files into the cache key, so the temporary location does not matter.
 * STM32EMU_GUEST_SCRIPTS=DIR runs the scripts from DIR instead (for editing them without a build).
 *
 * @param directory     the cache directory of this image
 * @param kernel        the kernel QEMU boots (vmlinux with a PVH note, or the bzImage)
 * @param initrd        the base initramfs (gzip newc cpio)
 * @param kernelVersion the guest kernel release, as {@code uname -r} prints it
 * @param pvh           whether the kernel is booted through its PVH entry
 */
public record GuestImage(Path directory, Path kernel, Path initrd, String kernelVersion, boolean pvh) {

    public static final String RESOURCE_DIR = "dev/stm32emu/cli/guest/scripts";
    public static final String SCRIPTS_ENV = "STM32EMU_GUEST_SCRIPTS";
    static final List<String> SCRIPT_FILES = List.of("build-image", "init", "stm32emu-attach");

    private static final Object LOCK = new Object();
    private static GuestImage cached;

    /**
     * Returns the image, building it first if the cache has none for the installed package
     * versions. Memoized per JVM; build progress lines go to {@code progress}.
     */
    public static GuestImage ensure(Consumer<String> progress) throws GuestException {
        synchronized (LOCK) {
            if (cached != null && Files.isRegularFile(cached.kernel()) && Files.isRegularFile(cached.initrd())) {
                return cached;
            }
            cached = build(Map.of(), progress);
            return cached;
        }
    }

    /**
     * Runs build-image with extra environment variables (e.g. STM32EMU_CACHE) and returns what it
     * reports. Not memoized.
     */
    public static GuestImage build(Map<String, String> extraEnv, Consumer<String> progress) throws GuestException {
        HostTools.require(List.of(new HostTools.Requirement("bash", "bash")), progress);
        Path scripts = null;
        boolean temporary = false;
        try {
            String override = System.getenv(SCRIPTS_ENV);
            if (override != null && !override.isBlank()) {
                scripts = Path.of(override);
            } else {
                scripts = extractScripts();
                temporary = true;
            }
            return runBuildImage(scripts.resolve("build-image"), extraEnv, progress);
        } finally {
            if (temporary) {
                deleteQuietly(scripts);
            }
        }
    }

    /** Writes the scripts from the classpath (or, failing that, the source tree) to a temp dir. */
    static Path extractScripts() throws GuestException {
        try {
            Path dir = Files.createTempDirectory("stm32emu-guest-scripts");
            for (String name : SCRIPT_FILES) {
                Path target = dir.resolve(name);
                try (InputStream in = GuestImage.class.getClassLoader().getResourceAsStream(RESOURCE_DIR + "/" + name)) {
                    if (in != null) {
                        Files.copy(in, target);
                    } else {
                        Path source = sourceTreeScripts().map(d -> d.resolve(name)).orElseThrow(() ->
                                new GuestException("guest script " + name + " is neither on the classpath ("
                                        + RESOURCE_DIR + ") nor in scripts/guest/; rebuild the cli module"));
                        Files.copy(source, target);
                    }
                }
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            return dir;
        } catch (IOException e) {
            throw new GuestException("cannot write the guest scripts to a temporary directory: " + e.getMessage(), e);
        }
    }

    /** scripts/guest in the working directory or one of its parents (running from the repo). */
    private static Optional<Path> sourceTreeScripts() {
        for (Path dir = Path.of("").toAbsolutePath(); dir != null; dir = dir.getParent()) {
            Path candidate = dir.resolve("scripts/guest");
            if (Files.isRegularFile(candidate.resolve("build-image"))) {
                return Optional.of(candidate);
            }
        }
        return Optional.empty();
    }

    private static GuestImage runBuildImage(Path script, Map<String, String> extraEnv, Consumer<String> progress)
            throws GuestException {
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString());
        pb.environment().putAll(extraEnv);
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> values = new HashMap<>();
        List<String> errors = new ArrayList<>();
        int rc;
        try {
            Process p = pb.start();
            Thread stderr = Thread.ofVirtual().start(() -> forEachLine(p.getErrorStream(), line -> {
                progress.accept(line);
                if (line.contains("error:")) {
                    errors.add(line.substring(line.indexOf("error:") + 6).trim());
                }
            }));
            forEachLine(p.getInputStream(), line -> {
                int eq = line.indexOf('=');
                if (eq > 0) {
                    values.put(line.substring(0, eq), line.substring(eq + 1));
                }
            });
            rc = p.waitFor();
            stderr.join();
        } catch (IOException e) {
            throw new GuestException("cannot run " + script + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new GuestException("interrupted while building the guest image", e);
        }
        if (rc != 0) {
            String why = errors.isEmpty() ? "exit code " + rc : errors.getLast();
            throw new GuestException("guest image build failed: " + why);
        }
        for (String key : List.of("IMAGE_DIR", "KERNEL", "INITRD", "KERNEL_VERSION", "PVH")) {
            if (!values.containsKey(key)) {
                throw new GuestException("guest image build did not report " + key);
            }
        }
        return new GuestImage(Path.of(values.get("IMAGE_DIR")), Path.of(values.get("KERNEL")),
                Path.of(values.get("INITRD")), values.get("KERNEL_VERSION"), "yes".equals(values.get("PVH")));
    }

    private static void forEachLine(InputStream in, Consumer<String> action) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) {
                action.accept(line);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static void deleteQuietly(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (var walk = Files.walk(dir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    // best effort
                }
            });
        } catch (IOException e) {
            // best effort
        }
    }
}
