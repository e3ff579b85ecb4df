package dev.stm32emu.cli.e2e;

import dev.stm32emu.boards.DefinitionException;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.cli.guest.GuestResult;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;

/** Paths, boards and artefacts shared by the real-client tests (test layer 5). */
final class E2e {
    static final long FLASH_BASE = 0x0800_0000L;
    static final long APP_BASE = 0x0800_8000L;

    private E2e() {
    }

    /**
     * What a test needs to know about one of our F103 boards. The layout and sizes are the
     * bootloader's (firmware-samples/README.md, "DfuSe bootloader"), not derived from the code
     * under test.
     */
    record Board(String name, int flashSize, int pageSize, int transferSize, String layout) {
        static final Board BLUEPILL = new Board("bluepill", 64 * 1024, 1024, 1024,
                "@Internal Flash  /0x08000000/32*001Ka,32*001Kg");
        static final Board F103RC = new Board("f103rc", 256 * 1024, 2048, 2048,
                "@Internal Flash  /0x08000000/16*002Ka,112*002Kg");

        /**
         * The serial number string the bootloader reports: the 96-bit unique ID (from the board
         * definition) as three little-endian words, each as eight upper-case hex digits.
         */
        String serial() {
            try {
                byte[] uid = new DefinitionLoader().board(name).ids().uid();
                ByteBuffer b = ByteBuffer.wrap(uid).order(ByteOrder.LITTLE_ENDIAN);
                return String.format(Locale.ROOT, "%08X%08X%08X", b.getInt(0), b.getInt(4), b.getInt(8));
            } catch (DefinitionException e) {
                throw new IllegalStateException(e);
            }
        }

        Path bootloaderBin() {
            return firmware("f103/dfu-bootloader-" + name + ".bin");
        }

        Path appBin() {
            return firmware("f103/blink-app-" + name + ".bin");
        }

        Path appDfu() {
            return firmware("f103/blink-app-" + name + ".dfu");
        }
    }

    static Path firmware(String relative) {
        Path p = Path.of(System.getProperty("firmware.dir", "../firmware-samples/build")).resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new IllegalStateException(p + " is missing: the firmware is built by Maven (firmware-samples)");
        }
        return p;
    }

    /** The shaded jar failsafe runs after (cli/target/stm32emu.jar). */
    static Path jar() {
        Path jar = Path.of(System.getProperty("basedir", ".")).resolve("target/stm32emu.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar.toAbsolutePath() + " is missing: the *IT tests run after 'package' "
                    + "(mvn verify)");
        }
        return jar;
    }

    /** cli/target/e2e-artifacts/{@code test}, emptied. Kept after the run for CI to archive. */
    static Path artefacts(String test) {
        Path dir = Path.of(System.getProperty("basedir", ".")).resolve("target/e2e-artifacts").resolve(test);
        try {
            if (Files.exists(dir)) {
                try (Stream<Path> s = Files.walk(dir)) {
                    s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
            return Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Writes the guest's console, kernel log and returned files next to the emulator's output. */
    static void keep(Path artefacts, GuestResult r) {
        try {
            Files.writeString(artefacts.resolve("guest-console.txt"), r.console(), StandardCharsets.UTF_8);
            Files.writeString(artefacts.resolve("guest-kernel.log"), r.kernelLog(), StandardCharsets.UTF_8);
            Path files = Files.createDirectories(artefacts.resolve("guest-files"));
            for (Map.Entry<String, byte[]> f : r.files().entrySet()) {
                Path target = files.resolve(f.getKey());
                Files.createDirectories(target.getParent());
                Files.write(target, f.getValue());
            }
            Files.writeString(artefacts.resolve("guest-result.txt"), r + "\n", StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code size} bytes of deterministic noise: no page looks erased, no two pages alike. */
    static byte[] noise(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    /** {@code head} followed by noise up to {@code size} bytes. */
    static byte[] padded(byte[] head, int size, long seed) {
        byte[] b = noise(size, seed);
        System.arraycopy(head, 0, b, 0, head.length);
        return b;
    }

    static byte[] read(Path p) {
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
