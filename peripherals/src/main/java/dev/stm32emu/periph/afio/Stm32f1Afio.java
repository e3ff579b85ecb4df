package dev.stm32emu.periph.afio;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;
import dev.stm32emu.periph.gpio.Stm32f1GpioPort;

import java.util.function.IntFunction;

/**
 * STM32F1 alternate-function I/O, AFIO at 0x40010000 (RM0008 §9.3 functional description,
 * §9.4 registers; facts-stm32f1.md §5.2). Two parts of it are modelled:
 * <ul>
 * <li>The EXTI multiplexer (§9.4.3-9.4.6): EXTI line n follows pin n of the one port
 *     AFIO_EXTICRx selects, as on silicon (Renode ORs every port; this model does not).
 *     The multiplexer's output is a level; switching the selection to a port whose pin
 *     has another level is an edge for EXTI, as the hardware's mux would produce.</li>
 * <li>The SWJ debug port (§9.3.5, MAPR.SWJ_CFG): the pins it holds are handed to GPIOA
 *     and GPIOB ({@link Stm32f1GpioPort#claimForDebug}). SWJ_CFG is write-only and reads
 *     0; codes 000, 001, 010 and 100 take effect, 111 (HAL's "no change" idiom) and the
 *     other reserved codes change nothing.</li>
 * </ul>
 * The peripheral remaps (MAPR, MAPR2) and the Cortex event output (EVCR) are stored and
 * logged as unimplemented: alternate-function pins are not routed in this model.
 * APB2, so narrow stores are replicated across the word.
 */
public final class Stm32f1Afio extends RegisterDevice {
    /** Ports an EXTICR field can select: 0 = PA ... 6 = PG. */
    public static final int PORTS = 7;
    private static final int LINES = 16;

    private final IntFunction<IrqLine> extiInputs;
    private final Stm32f1GpioPort[] ports = new Stm32f1GpioPort[PORTS];
    private final Field[] extiSelect = new Field[LINES];
    private SwjConfig swj = SwjConfig.FULL;

    /**
     * @param extiInputs EXTI input line n (0..15) for the multiplexer's output, e.g.
     *                   {@code exti::input}
     */
    public Stm32f1Afio(DeviceLog log, IntFunction<IrqLine> extiInputs) {
        super(log, BusWidth.REPLICATED);
        this.extiInputs = extiInputs;

        Register evcr = regs.define(Reg.EVCR, 0).reserved(8, 24);
        evcr.unimplemented("PIN", 0, 4);
        evcr.unimplemented("PORT", 4, 3);
        evcr.unimplemented("EVOE", 7, 1);

        Register mapr = regs.define(Reg.MAPR, 0).reserved(21, 3).reserved(27, 5);
        mapr.unimplemented("SPI1_REMAP", 0, 1);
        mapr.unimplemented("I2C1_REMAP", 1, 1);
        mapr.unimplemented("USART1_REMAP", 2, 1);
        mapr.unimplemented("USART2_REMAP", 3, 1);
        mapr.unimplemented("USART3_REMAP", 4, 2);
        mapr.unimplemented("TIM1_REMAP", 6, 2);
        mapr.unimplemented("TIM2_REMAP", 8, 2);
        mapr.unimplemented("TIM3_REMAP", 10, 2);
        mapr.unimplemented("TIM4_REMAP", 12, 1);
        mapr.unimplemented("CAN_REMAP", 13, 2);
        mapr.unimplemented("PD01_REMAP", 15, 1);
        mapr.unimplemented("TIM5CH4_IREMAP", 16, 1);
        mapr.unimplemented("ADC1_ETRGINJ_REMAP", 17, 1);
        mapr.unimplemented("ADC1_ETRGREG_REMAP", 18, 1);
        mapr.unimplemented("ADC2_ETRGINJ_REMAP", 19, 1);
        mapr.unimplemented("ADC2_ETRGREG_REMAP", 20, 1);
        mapr.field("SWJ_CFG", 24, 3, Access.W).onWrite((o, n) -> swjWritten(n));

        Reg[] exticr = {Reg.EXTICR1, Reg.EXTICR2, Reg.EXTICR3, Reg.EXTICR4};
        for (int r = 0; r < exticr.length; r++) {
            Register reg = regs.define(exticr[r], 0).reserved(16, 16);
            for (int i = 0; i < 4; i++) {
                int line = 4 * r + i;
                extiSelect[line] = reg.field("EXTI" + line, 4 * i, 4, Access.RW);
                extiSelect[line].onChange((o, n) -> remux(line, true));
            }
        }

        // MAPR2 exists on high-density parts (FSMC_NADV); TIM9-14 remaps are XL-density only.
        regs.define(Reg.MAPR2, 0).reserved(0, 10).reserved(11, 21).unimplemented("FSMC_NADV", 10, 1);
    }

    /**
     * Connects GPIO port {@code index} (0 = GPIOA ... 6 = GPIOG) to the EXTI multiplexer
     * and, for GPIOA and GPIOB, to the SWJ debug port.
     */
    public void attachPort(int index, Stm32f1GpioPort port) {
        ports[index] = port;
        port.addInputListener((pin, level) -> {
            if (extiSelect[pin].get() == index) {
                extiInputs.apply(pin).set(level);
            }
        });
        applySwj();
        for (int line = 0; line < LINES; line++) {
            remux(line, false);
        }
    }

    /** The debug port configuration in effect (the hidden state behind SWJ_CFG). */
    public SwjConfig swjConfig() {
        return swj;
    }

    @Override
    protected void onReset(ResetKind kind) {
        swj = SwjConfig.FULL;
        applySwj();
        for (int line = 0; line < LINES; line++) {
            remux(line, false);
        }
    }

    private void swjWritten(int code) {
        SwjConfig c = SwjConfig.ofCode(code);
        if (c == null) {
            if (code != 0b111) {
                log.guestError("swj" + code, "SWJ_CFG=" + Integer.toBinaryString(code) + " is reserved; ignored");
            }
            return;
        }
        if (c != swj) {
            swj = c;
            applySwj();
        }
    }

    private void applySwj() {
        if (ports[0] != null) {
            ports[0].claimForDebug(swj.portAPins, SwjConfig.PORT_A_PULL_UPS);
        }
        if (ports[1] != null) {
            ports[1].claimForDebug(swj.portBPins, SwjConfig.PORT_B_PULL_UPS);
        }
    }

    private void remux(int line, boolean firmwareWrite) {
        int select = extiSelect[line].get();
        Stm32f1GpioPort port = select < PORTS ? ports[select] : null;
        if (port == null && firmwareWrite) {
            log.guestError("exticr" + line + "_" + select, "EXTI" + line + " selects port " + select
                    + ", which this chip does not have; the line stays low");
        }
        extiInputs.apply(line).set(port != null && (port.inputLevels() & (1 << line)) != 0);
    }

    /**
     * SWJ_CFG codes and the pins each leaves to the debug port (RM0008 §9.3.5, table
     * "Debug port mapping"): PA13 JTMS/SWDIO, PA14 JTCK/SWCLK, PA15 JTDI, PB3 JTDO,
     * PB4 NJTRST.
     */
    public enum SwjConfig {
        /** 000: full SWJ (JTAG-DP + SW-DP), the reset state. */
        FULL(0b000, 0xE000, 0x0018),
        /** 001: full SWJ without NJTRST: PB4 is released. */
        NO_NJTRST(0b001, 0xE000, 0x0008),
        /** 010: JTAG-DP disabled, SW-DP enabled: PA15, PB3, PB4 are released. */
        SW_DP_ONLY(0b010, 0x6000, 0x0000),
        /** 100: JTAG-DP and SW-DP disabled: every debug pin is released. */
        DISABLED(0b100, 0x0000, 0x0000);

        /** JTMS/SWDIO and JTDI pull up; JTCK/SWCLK pulls down (RM0008 §31.4.4). */
        static final int PORT_A_PULL_UPS = 0xA000;
        /** NJTRST pulls up; JTDO has no pull. */
        static final int PORT_B_PULL_UPS = 0x0010;

        final int code;
        final int portAPins;
        final int portBPins;

        SwjConfig(int code, int portAPins, int portBPins) {
            this.code = code;
            this.portAPins = portAPins;
            this.portBPins = portBPins;
        }

        static SwjConfig ofCode(int code) {
            for (SwjConfig c : values()) {
                if (c.code == code) {
                    return c;
                }
            }
            return null;
        }
    }

    /** AFIO registers (RM0008 §9.4). */
    enum Reg implements RegisterOffset {
        /** Event control register. */
        EVCR(0x00),
        /** AF remap and debug I/O configuration register. */
        MAPR(0x04),
        /** External interrupt configuration register 1 (lines 0-3). */
        EXTICR1(0x08),
        /** External interrupt configuration register 2 (lines 4-7). */
        EXTICR2(0x0C),
        /** External interrupt configuration register 3 (lines 8-11). */
        EXTICR3(0x10),
        /** External interrupt configuration register 4 (lines 12-15). */
        EXTICR4(0x14),
        /** AF remap and debug I/O configuration register 2. */
        MAPR2(0x1C);

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
