package dev.stm32emu.boards;

import dev.stm32emu.core.Machine;
import dev.stm32emu.periph.gpio.GpioPin;
import dev.stm32emu.periph.usart.SerialEndpoint;
import dev.stm32emu.periph.usart.Stm32Usart;
import dev.stm32emu.periph.usbfs.Stm32f1UsbFs;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What sits on the PCB around an STM32F1: pins the board drives (BOOT1 jumper, user
 * choices), the USB D+ pull-up, and where the USARTs' serial lines go.
 */
final class Stm32f1BoardWiring {
    private final Machine machine;
    private final BoardDefinition def;
    private final BoardOptions options;
    private final Board board;

    Stm32f1BoardWiring(Machine machine, BoardDefinition def, BoardOptions options, Board board) {
        this.machine = machine;
        this.def = def;
        this.options = options;
        this.board = board;
    }

    void wire() throws BoardException {
        drivePins();
        wireUsbPullUp();
        wireUarts();
    }

    /** Jumpers and the user's --pin choices; these levels stay through resets (the board holds them). */
    private void drivePins() throws BoardException {
        Map<String, Boolean> levels = new LinkedHashMap<>(def.board().pinLevels());
        if (!def.board().boot1Pin().isEmpty()) {
            levels.putIfAbsent(def.board().boot1Pin(), def.board().boot1() == 1);
        }
        levels.putAll(options.pins());
        for (Map.Entry<String, Boolean> e : levels.entrySet()) {
            board.pin(e.getKey()).drive(e.getValue());
        }
    }

    /**
     * The D+ pull-up tells the host a full-speed device is there (USB 2.0 §7.1.5). A fixed
     * resistor is always present, but a firmware that drives PA12 (D+) low as an output
     * holds the line down, which is how many F103 firmwares force a re-enumeration
     * (facts-usb.md §4.6). A GPIO-switched pull-up follows that pin.
     */
    private void wireUsbPullUp() throws BoardException {
        if (!(board.devices().get("usb") instanceof Stm32f1UsbFs usb)) {
            return;
        }
        String pullUp = def.board().usbPullUp();
        GpioPin dplus = board.pin("PA12");
        GpioPin control = pullUp.equals("fixed") || pullUp.equals("none") ? null : board.pin(pullUp);
        boolean activeLow = def.board().usbPullUpActiveLow();
        Runnable update = () -> {
            boolean resistor = switch (pullUp) {
                case "fixed" -> true;
                case "none" -> false;
                default -> control.level() != activeLow;
            };
            boolean heldLow = dplus.firmwareDrive() == GpioPin.Drive.LOW;
            usb.setPullUp(resistor && !heldLow);
        };
        dplus.addListener((p, level) -> update.run());
        if (control != null) {
            control.addListener((p, level) -> update.run());
        }
        machine.addResettable(kind -> update.run());
        update.run();
    }

    private void wireUarts() throws BoardException {
        Map<String, String> wanted = new LinkedHashMap<>();
        String console = def.board().console();
        if (!console.isEmpty()) {
            wanted.put(console, "stdout");
        }
        for (Map.Entry<String, String> e : options.uarts().entrySet()) {
            if (!(board.devices().get(e.getKey()) instanceof Stm32Usart)) {
                throw new BoardException("--uart: the " + def.mcu() + " has no USART named '" + e.getKey() + "'");
            }
            wanted.put(e.getKey(), e.getValue());
        }
        for (Map.Entry<String, String> e : wanted.entrySet()) {
            Stm32Usart usart = (Stm32Usart) board.devices().get(e.getKey());
            SerialEndpoint endpoint = endpoint(e.getKey(), e.getValue());
            usart.connect(endpoint);
            board.own(endpoint);
        }
    }

    private SerialEndpoint endpoint(String usart, String spec) throws BoardException {
        try {
            if (spec.equals("stdout")) {
                return SerialEndpoint.stdio(machine::post);
            }
            if (spec.equals("none")) {
                return SerialEndpoint.NONE;
            }
            if (spec.startsWith("tcp:")) {
                int port;
                try {
                    port = Integer.parseInt(spec.substring(4));
                } catch (NumberFormatException e) {
                    throw new BoardException("--uart " + usart + "=" + spec + ": not a port number");
                }
                if (port < 1 || port > 65535) {
                    throw new BoardException("--uart " + usart + "=" + spec + ": port must be 1..65535");
                }
                var server = SerialEndpoint.tcpServer(port, machine::post);
                board.note(usart + " is on tcp 127.0.0.1:" + port + " (connect with: nc 127.0.0.1 " + port + ")");
                return server;
            }
            return SerialEndpoint.file(Path.of(spec));
        } catch (IOException e) {
            throw new BoardException("--uart " + usart + "=" + spec + ": " + e.getMessage());
        }
    }
}
