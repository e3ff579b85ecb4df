package dev.stm32emu.periph.gpio;

/**
 * One pin of a GPIO port as the board sees it: the API through which what sits on the PCB
 * (an LED, a push button, the BOOT1 jumper on PB2, the USB D+ pull-up on PA12) meets the
 * firmware's configuration of the pin.
 *
 * <p>The pad level is resolved from three contributions, strongest first
 * (RM0008 §9.1, figure "Basic structure of a standard I/O port bit"):
 * <ol>
 * <li>the chip's output driver: a push-pull output drives ODR; an open-drain output
 *     pulls low when ODR is 0 and lets go when it is 1;</li>
 * <li>the board's drive ({@link #drive}): a button, a jumper or an external resistor;
 *     it loses against a push-pull output and against an open-drain output pulling low
 *     (on silicon that contention would be a short circuit or a wired-AND);</li>
 * <li>the chip's weak pulls: CNF=10 inputs pull up or down as ODR selects; pins held by
 *     the SWJ debug port after reset have their JTAG pulls (PA13, PA15, PB4 up, PA14 down,
 *     RM0008 §31.4.4); anything else undriven reads 0.</li>
 * </ol>
 * The last rule is a model choice: an undriven floating pin is undefined on silicon.
 *
 * <p>Every method must be called on the machine thread; other threads go through
 * {@code Machine.post}. A chip reset does not release the board's drive: a button held
 * down stays held.
 */
public interface GpioPin {

    /** What drives a pad. */
    enum Drive { NONE, LOW, HIGH }

    /** The pin's name, e.g. "PC13". */
    String name();

    /** The electrical level on the pad now (not IDR: an analog input's IDR reads 0). */
    boolean level();

    /** What the firmware's output stage drives: NONE for inputs and a released open-drain. */
    Drive firmwareDrive();

    /** How the firmware has configured the pin. */
    PinMode mode();

    /** The board drives the pad high or low (a button, a jumper, a pull resistor). */
    void drive(boolean high);

    /** The board stops driving the pad. */
    void release();

    /** What the board drives now. */
    Drive boardDrive();

    /** Calls {@code listener} after every change of the pad level, on the machine thread. */
    void addListener(Listener listener);

    /** Removes a listener added earlier. */
    void removeListener(Listener listener);

    /** Told of pad level changes. */
    @FunctionalInterface
    interface Listener {
        void levelChanged(GpioPin pin, boolean level);
    }
}
