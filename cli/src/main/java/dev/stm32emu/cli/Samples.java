package dev.stm32emu.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the firmware samples built with the project are (the ./stm32emu wrapper passes the repo root). */
final class Samples {
    private Samples() {
    }

    static Path home() {
        String h = System.getProperty("stm32emu.home");
        return Path.of(h != null ? h : ".").toAbsolutePath().normalize();
    }

    /** The built samples: {@code firmware.dir} when set (the tests set it), else under {@link #home()}. */
    static Path build() {
        String dir = System.getProperty("firmware.dir");
        return dir != null ? Path.of(dir).toAbsolutePath().normalize() : home().resolve("firmware-samples/build");
    }

    static Path require(String relative) {
        Path p = build().resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new UserError(p + " is missing: build the firmware samples first (./stm32emu builds them, "
                    + "or: make -C firmware-samples)");
        }
        return p;
    }
}
