package dev.stm32emu.cli.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** scripts/guest/build-image, run the way GuestImage runs it (from the classpath copy). */
class GuestImageIT {

    @TempDir
    Path cache;

    private GuestImage build(List<String> log) throws GuestException {
        return GuestImage.build(Map.of("STM32EMU_CACHE", cache.toString()), log::add);
    }

    @Test
    void shouldBuildAPvhKernelAndAnInitrdOnceAndThenReuseThem() throws Exception {
        List<String> cold = new ArrayList<>();
        long t0 = System.nanoTime();
        GuestImage first = build(cold);
        long coldMs = (System.nanoTime() - t0) / 1_000_000;
        t0 = System.nanoTime();
        List<String> warm = new ArrayList<>();
        GuestImage second = build(warm);
        long warmMs = (System.nanoTime() - t0) / 1_000_000;
        System.out.printf("guest image build: cold %d ms, warm %d ms; %s%n", coldMs, warmMs, first);
        cold.forEach(l -> System.out.println("  " + l));

        assertEquals(first, second);
        assertTrue(first.directory().startsWith(cache.resolve("guest")));
        assertTrue(first.pvh(), "vmlinux without a PVH note");
        assertEquals("7f454c46", hex(first.kernel(), 4)); // ELF
        assertEquals("1f8b", hex(first.initrd(), 2));      // gzip
        assertTrue(cold.stream().anyMatch(l -> l.contains("building image")), String.join("\n", cold));
        assertTrue(warm.stream().anyMatch(l -> l.contains("cached image")), String.join("\n", warm));
        assertTrue(Files.readString(first.directory().resolve("key.txt")).contains("dfu-util="));
    }

    @Test
    void shouldLeaveOneCompleteImageWhenTwoBuildsRace() throws Exception {
        CompletableFuture<GuestImage> a = CompletableFuture.supplyAsync(() -> quietBuild());
        CompletableFuture<GuestImage> b = CompletableFuture.supplyAsync(() -> quietBuild());
        assertEquals(a.get(2, TimeUnit.MINUTES), b.get(2, TimeUnit.MINUTES));
        assertEquals(List.of(a.get().directory().getFileName().toString()), entries(cache.resolve("guest")));
    }

    @Test
    void shouldRecoverFromABuildThatWasKilledHalfway() throws Exception {
        Path scripts = GuestImage.extractScripts();
        try {
            ProcessBuilder pb = new ProcessBuilder("bash", scripts.resolve("build-image").toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD);
            pb.environment().put("STM32EMU_CACHE", cache.toString());
            Process p = pb.start();
            try (InputStream err = p.getErrorStream()) {
                StringBuilder seen = new StringBuilder();
                for (int c; !seen.toString().contains("adding busybox") && (c = err.read()) >= 0; ) {
                    seen.append((char) c);
                }
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                p.waitFor();
            }
            for (String entry : entries(cache.resolve("guest"))) {
                if (entry.startsWith(".tmp-")) {
                    continue; // the killed build's work directory, never published
                }
                assertTrue(Files.exists(cache.resolve("guest").resolve(entry).resolve("image.env")),
                        "half image published: " + entry);
            }
            GuestImage image = build(new ArrayList<>());
            assertTrue(Files.isRegularFile(image.initrd()));
            assertEquals(List.of(image.directory().getFileName().toString()), entries(cache.resolve("guest")));
        } finally {
            GuestImage.deleteQuietly(scripts);
        }
    }

    @Test
    void shouldNameTheDebianPackagesWhenToolsAreMissing() throws Exception {
        Path scripts = GuestImage.extractScripts();
        try {
            ProcessBuilder pb = new ProcessBuilder("/bin/bash", scripts.resolve("build-image").toString());
            pb.environment().put("PATH", cache.resolve("empty-path").toString());
            pb.environment().put("STM32EMU_GUEST_NO_INSTALL", "1");
            pb.environment().put("STM32EMU_CACHE", cache.toString());
            Process p = pb.redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertEquals(3, p.waitFor(), out);
            assertTrue(out.contains("missing qemu-system-x86_64 (Debian package qemu-system-x86)"), out);
            assertTrue(out.contains("install them with: sudo apt-get install -y --no-install-recommends "), out);
            assertTrue(out.lines().anyMatch(l -> l.contains("apt-get install") && l.contains(" socat")
                    && l.contains(" cpio") && l.contains(" qemu-system-x86")), out);
        } finally {
            GuestImage.deleteQuietly(scripts);
        }
    }

    @Test
    void shouldNameThePackageOfAMissingHostCommand() {
        GuestException e = assertThrows(GuestException.class, () -> HostTools.require(
                List.of(new HostTools.Requirement("stm32emu-no-such-tool", "stm32emu-fake-package")), false, s -> { }));
        assertEquals("missing Debian package stm32emu-fake-package (for stm32emu-no-such-tool); install with: "
                + "sudo apt-get install -y --no-install-recommends stm32emu-fake-package", e.getMessage());
    }

    private GuestImage quietBuild() {
        try {
            return build(new ArrayList<>());
        } catch (GuestException e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> entries(Path dir) throws Exception {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.equals(".lock")).sorted().toList();
        }
    }

    private static String hex(Path file, int n) throws Exception {
        try (InputStream in = Files.newInputStream(file)) {
            return java.util.HexFormat.of().formatHex(in.readNBytes(n));
        }
    }
}
