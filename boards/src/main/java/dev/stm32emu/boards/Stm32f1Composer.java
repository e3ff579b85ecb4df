package dev.stm32emu.boards;

import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.Machine;
import dev.stm32emu.core.bus.UnimplementedDevice;
import dev.stm32emu.core.cortexm.Nvic;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.periph.adc.SharedIrqLine;
import dev.stm32emu.periph.adc.Stm32f1Adc;
import dev.stm32emu.periph.afio.Stm32f1Afio;
import dev.stm32emu.periph.bkp.Stm32f1Bkp;
import dev.stm32emu.periph.dbgmcu.Stm32f1Dbgmcu;
import dev.stm32emu.periph.exti.Stm32f1Exti;
import dev.stm32emu.periph.flash.FlashImageException;
import dev.stm32emu.periph.flash.FlashStorage;
import dev.stm32emu.periph.flash.FlashTiming;
import dev.stm32emu.periph.flash.Stm32f1FlashController;
import dev.stm32emu.periph.gpio.Stm32f1GpioPort;
import dev.stm32emu.periph.iwdg.Stm32f1Iwdg;
import dev.stm32emu.periph.pwr.Stm32f1Pwr;
import dev.stm32emu.periph.rcc.Stm32f1Rcc;
import dev.stm32emu.periph.rtc.Stm32f1Rtc;
import dev.stm32emu.periph.tim.Stm32f1GeneralPurposeTimer;
import dev.stm32emu.periph.usart.Stm32Usart;
import dev.stm32emu.periph.usbfs.PacketMemory;
import dev.stm32emu.periph.usbfs.Stm32f1UsbFs;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Composes an STM32F1 chip on a {@link Machine} from its definition (RM0008 memory map,
 * §3.3; the peripherals the MCU file lists) and wires what the board adds. The composition
 * root for the F1 family, called by {@link BoardFactory}.
 */
final class Stm32f1Composer {
    private static final long INFO_PAGE = 0x1FFF_F000L;
    private static final long OPTION_BYTES = 0x1FFF_F800L;

    private final Machine machine;
    private final BoardDefinition def;
    private final BoardOptions options;
    private final Board board;
    private final Nvic nvic;
    private final Map<String, Object> devices = new LinkedHashMap<>();
    private final Map<Integer, SharedIrqLine> sharedIrqs = new HashMap<>();

    Stm32f1Composer(Machine machine, BoardDefinition def, BoardOptions options, Board board) {
        this.machine = machine;
        this.def = def;
        this.options = options;
        this.board = board;
        this.nvic = machine.nvic();
    }

    void compose() throws BoardException {
        // Memories: flash (optionally a file), SRAM, the information page with system memory,
        // the identification words and the option bytes.
        BoardDefinition.Area flashArea = def.memory().flash();
        FlashStorage storage = openFlash(flashArea.size());
        board.own(storage);
        board.setFlashStorage(storage);
        MemorySegment sram = machine.allocate(def.memory().sram().size(), 0);
        MemorySegment sysmem = machine.allocate(2048, 0xFF);
        MemorySegment optionPage = machine.allocate(1024, 0xFF);
        loadSystemMemory(sysmem);
        writeIds(sysmem, flashArea.size());
        MemorySegment optionBytes = optionPage.asSlice(0, 16);
        Stm32f1FlashController.writeFactoryOptionBytes(optionBytes);

        Stm32f1Pwr pwr = add("pwr", new Stm32f1Pwr(machine.log("pwr")));
        Stm32f1Rcc rcc = add("rcc", new Stm32f1Rcc(machine.log("rcc"), machine.clock(), def.board().hseHz(),
                def.board().lseHz(), pwr::backupWriteEnabled, irq("rcc", 0)));
        BootSelector[] boot = new BootSelector[1];
        Stm32f1FlashController flash = add("flash", new Stm32f1FlashController(machine.log("flash"), machine.scheduler(),
                machine.events(), storage.segment(), (int) def.memory().flashPageSize(), optionBytes,
                options.instantFlash() ? FlashTiming.INSTANT : FlashTiming.DATASHEET, (offset, length) -> {
                    machine.cpu().invalidateCode(flashArea.base() + offset, length);
                    if (boot[0] != null && boot[0].flashAtZero()) {
                        machine.cpu().invalidateCode(offset, length);
                    }
                }, irq("flash", 0)));
        long flashEnd = flashArea.base() + flashArea.size();
        flash.setFetchStall(untilPs -> machine.stallFetches(pc -> (pc >= flashArea.base() && pc < flashEnd)
                || (pc < flashArea.size() && boot[0] != null && boot[0].flashAtZero()), untilPs));
        machine.addMemory("flash", flashArea.base(), storage.segment(), MemoryPermissions.RX, flash.flashInterceptor());
        machine.addMemory("sram", def.memory().sram().base(), sram, MemoryPermissions.RWX, null);
        machine.addMemory("system memory", INFO_PAGE, sysmem, MemoryPermissions.RX, (o, s, v, c) -> {
            machine.log("memory").guestError("sysmem", String.format("store to system memory at 0x%08x ignored",
                    INFO_PAGE + o));
            return c;
        });
        machine.addMemory("option bytes", OPTION_BYTES, optionPage, MemoryPermissions.R, flash.optionByteInterceptor(0));
        machine.enableBitBand();
        for (BoardDefinition.Window w : def.peripheralWindows()) {
            machine.mapPeripheralWindow(w.base(), w.size());
        }

        Stm32f1Exti exti = add("exti", new Stm32f1Exti(machine.log("exti"),
                peripheral("exti").irqs().stream().map(n -> (IrqLine) nvic.line(n)).toList()));
        Stm32f1Afio afio = add("afio", new Stm32f1Afio(machine.log("afio"), exti::input));
        Stm32f1Bkp bkp = add("bkp", new Stm32f1Bkp(machine.log("bkp"),
                Integer.parseInt(peripheral("bkp").property("dataRegisters", "10")), pwr::backupWriteEnabled, irq("bkp", 0)));
        Stm32f1Rtc rtc = add("rtc", new Stm32f1Rtc(machine.log("rtc"), machine.scheduler(), rcc, pwr::backupWriteEnabled,
                irq("rtc", 0), exti.input(17)));
        rcc.addBackupDomainResetListener(bkp::backupDomainReset);
        rcc.addBackupDomainResetListener(rtc::backupDomainReset);

        for (BoardDefinition.Peripheral p : def.peripherals()) {
            if (!devices.containsKey(p.name())) {
                createOther(p, rcc, flash, afio, exti);
            }
        }
        for (BoardDefinition.Peripheral p : def.peripherals()) {
            Object d = devices.get(p.name());
            if (d instanceof dev.stm32emu.core.bus.MmioDevice m) {
                machine.attach(p.name(), p.base(), p.size(), m);
            }
            if (d instanceof Stm32f1UsbFs usb) {
                long pma = Long.decode(p.property("pma", "0x40006000"));
                machine.attach(p.name() + "-pma", pma, PacketMemory.CPU_WINDOW, usb.packetMemory());
            }
        }
        // Reset order: flash before the IWDG (it reads the option bytes the flash reloads),
        // everything before the boot pins are sampled.
        for (Object d : devices.values()) {
            if (d instanceof dev.stm32emu.core.Resettable r) {
                machine.addResettable(r);
            }
        }
        wireReset(rcc);
        boot[0] = new BootSelector(machine, this::boot0, this::boot1,
                new BootSelector.Source("flash", storage.segment(), MemoryPermissions.RX, flash.flashInterceptor()),
                new BootSelector.Source("system memory", sysmem, MemoryPermissions.RX, (o, s, v, c) -> c),
                new BootSelector.Source("sram", sram, MemoryPermissions.RWX, null));
        machine.addResettable(boot[0]);
        board.setDevices(devices);
        new Stm32f1BoardWiring(machine, def, options, board).wire();
    }

    private void createOther(BoardDefinition.Peripheral p, Stm32f1Rcc rcc, Stm32f1FlashController flash, Stm32f1Afio afio,
                             Stm32f1Exti exti) throws BoardException {
        switch (p.type()) {
            case "stm32f1.gpio" -> {
                char letter = Character.toUpperCase(p.name().charAt(p.name().length() - 1));
                Stm32f1GpioPort port = add(p.name(), new Stm32f1GpioPort(letter, machine.log(p.name()), machine.events(),
                        machine.clock()));
                afio.attachPort(letter - 'A', port);
            }
            case "stm32f1.usart" -> add(p.name(), new Stm32Usart(machine.log(p.name()), machine.scheduler(), rcc,
                    p.property("bus", "apb1").equals("apb2") ? 2 : 1, irq(p.name(), 0)));
            case "stm32f1.tim" -> add(p.name(), new Stm32f1GeneralPurposeTimer(machine.log(p.name()), machine.scheduler(),
                    rcc, 1, irq(p.name(), 0)));
            case "stm32f1.adc" -> add(p.name(), new Stm32f1Adc(machine.log(p.name()), machine.scheduler(), rcc,
                    shared(p.irqs().get(0)), p.name().equals("adc1")));
            case "stm32f1.iwdg" -> add(p.name(), new Stm32f1Iwdg(machine.log(p.name()), machine.scheduler(), rcc,
                    rcc::forceLsiOn, flash::hardwareWatchdog, machine::requestReset));
            case "stm32f1.dbgmcu" -> add(p.name(), new Stm32f1Dbgmcu(machine.log(p.name()), def.ids().devId(),
                    def.ids().revId()));
            case "stm32f1.usbfs" -> {
                Stm32f1UsbFs usb = add(p.name(), new Stm32f1UsbFs(machine.log(p.name()), machine.scheduler(),
                        machine.events(), irq(p.name(), 0), irq(p.name(), 1), exti.input(18)));
                usb.setUsbClock(rcc::usbClockHz);
            }
            case "unimplemented" -> add(p.name(), new UnimplementedDevice(machine.log(p.name()), resetValues(p)));
            default -> throw new BoardException(def.source() + ": peripheral '" + p.name() + "': unknown type '" + p.type()
                    + "'");
        }
    }

    private void wireReset(Stm32f1Rcc rcc) {
        // APB2RSTR/APB1RSTR bits (RM0008 §7.3.4, §7.3.5) reset the peripherals we model.
        Map<String, int[]> bits = Map.ofEntries(Map.entry("afio", new int[]{2, 0}), Map.entry("gpioa", new int[]{2, 2}),
                Map.entry("gpiob", new int[]{2, 3}), Map.entry("gpioc", new int[]{2, 4}), Map.entry("gpiod", new int[]{2, 5}),
                Map.entry("gpioe", new int[]{2, 6}), Map.entry("gpiof", new int[]{2, 7}), Map.entry("gpiog", new int[]{2, 8}),
                Map.entry("adc1", new int[]{2, 9}), Map.entry("adc2", new int[]{2, 10}), Map.entry("usart1", new int[]{2, 14}),
                Map.entry("adc3", new int[]{2, 15}), Map.entry("tim2", new int[]{1, 0}), Map.entry("tim3", new int[]{1, 1}),
                Map.entry("tim4", new int[]{1, 2}), Map.entry("usart2", new int[]{1, 17}), Map.entry("usart3", new int[]{1, 18}),
                Map.entry("usb", new int[]{1, 23}), Map.entry("pwr", new int[]{1, 28}));
        bits.forEach((name, bb) -> {
            if (devices.get(name) instanceof dev.stm32emu.core.Resettable r) {
                rcc.onPeripheralReset(bb[0] == 2 ? Stm32f1Rcc.Bus.APB2 : Stm32f1Rcc.Bus.APB1, bb[1],
                        () -> r.reset(dev.stm32emu.core.event.ResetKind.PIN));
            }
        });
    }

    private FlashStorage openFlash(long size) throws BoardException {
        if (options.flashImage().isEmpty()) {
            return FlashStorage.inMemory(size);
        }
        try {
            return FlashStorage.open(options.flashImage().get(), size);
        } catch (FlashImageException e) {
            throw new BoardException(e.getMessage());
        }
    }

    private void loadSystemMemory(MemorySegment sysmem) throws BoardException {
        if (options.systemMemory().isEmpty()) {
            return;
        }
        var file = options.systemMemory().get();
        byte[] data;
        try {
            data = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new BoardException(file + ": cannot read the system memory image: " + e.getMessage());
        }
        if (data.length == 0 || data.length > 2048) {
            throw new BoardException(file + ": a system memory image must be 1 to 2048 bytes, this one is " + data.length);
        }
        MemorySegment.copy(MemorySegment.ofArray(data), 0, sysmem, 0, data.length);
    }

    /** Flash size (KiB, 16 bits) at 0x1FFFF7E0 and the 96-bit unique ID at 0x1FFFF7E8 (RM0008 §30.1-30.2). */
    private void writeIds(MemorySegment sysmem, long flashSize) {
        long fs = def.ids().flashSizeAddress() - INFO_PAGE;
        long uid = def.ids().uidAddress() - INFO_PAGE;
        if (fs > 0 && fs + 2 <= sysmem.byteSize()) {
            sysmem.set(ValueLayout.JAVA_SHORT_UNALIGNED, fs, (short) (flashSize / 1024));
            sysmem.set(ValueLayout.JAVA_SHORT_UNALIGNED, fs + 2, (short) 0xFFFF);
        }
        if (uid > 0 && uid + 12 <= sysmem.byteSize()) {
            MemorySegment.copy(MemorySegment.ofArray(def.ids().uid()), 0, sysmem, uid, 12);
        }
    }

    private boolean boot0() {
        return options.boot0().map(b -> b == 1).orElse(def.board().boot0() == 1);
    }

    private boolean boot1() {
        String pin = def.board().boot1Pin();
        if (pin.isEmpty()) {
            return def.board().boot1() == 1;
        }
        return board.pin(pin).level();
    }

    private IrqLine irq(String name, int index) {
        List<Integer> irqs = peripheral(name).irqs();
        return index < irqs.size() ? shared(irqs.get(index)) : IrqLine.NONE;
    }

    /** Lines several peripherals drive (ADC1_2, and USB/CAN on the F103) are ORed. */
    private IrqLine shared(int line) {
        return sharedIrqs.computeIfAbsent(line, n -> new SharedIrqLine(nvic.line(n))).input();
    }

    private BoardDefinition.Peripheral peripheral(String name) {
        return def.peripherals().stream().filter(p -> p.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalStateException(def.source() + " has no peripheral " + name));
    }

    private static Map<Integer, Integer> resetValues(BoardDefinition.Peripheral p) {
        Map<Integer, Integer> out = new HashMap<>();
        p.properties().forEach((k, v) -> {
            if (k.startsWith("reset.")) {
                out.put(Integer.decode(k.substring(6)), (int) Long.parseLong(v.substring(2), 16));
            }
        });
        return out;
    }

    private <T> T add(String name, T device) {
        devices.put(name, device);
        return device;
    }
}
