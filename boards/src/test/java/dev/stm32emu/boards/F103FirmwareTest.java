package dev.stm32emu.boards;

import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.time.Ticks;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 4 on the F103 boards: our register-level samples (firmware-samples/f103) booted on
 * the bluepill, asserting semihosting exit codes, UART text and GPIO edge times in
 * virtual time.
 */
class F103FirmwareTest {

    static Stream<String> selfContainedTests() throws Exception {
        List<String> out = new ArrayList<>();
        for (String line : Files.readAllLines(TestBoards.firmware("f103/tests.tsv"))) {
            String[] f = line.split("\t");
            if (!f[0].equals("image") && f[4].startsWith("none")) {
                out.add(f[0] + "|" + f[1] + "|" + f[2] + "|" + f[3]);
            }
        }
        assertTrue(out.size() >= 4, "expected the flash, WRP, IWDG and BKP tests in tests.tsv: " + out);
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("selfContainedTests")
    void sampleReportsPassAndExitsWithItsCode(String spec) throws Exception {
        String[] f = spec.split("\\|");
        try (TestBoards.Built b = TestBoards.build(f[1], TestBoards.firmware(f[0]), Map.of())) {
            b.board().powerOn();
            MachineStop stop = b.board().run(Ticks.parseDuration("10s"));
            String out = b.semihosting().stdoutText();
            assertEquals(MachineStop.Kind.EXITED, stop.kind(), () -> stop.message() + "\n" + out);
            assertEquals(Integer.parseInt(f[2]), stop.exitCode(), out);
            String[] lines = out.strip().split("\n");
            assertEquals(f[3], lines[lines.length - 1].strip(), out);
        }
    }

    @Test
    void blinkTogglesPc13Every500msOfVirtualTimeAndPrintsItsBanner() throws Exception {
        try (TestBoards.Built b = TestBoards.build("bluepill", TestBoards.firmware("f103/blink.elf"), Map.of())) {
            List<Long> edges = new ArrayList<>();
            b.board().machine().events().subscribe(e -> {
                if (e instanceof MachineEvent.PinChange p && p.pin().equals("PC13")) {
                    edges.add(p.timePs());
                }
            });
            b.board().powerOn();
            MachineStop stop = b.board().run(Ticks.parseDuration("3s"));
            assertEquals(MachineStop.Kind.TIMEOUT, stop.kind());
            assertEquals("blink: bluepill at 72 MHz\r\n", b.uart().text());
            assertTrue(edges.size() >= 6, "PC13 edges: " + edges.size());
            long half = Ticks.parseDuration("500ms");
            for (int i = 2; i < edges.size(); i++) {
                long period = edges.get(i) - edges.get(i - 1);
                assertTrue(Math.abs(period - half) <= half / 100, "edge " + i + " after " + Ticks.formatSeconds(period) + "s");
            }
            assertEquals(72_000_000, b.board().machine().clock().coreHz(), "HSE x9 PLL");
        }
    }

    @Test
    void extiInterruptRunsWhenTheBoardDrivesPa0High() throws Exception {
        try (TestBoards.Built b = TestBoards.build("bluepill", TestBoards.firmware("f103/exti_test.elf"), Map.of())) {
            b.board().powerOn();
            b.board().machine().scheduler().after(Ticks.parseDuration("20ms"), () -> b.board().pin("PA0").drive(true));
            MachineStop stop = b.board().run(Ticks.parseDuration("10s"));
            assertEquals(0, stop.exitCode(), b.semihosting().stdoutText());
            assertTrue(b.semihosting().stdoutText().contains("PASS exti_test"), b.semihosting().stdoutText());
        }
    }

    @Test
    void extiTestFailsWhenNothingDrivesThePin() throws Exception {
        try (TestBoards.Built b = TestBoards.build("bluepill", TestBoards.firmware("f103/exti_test.elf"), Map.of())) {
            b.board().powerOn();
            MachineStop stop = b.board().run(Ticks.parseDuration("10s"));
            assertEquals(1, stop.exitCode(), "the test must be able to fail: " + b.semihosting().stdoutText());
        }
    }
}
