package dev.stm32emu.periph.gpio;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;
import dev.stm32emu.core.time.VirtualClock;

import java.util.ArrayList;
import java.util.List;

/**
 * An STM32F1 GPIO port, GPIOA..GPIOG at 0x40010800 + 0x400·n (RM0008 §9.1 functional
 * description, §9.2 registers; facts-stm32f1.md §5.1). It sits on APB2, so byte and
 * half-word stores are replicated across the word: a 16-bit store of a pin mask to
 * BSRR+2 sets and resets the same pins, and set wins.
 *
 * <p>IDR shows each pin's pad level through the Schmitt trigger (0 for analog pins); the
 * pad level is resolved as {@link GpioPin} documents. Pads change when the firmware
 * reconfigures or writes ODR, when the board drives or releases a pin, and when the SWJ
 * debug port claims or releases pins ({@link #claimForDebug}, driven by AFIO). Every pad
 * change of a pin that is or was an output is published as a {@link MachineEvent.PinChange}
 * with its virtual time; input-stage changes go to the AFIO EXTI multiplexer through
 * {@link #addInputListener}.
 *
 * <p>Alternate-function outputs are not connected to their peripherals: such a pin is
 * undriven by the port (logged once per pin as unimplemented).
 */
public final class Stm32f1GpioPort extends RegisterDevice {
    private static final int PINS = 16;

    private final char letter;
    private final MachineEvents events;
    private final VirtualClock clock;
    private final Register crl;
    private final Register crh;
    private final Field odr;
    private final Field lck;
    private final PortPin[] pins = new PortPin[PINS];
    private final List<InputListener> inputListeners = new ArrayList<>();
    private final LockKeySequence lock = new LockKeySequence();
    /** CRL/CRH as last accepted, to restore the nibbles of locked pins. */
    private final int[] acceptedConfig = {0x4444_4444, 0x4444_4444};

    private int boardDriven;
    private int boardHigh;
    private int debugPins;
    private int debugPullUps;
    private int padLevels;
    private int inputLevels;
    private int outputPins;
    private boolean updating;
    /** Pins already logged, to skip building messages DeviceLog would drop. */
    private int reportedAlternate;
    private int reportedReserved;
    private boolean dirty;

    /**
     * @param letter the port letter, 'A'..'G' (names pins and events)
     * @param clock  virtual time for the PinChange events
     */
    public Stm32f1GpioPort(char letter, DeviceLog log, MachineEvents events, VirtualClock clock) {
        super(log, BusWidth.REPLICATED);
        this.letter = letter;
        this.events = events;
        this.clock = clock;
        for (int i = 0; i < PINS; i++) {
            pins[i] = new PortPin(this, i, "P" + letter + i);
        }
        crl = regs.define(Reg.CRL, 0x4444_4444);
        crh = regs.define(Reg.CRH, 0x4444_4444);
        declareConfig(crl, 0);
        declareConfig(crh, 8);
        crl.onWrite((v, lanes) -> configWritten(crl, 0));
        crh.onWrite((v, lanes) -> configWritten(crh, 1));

        regs.define(Reg.IDR, 0).reserved(16, 16).field("IDR", 0, 16, Access.R).readsAs(() -> inputLevels);

        Register odrReg = regs.define(Reg.ODR, 0).reserved(16, 16);
        odr = odrReg.field("ODR", 0, 16, Access.RW);
        odrReg.afterWrite(this::update);

        Register bsrr = regs.define(Reg.BSRR, 0);
        Field bs = bsrr.field("BS", 0, 16, Access.W);
        Field br = bsrr.field("BR", 16, 16, Access.W);
        // BR clears first and BS sets after it, so a pin in both ends up set (RM0008 §9.2.5).
        bsrr.onWrite((v, lanes) -> writeOdr((odr.get() & ~br.get()) | bs.get()));

        Register brr = regs.define(Reg.BRR, 0).reserved(16, 16);
        Field brrBits = brr.field("BR", 0, 16, Access.W);
        brr.onWrite((v, lanes) -> writeOdr(odr.get() & ~brrBits.get()));

        Register lckr = regs.define(Reg.LCKR, 0).reserved(17, 15);
        lck = lckr.field("LCK", 0, 16, Access.RW);
        lckr.flag("LCKK", 16, Access.RW).readsAs(lock::keyReadsOne);
        lckr.onWrite((v, lanes) -> lockWritten(v));
        lckr.beforeRead(lock::beforeRead);

        if (letter == 'A' || letter == 'B') {
            // Until AFIO says otherwise, the chip's reset state: full SWJ (RM0008 §9.3.5).
            claimForDebug(letter == 'A' ? 0xE000 : 0x0018, letter == 'A' ? 0xA000 : 0x0010);
        }
        update();
    }

    /** Pin {@code n} (0..15) of this port. */
    public GpioPin pin(int n) {
        return pins[n];
    }

    /** The port's letter. */
    public char letter() {
        return letter;
    }

    /** Levels seen by the input stage (what IDR reads), one bit per pin. */
    public int inputLevels() {
        return inputLevels;
    }

    /** Pad levels, one bit per pin. */
    public int padLevels() {
        return padLevels;
    }

    /** Registers a listener for input-stage level changes (the AFIO EXTI multiplexer). */
    public void addInputListener(InputListener listener) {
        inputListeners.add(listener);
    }

    /**
     * Hands pins to the SWJ debug port, or takes them back (AFIO_MAPR.SWJ_CFG,
     * RM0008 §9.3.5). Held pins ignore CRL/CRH and show the JTAG pull resistors
     * ({@code pullUps}; the others read 0) since no debugger drives them.
     */
    public void claimForDebug(int pinMask, int pullUps) {
        debugPins = pinMask & 0xFFFF;
        debugPullUps = pullUps & debugPins;
        update();
    }

    boolean padLevel(int n) {
        return (padLevels & (1 << n)) != 0;
    }

    PinMode mode(int n) {
        if ((debugPins & (1 << n)) != 0) {
            return PinMode.DEBUG;
        }
        int nibble = ((n < 8 ? crl.value() : crh.value()) >>> (4 * (n & 7))) & 0xF;
        return PinMode.decode(nibble, (odr.get() & (1 << n)) != 0);
    }

    GpioPin.Drive firmwareDrive(int n) {
        return firmwareDrive(n, mode(n));
    }

    GpioPin.Drive boardDrive(int n) {
        if ((boardDriven & (1 << n)) == 0) {
            return GpioPin.Drive.NONE;
        }
        return (boardHigh & (1 << n)) != 0 ? GpioPin.Drive.HIGH : GpioPin.Drive.LOW;
    }

    void setBoardDrive(int n, GpioPin.Drive drive) {
        int bit = 1 << n;
        boardDriven = drive == GpioPin.Drive.NONE ? boardDriven & ~bit : boardDriven | bit;
        boardHigh = drive == GpioPin.Drive.HIGH ? boardHigh | bit : boardHigh & ~bit;
        update();
    }

    @Override
    protected void onReset(ResetKind kind) {
        lock.reset();
        acceptedConfig[0] = crl.value();
        acceptedConfig[1] = crh.value();
        update();
    }

    private void declareConfig(Register reg, int firstPin) {
        for (int i = 0; i < 8; i++) {
            reg.field("MODE" + (firstPin + i), 4 * i, 2, Access.RW);
            reg.field("CNF" + (firstPin + i), 4 * i + 2, 2, Access.RW);
        }
    }

    private void configWritten(Register reg, int half) {
        int lockedNibbles = nibbleMask((lock.lockedPins() >>> (8 * half)) & 0xFF);
        reg.setValue((reg.value() & ~lockedNibbles) | (acceptedConfig[half] & lockedNibbles));
        acceptedConfig[half] = reg.value();
        update();
    }

    private void lockWritten(int value) {
        boolean wasLocked = lock.locked();
        lock.written(value);
        if (wasLocked) {
            lck.set(lock.lockedPins()); // LCKR is frozen once locked
        }
    }

    private void writeOdr(int value) {
        odr.set(value & 0xFFFF);
        update();
    }

    private static int nibbleMask(int pinBits) {
        int m = 0;
        for (int i = 0; i < 8; i++) {
            if ((pinBits & (1 << i)) != 0) {
                m |= 0xF << (4 * i);
            }
        }
        return m;
    }

    private GpioPin.Drive firmwareDrive(int n, PinMode mode) {
        boolean high = (odr.get() & (1 << n)) != 0;
        return switch (mode) {
            case OUTPUT_PUSH_PULL -> high ? GpioPin.Drive.HIGH : GpioPin.Drive.LOW;
            case OUTPUT_OPEN_DRAIN -> high ? GpioPin.Drive.NONE : GpioPin.Drive.LOW;
            default -> GpioPin.Drive.NONE;
        };
    }

    /** The pad level when the firmware does not drive it: the board's drive, else the weak pulls. */
    private boolean undrivenLevel(int n, PinMode mode) {
        int bit = 1 << n;
        if ((boardDriven & bit) != 0) {
            return (boardHigh & bit) != 0;
        }
        return switch (mode) {
            case INPUT_PULL_UP -> true;
            case DEBUG -> (debugPullUps & bit) != 0;
            default -> false; // floating: documented default 0
        };
    }

    /** Recomputes every pad; reentrant calls from listeners are folded into another pass. */
    private void update() {
        if (updating) {
            dirty = true;
            return;
        }
        updating = true;
        try {
            do {
                dirty = false;
                recompute();
            } while (dirty);
        } finally {
            updating = false;
        }
    }

    private void recompute() {
        int pads = 0;
        int inputs = 0;
        int outputs = 0;
        for (int n = 0; n < PINS; n++) {
            PinMode mode = mode(n);
            GpioPin.Drive drive = firmwareDrive(n, mode);
            boolean level = drive == GpioPin.Drive.NONE ? undrivenLevel(n, mode) : drive == GpioPin.Drive.HIGH;
            if (level) {
                pads |= 1 << n;
                if (mode != PinMode.ANALOG) {
                    inputs |= 1 << n;
                }
            }
            if (mode.isOutput()) {
                outputs |= 1 << n;
            }
            reportOnce(n, mode);
        }
        int padChanged = pads ^ padLevels;
        int inputChanged = inputs ^ inputLevels;
        int traced = outputs | outputPins;
        padLevels = pads;
        inputLevels = inputs;
        outputPins = outputs;
        for (int n = 0; n < PINS; n++) {
            int bit = 1 << n;
            if ((padChanged & bit) != 0) {
                boolean level = (pads & bit) != 0;
                if ((traced & bit) != 0 && events.hasSubscribers()) {
                    events.publish(new MachineEvent.PinChange(clock.nowPs(), pins[n].name(), level));
                }
                pins[n].notifyListeners(level);
            }
            if ((inputChanged & bit) != 0) {
                for (InputListener l : List.copyOf(inputListeners)) {
                    l.inputChanged(n, (inputs & bit) != 0);
                }
            }
        }
    }

    private void reportOnce(int n, PinMode mode) {
        int bit = 1 << n;
        if (mode == PinMode.INPUT_RESERVED && (reportedReserved & bit) == 0) {
            reportedReserved |= bit;
            log.guestError("cnf" + n, pins[n].name() + ": input with CNF=11 is reserved; treated as floating");
        } else if ((mode == PinMode.ALTERNATE_PUSH_PULL || mode == PinMode.ALTERNATE_OPEN_DRAIN)
                && (reportedAlternate & bit) == 0) {
            reportedAlternate |= bit;
            log.unimplemented("af" + n, pins[n].name() + ": alternate-function output is not connected to its "
                    + "peripheral; the port leaves the pin undriven");
        }
    }

    /** Told when the input stage of a pin changes level. */
    @FunctionalInterface
    public interface InputListener {
        void inputChanged(int pin, boolean level);
    }

    /** GPIOx registers (RM0008 §9.2). */
    enum Reg implements RegisterOffset {
        /** Port configuration register low (pins 0-7). */
        CRL(0x00),
        /** Port configuration register high (pins 8-15). */
        CRH(0x04),
        /** Port input data register. */
        IDR(0x08),
        /** Port output data register. */
        ODR(0x0C),
        /** Port bit set/reset register. */
        BSRR(0x10),
        /** Port bit reset register. */
        BRR(0x14),
        /** Port configuration lock register. */
        LCKR(0x18);

        private final int offset;

        Reg(int offset) {
            this.offset = offset;
        }

        @Override
        public int offset() {
            return offset;
        }
    }
}
