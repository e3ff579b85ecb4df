package dev.stm32emu.cli.dfu;

import dev.stm32emu.boards.Board;
import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.BoardFactory;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.boards.bridge.UsbIpBridge;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.image.ImageLoader;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.core.usb.EnumeratedDevice;
import dev.stm32emu.periph.usart.CapturingEndpoint;
import dev.stm32emu.usbip.client.ImportedDevice;
import dev.stm32emu.usbip.client.UsbIpClient;
import dev.stm32emu.usbip.client.UsbIpException;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.server.UsbIpServer;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * A board running our DfuSe bootloader, exported by the USB/IP bridge on 127.0.0.1 (an
 * ephemeral port) and a client for it: the path a remote host takes, on loopback.
 */
final class UsbIpBoard implements AutoCloseable {
    static final String BUSID = "1-1";
    final Board board;
    final BoardRunner runner;
    final UsbIpServer server;
    final UsbIpClient client = new UsbIpClient(Duration.ofSeconds(10));
    final CapturingEndpoint uart = new CapturingEndpoint();
    final List<MachineEvent> events = new CopyOnWriteArrayList<>();
    final List<String> bridgeEvents = new CopyOnWriteArrayList<>();

    UsbIpBoard(String name, boolean boot1) throws Exception {
        BoardDefinition def = new DefinitionLoader().board(name);
        board = new BoardFactory().build(def, BoardOptions.defaults(new CapturingConsole())
                .withPins(Map.of("PB2", boot1)).withUarts(Map.of("usart1", "none")).withInstantFlash(false));
        board.connectSerial("usart1", uart);
        board.loadFirmware(ImageLoader.load(fw("f103/dfu-bootloader-" + name + ".elf"), 0x0800_0000L));
        board.machine().events().subscribe(events::add);
        runner = new BoardRunner(board).start();
        server = UsbIpServer.builder().bindAddress("127.0.0.1").port(0).start();
        UsbIpBridge bridge = new UsbIpBridge(runner, board.usb().orElseThrow(), server, BUSID, 1, 2,
                new UsbIpBridge.BridgeListener() {
                    @Override
                    public void exported(UsbDeviceInfo info, EnumeratedDevice device) {
                        bridgeEvents.add("exported");
                    }

                    @Override
                    public void event(String what) {
                        bridgeEvents.add(what);
                    }
                });
        bridge.start().get(10, TimeUnit.SECONDS);
    }

    static Path fw(String relative) {
        return Path.of(System.getProperty("firmware.dir", "../firmware-samples/build")).resolve(relative);
    }

    /** Waits (wall time) until the bridge exports the device, as a user re-running `usbip list` would. */
    List<UsbDeviceInfo> awaitListed() throws Exception {
        for (int i = 0; i < 200; i++) {
            List<UsbDeviceInfo> devices = client.list("127.0.0.1", server.port());
            if (!devices.isEmpty()) {
                return devices;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the device was never exported; bridge: " + bridgeEvents + "; uart: " + uart.text());
    }

    List<UsbDeviceInfo> list() throws UsbIpException {
        return client.list("127.0.0.1", server.port());
    }

    /** Imports 1-1 and opens the DFU transport on it (enumeration and SET_CONFIGURATION included). */
    UsbIpDfuTransport open() throws Exception {
        awaitListed();
        ImportedDevice device = client.importDevice("127.0.0.1", server.port(), BUSID);
        return UsbIpDfuTransport.open(device);
    }

    /** Drives a board-side pin on the machine thread (a jumper moved). */
    void drive(String pin, boolean level) throws Exception {
        runner.call(() -> {
            board.pin(pin).drive(level);
            return null;
        }).get(10, TimeUnit.SECONDS);
    }

    @Override
    public void close() {
        client.close();
        server.close();
        runner.close();
        board.close();
    }
}
