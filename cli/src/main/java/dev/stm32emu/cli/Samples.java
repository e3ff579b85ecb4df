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

    static Path require(String relative) {
        Path p = home().resolve("firmware-samples/build").resolve(relative);
        if (!Files.isRegularFile(p)) {
            throw new UserError(p + " is missing: build the firmware samples first (./stm32emu builds them, "
                    + "or: make -C firmware-samples)");
        }
        return p;
    }
}
