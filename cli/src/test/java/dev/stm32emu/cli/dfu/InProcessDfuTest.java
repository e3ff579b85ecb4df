package dev.stm32emu.cli.dfu;

import dev.stm32emu.boards.Board;
import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardFactory;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.core.cpu.CpuRegister;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.image.ImageLoader;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.core.usb.SetupPacket;
import dev.stm32emu.periph.usart.CapturingEndpoint;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Layer 3, in process: our DfuSe bootloader on the emulated board, flashed by the Java
 * DfuSe host through the host-side transfer engine (ARCHITECTURE.md, USB layers 1-2).
 */
class InProcessDfuTest {
    private static final long APP = 0x0800_8000L;
    private Board board;
    private BoardRunner runner;
    private CapturingEndpoint uart;
    private final List<MachineEvent> events = new CopyOnWriteArrayList<>();

    @AfterEach
    void tearDown() {
        if (runner != null) {
            runner.close();
        }
        if (board != null) {
            board.close();
        }
    }

    private EngineDfuTransport boot(String boardName, boolean boot1) throws Exception {
        BoardDefinition def = new DefinitionLoader().board(boardName);
        board = new BoardFactory().build(def, BoardOptions.defaults(new CapturingConsole())
                .withPins(Map.of("PB2", boot1)).withUarts(Map.of("usart1", "none")).withInstantFlash(false));
        uart = new CapturingEndpoint();
        board.connectSerial("usart1", uart);
        board.loadFirmware(ImageLoader.load(fw("f103/dfu-bootloader-" + boardName + ".elf"), 0x0800_0000L));
        board.machine().events().subscribe(events::add);
        runner = new BoardRunner(board).start();
        return EngineDfuTransport.open(runner);
    }

    private static Path fw(String relative) {
        return Path.of(System.getProperty("firmware.dir", "../firmware-samples/build")).resolve(relative);
    }

    private static DfuHost host(DfuTransport t) {
        return new DfuHost(t, DfuHostOptions.DFU_UTIL_0_11);
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void enumeratesWithTheExpectedDescriptorsByteForByte(String name) throws Exception {
        EngineDfuTransport t = boot(name, false);
        assertEquals("12010002000000408304" + "11df0022010203" + "01",
                HexFormat.of().formatHex(t.deviceDescriptor().data()));
        String functional = name.equals("bluepill") ? "092103ff0000041a01" : "092103ff0000081a01";
        assertEquals("09021b00010100803209040000" + "00fe010204" + functional,
                HexFormat.of().formatHex(t.configurationDescriptor(0).data()));
        assertEquals("stm32emu", string(t, 1));
        assertEquals("DfuSe bootloader (" + name + ")", string(t, 2));
        assertEquals(name.equals("bluepill") ? "05D6FF3530344B4E43225421" : "54FF6E0678715751524106 67".replace(" ", ""),
                string(t, 3));
        assertEquals(name.equals("bluepill") ? "@Internal Flash  /0x08000000/32*001Ka,32*001Kg"
                : "@Internal Flash  /0x08000000/16*002Ka,112*002Kg", string(t, 4));
        assertTrue(uart.text().contains("dfu-bootloader: " + name + ": DFU mode (BOOT1 low)"), uart.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void downloadsTheAppUploadsItBackAndLeavesIntoIt(String name) throws Exception {
        EngineDfuTransport t = boot(name, false);
        byte[] app = Files.readAllBytes(fw("f103/blink-app-" + name + ".bin"));
        host(t).download(DfuProbe.AltFilter.number(0), DfuFile.raw(app), DfuseOptions.at(APP));
        byte[] back = host(t).upload(DfuProbe.AltFilter.number(0), DfuseOptions.at(APP).withLength(app.length), 0).data();
        assertArrayEquals(app, back, "uploaded app differs from the downloaded one");

        // Set the BOOT1 jumper, then leave: the bootloader resets and starts the app.
        runner.call(() -> {
            board.pin("PB2").drive(true);
            return null;
        }).get(10, TimeUnit.SECONDS);
        host(t).dfuseCommand(DfuProbe.AltFilter.number(0), DfuseOptions.at(APP).withLeave(true));
        long resetAt = waitFor(e -> e instanceof MachineEvent.Reset r && r.kind() != dev.stm32emu.core.event.ResetKind.POWER_ON);
        List<Long> edges = new ArrayList<>();
        waitUntil(() -> {
            edges.clear();
            for (MachineEvent e : events) {
                if (e instanceof MachineEvent.PinChange p && p.pin().equals("PC13") && p.timePs() > resetAt) {
                    edges.add(p.timePs());
                }
            }
            return edges.size() >= 5;
        });
        long half = Ticks.parseDuration("500ms");
        for (int i = 2; i < edges.size(); i++) {
            long period = edges.get(i) - edges.get(i - 1);
            assertTrue(Math.abs(period - half) <= half / 100, "PC13 half-period " + Ticks.formatSeconds(period));
        }
        assertTrue(uart.text().contains("blink-app: running from 0x08008000"), uart.text());
        int vtor = runner.call(() -> board.machine().scb().vtor()).get(10, TimeUnit.SECONDS);
        assertEquals((int) APP, vtor, "the app relocated VTOR to its own table");
        int pc = runner.call(() -> board.machine().cpu().read(CpuRegister.PC)).get(10, TimeUnit.SECONDS);
        assertTrue(pc >= APP && pc < 0x0801_0000L || pc >= 0x0800_8000L, String.format("PC 0x%08x in the app", pc));
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void staysInDfuWithBoot1HighWhenTheAppAreaIsErased(String name) throws Exception {
        EngineDfuTransport t = boot(name, true);
        assertEquals(1, host(t).list().size(), "the DFU interface is there");
        assertTrue(uart.text().contains("no app at 0x08008000"), uart.text());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void refusesADownloadIntoTheReadOnlyBootloaderArea(String name) throws Exception {
        EngineDfuTransport t = boot(name, false);
        DfuException e = assertThrows(DfuException.class, () -> host(t).download(DfuProbe.AltFilter.number(0),
                DfuFile.raw(new byte[256]), DfuseOptions.at(0x0800_1000L)));
        assertTrue(e.getMessage().toLowerCase().contains("not writ"), e.getMessage());
        // Forced past the host's check, the device itself refuses with errTARGET.
        DfuException forced = assertThrows(DfuException.class, () -> host(t).download(DfuProbe.AltFilter.number(0),
                DfuFile.raw(new byte[256]), DfuseOptions.at(0x0800_1000L).withForce()));
        assertTrue(forced.getMessage().contains("errTARGET"), forced.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void clrstatusRecoversFromDfuError(String name) throws Exception {
        EngineDfuTransport t = boot(name, false);
        // DfuSe ERASE of a page in the read-only bootloader area, then GETSTATUS: dfuERROR/errTARGET.
        int intf = 0;
        assertTrue(t.controlOut(new SetupPacket(0x21, 1, 0, intf, 5), new byte[]{0x41, 0, 0x10, 0, 8}).ok());
        DfuStatusReport busy = status(t);
        DfuStatusReport err = busy;
        for (int i = 0; i < 20 && err.stateCode() == DfuState.DFU_DNBUSY.code(); i++) {
            t.sleep(err.pollTimeoutMillis()); // as a host must: wait bwPollTimeout between polls
            err = status(t);
        }
        assertEquals(DfuState.DFU_ERROR.code(), err.stateCode(), busy + " then " + err);
        assertEquals(DfuStatus.ERR_TARGET.code(), err.statusCode());
        assertTrue(t.controlOut(new SetupPacket(0x21, 4, 0, intf, 0), new byte[0]).ok(), "CLRSTATUS");
        DfuStatusReport ok = status(t);
        assertEquals(DfuState.DFU_IDLE.code(), ok.stateCode());
        assertEquals(DfuStatus.OK.code(), ok.statusCode());
    }

    @ParameterizedTest
    @ValueSource(strings = {"bluepill", "f103rc"})
    void downloadsADfuseFile(String name) throws Exception {
        EngineDfuTransport t = boot(name, false);
        DfuFile file = DfuFile.read(fw("f103/blink-app-" + name + ".dfu"));
        assertTrue(file.isDfuse(), "a DfuSe file");
        host(t).download(DfuProbe.AltFilter.number(0), file, DfuseOptions.NONE);
        byte[] app = Files.readAllBytes(fw("f103/blink-app-" + name + ".bin"));
        byte[] back = host(t).upload(DfuProbe.AltFilter.number(0), DfuseOptions.at(APP).withLength(app.length), 0).data();
        assertArrayEquals(app, back);
    }

    private static DfuStatusReport status(DfuTransport t) {
        ControlResult r = t.controlIn(new SetupPacket(0xA1, 3, 0, 0, 6));
        assertTrue(r.ok(), "GETSTATUS " + r.status());
        return DfuStatusReport.parse(r.data());
    }

    private static String string(DfuTransport t, int index) {
        ControlResult r = t.getDescriptor(DfuTransport.DT_STRING, index, 0x0409, 255);
        assertTrue(r.ok(), "string " + index);
        byte[] d = r.data();
        return new String(d, 2, d.length - 2, StandardCharsets.UTF_16LE);
    }

    private long waitFor(java.util.function.Predicate<MachineEvent> p) throws InterruptedException {
        for (int i = 0; i < 600; i++) {
            for (MachineEvent e : events) {
                if (p.test(e)) {
                    return e.timePs();
                }
            }
            Thread.sleep(50);
        }
        throw new AssertionError("event not seen; events: " + events.size());
    }

    private void waitUntil(java.util.function.BooleanSupplier c) throws InterruptedException {
        for (int i = 0; i < 600 && !c.getAsBoolean(); i++) {
            Thread.sleep(50);
        }
        assertTrue(c.getAsBoolean(), "condition not reached");
    }
}
