package dev.stm32emu.periph.exti;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;

import java.util.List;

/**
 * The STM32F1 external interrupt/event controller, EXTI at 0x40010400 (RM0008 §10.2;
 * facts-stm32f1.md §5.3-5.4). 19 lines: 0-15 from the GPIO pins AFIO selects, 16 the PVD
 * output, 17 the RTC alarm, 18 USB wakeup. Each line is an {@link #input level input};
 * the edge detectors compare successive levels.
 *
 * <p>Pending rule, from the block diagram (RM0008 figure "External interrupt/event
 * controller block diagram"): the selected edge (RTSR/FTSR) or a 0-to-1 write of SWIER
 * passes the interrupt mask (IMR) before the pending request register, so PR is set only
 * for lines unmasked in IMR at the time of the edge. Masking a line later does not clear
 * a pending bit, and the interrupt outputs follow PR. The edge also passes the event mask
 * (EMR) towards the core's event input, which the model reaches only if
 * {@link #setEventOutput} was wired. PR is rc_w1; clearing a PR bit also clears its SWIER
 * bit (§10.3.5: "cleared by writing a 1 into" PRx).
 *
 * <p>Interrupt outputs, in the order of the constructor's list (NVIC numbers on
 * STM32F103 in {@link #STM32F103_IRQS}): EXTI0, EXTI1, EXTI2, EXTI3, EXTI4, EXTI9_5,
 * EXTI15_10, PVD (line 16), RTC_Alarm (17), USBWakeUp (18). APB2: narrow stores are
 * replicated across the word.
 */
public final class Stm32f1Exti extends RegisterDevice {
    /** Number of lines. */
    public static final int LINES = 19;
    /** Line of the PVD output. */
    public static final int LINE_PVD = 16;
    /** Line of the RTC alarm event. */
    public static final int LINE_RTC_ALARM = 17;
    /** Line of the USB wakeup event. */
    public static final int LINE_USB_WAKEUP = 18;
    /** NVIC lines of the ten outputs on STM32F103 (RM0008 table "Vector table"). */
    public static final List<Integer> STM32F103_IRQS = List.of(6, 7, 8, 9, 10, 23, 40, 1, 41, 42);
    private static final int LINE_MASK = (1 << LINES) - 1;
    /** Lines feeding each output. */
    private static final int[] OUTPUT_LINES = {1, 1 << 1, 1 << 2, 1 << 3, 1 << 4, 0x3E0, 0xFC00, 1 << 16, 1 << 17,
            1 << 18};

    private final IrqLine[] outputs;
    private final IrqLine[] inputs = new IrqLine[LINES];
    private final Field imr;
    private final Field emr;
    private final Field rtsr;
    private final Field ftsr;
    private final Field swier;
    private final Field pr;
    private int levels;
    private Runnable eventOutput;

    /** @param irqs the ten interrupt outputs, in the order the class documentation lists */
    public Stm32f1Exti(DeviceLog log, List<IrqLine> irqs) {
        super(log, BusWidth.REPLICATED);
        if (irqs.size() != OUTPUT_LINES.length) {
            throw new IllegalArgumentException("EXTI needs " + OUTPUT_LINES.length + " interrupt outputs, got "
                    + irqs.size());
        }
        this.outputs = irqs.toArray(IrqLine[]::new);
        imr = lineRegister(Reg.IMR, "MR", Access.RW);
        emr = lineRegister(Reg.EMR, "MR", Access.RW);
        emr.onChange((o, n) -> {
            if (eventOutput == null && n != 0) {
                log.unimplemented("emr", "EMR events do not reach the core (event input not wired)");
            }
        });
        rtsr = lineRegister(Reg.RTSR, "TR", Access.RW);
        ftsr = lineRegister(Reg.FTSR, "TR", Access.RW);
        swier = lineRegister(Reg.SWIER, "SWIER", Access.RW);
        // Writing 1 where the bit is 0 sets the pending bit (through the mask, as an edge does).
        swier.onWrite((o, n) -> trigger(n & ~o));
        pr = lineRegister(Reg.PR, "PR", Access.RC_W1);
        regs.at(Reg.PR.offset()).onWrite((v, lanes) -> swier.set(swier.get() & ~v));
        for (int i = 0; i < LINES; i++) {
            int line = i;
            inputs[i] = level -> inputChanged(line, level);
        }
    }

    /**
     * The level input of line {@code line} (0..18). GPIO lines are driven by AFIO's
     * multiplexer; 16-18 by the PVD, RTC and USB models, which set the line high when
     * their event occurs (a pulse, set(true) then set(false), is a rising then a falling
     * edge). Machine thread only.
     */
    public IrqLine input(int line) {
        return inputs[line];
    }

    /** Wires the event output (EMR) to the core's event input; without it events are dropped. */
    public void setEventOutput(Runnable sendEvent) {
        this.eventOutput = sendEvent;
    }

    /** Pending lines (PR), one bit per line. */
    public int pending() {
        return pr.get();
    }

    @Override
    protected void updateInterrupts() {
        int pending = pr.get();
        for (int i = 0; i < outputs.length; i++) {
            outputs[i].set((pending & OUTPUT_LINES[i]) != 0);
        }
    }

    private Field lineRegister(Reg reg, String fieldName, Access access) {
        Register r = regs.define(reg, 0).reserved(LINES, 32 - LINES);
        r.afterWrite(this::updateInterrupts);
        return r.field(fieldName, 0, LINES, access);
    }

    private void inputChanged(int line, boolean level) {
        int bit = 1 << line;
        if (((levels & bit) != 0) == level) {
            return;
        }
        levels ^= bit;
        int edge = level ? rtsr.get() : ftsr.get();
        if ((edge & bit) != 0) {
            trigger(bit);
            updateInterrupts();
        }
    }

    private void trigger(int lines) {
        lines &= LINE_MASK;
        if (lines == 0) {
            return;
        }
        pr.set(pr.get() | (lines & imr.get()));
        if ((lines & emr.get()) != 0 && eventOutput != null) {
            eventOutput.run();
        }
    }

    /** EXTI registers (RM0008 §10.3). */
    enum Reg implements RegisterOffset {
        /** Interrupt mask register. */
        IMR(0x00),
        /** Event mask register. */
        EMR(0x04),
        /** Rising trigger selection register. */
        RTSR(0x08),
        /** Falling trigger selection register. */
        FTSR(0x0C),
        /** Software interrupt event register. */
        SWIER(0x10),
        /** Pending register. */
        PR(0x14);

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
