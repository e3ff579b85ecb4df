package dev.stm32emu.cli;

import dev.stm32emu.cli.dfu.DfuHost;
import dev.stm32emu.cli.dfu.DfuHostOptions;
import dev.stm32emu.cli.dfu.DfuProbe;
import dev.stm32emu.cli.dfu.DfuseOptions;
import dev.stm32emu.cli.dfu.UsbIpDfuTransport;
import dev.stm32emu.usbip.client.UsbIpClient;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** `stm32emu demo --no-serve`: the whole self-flash, as a newcomer (or CI) sees it. */
class DemoCommandTest {

    @Test
    void runsTheSelfFlashToTheBlinkingAppAndExits() {
        CliRun r = CliRun.of("demo", "--no-serve");
        assertEquals(0, r.exitCode(), r.out() + r.err());
        String out = r.out();
        for (String line : List.of(
                "1. boot our DfuSe bootloader",
                "usart1| dfu-bootloader: bluepill: DFU mode (BOOT1 low)",
                "2. serve its USB device over USB/IP on 127.0.0.1:3240",
                "0483:df11 \"DfuSe bootloader (bluepill)\" exported",
                "3. flash blink-app-bluepill.bin through our own USB/IP client",
                "client: imported 1-1",
                "  erase   100%",
                "  write   100%",
                "  verify  100%",
                "BOOT1 (PB2) driven high",
                "reset (software, AIRCR.SYSRESETREQ), boot from flash",
                "usart1| blink-app: running from 0x08008000",
                "4. the app runs from 0x08008000 (VTOR 0x08008000",
                "LED on (PC13 low)",
                "LED off (PC13 high)",
                "done. Run ./stm32emu demo in a terminal")) {
            assertTrue(out.contains(line), "missing '" + line + "' in:\n" + out);
        }
        assertTrue(out.indexOf("verify  100%") < out.indexOf("blink-app: running"), "in order:\n" + out);
    }

    @Test
    void refusesServeAndNoServeTogether() {
        CliRun r = CliRun.of("demo", "--serve", "--no-serve");
        assertEquals(2, r.exitCode());
        assertEquals("stm32emu: --serve and --no-serve: choose one", r.err().strip());
    }

    @Test
    void fallsBackToAnEphemeralPortWhen3240IsTakenAndServesTheBootloaderAgain() throws Exception {
        ServerSocket squatter = null;
        try {
            squatter = new ServerSocket(DemoCommand.PORT, 1, InetAddress.getByName("127.0.0.1"));
        } catch (IOException alreadyTaken) {
            // someone else holds 3240: the fallback runs all the same
        }
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream oldOut = System.out;
        PrintStream oldErr = System.err;
        int[] exit = {-1};
        Thread demo = new Thread(() -> exit[0] = Main.commandLine().execute("demo", "--serve"), "demo");
        try {
            PrintStream sink = new PrintStream(captured, true, StandardCharsets.UTF_8);
            System.setOut(sink);
            System.setErr(sink);
            demo.start();
            String out = awaitOutput(captured, "press Ctrl-C to stop");
            assertTrue(out.contains("port 3240 on 127.0.0.1 is taken"), out);
            Matcher m = Pattern.compile("serving USB/IP on 127\\.0\\.0\\.1:(\\d+)").matcher(out);
            assertTrue(m.find(), out);
            int port = Integer.parseInt(m.group(1));
            assertTrue(port != DemoCommand.PORT, out);
            assertTrue(out.contains("--tcp-port " + port + " list -r 127.0.0.1"), "the hints name the port:\n" + out);
            assertTrue(out.contains("./stm32emu linux-client --usbip 127.0.0.1:" + port + " -- dfu-util -l"), out);

            // The bootloader is back and listed; the app it flashed is still in place.
            byte[] app = Files.readAllBytes(CliRun.firmware("f103/blink-app-bluepill.bin"));
            try (UsbIpClient client = new UsbIpClient()) {
                assertEquals("1-1", client.list("127.0.0.1", port).get(0).busid());
                try (UsbIpDfuTransport t = UsbIpDfuTransport.open(client.importDevice("127.0.0.1", port, "1-1"))) {
                    byte[] back = new DfuHost(t, DfuHostOptions.DFU_UTIL_0_11).upload(DfuProbe.AltFilter.number(0),
                            DfuseOptions.at(0x0800_8000L).withLength(app.length), 0).data();
                    assertArrayEquals(app, back);
                }
            }
        } finally {
            demo.interrupt();
            demo.join(20_000);
            System.setOut(oldOut);
            System.setErr(oldErr);
            if (squatter != null) {
                squatter.close();
            }
        }
        assertEquals(0, exit[0], captured.toString(StandardCharsets.UTF_8));
    }

    private static String awaitOutput(ByteArrayOutputStream captured, String marker) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            String out = captured.toString(StandardCharsets.UTF_8);
            if (out.contains(marker)) {
                return out;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no '" + marker + "' in:\n" + captured.toString(StandardCharsets.UTF_8));
    }
}
