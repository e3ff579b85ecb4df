package dev.stm32emu.periph.dbgmcu;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;

/**
 * STM32F1 MCU debug component (RM0008 §31.16; facts-stm32f1.md §1.4), on the private
 * peripheral bus at 0xE0042000, which takes byte accesses natively.
 *
 * <p>IDCODE reads DEV_ID (0x410 medium density, 0x414 high density) and REV_ID from the
 * board. Bits 15:12, reserved in the RM, read 0x6 on F103 silicon (debug probes report
 * 0x20036410 for a revision-Y medium-density part, 0x10036414 high density, 0x10006430
 * XL), so the model returns that too. Deviation: on medium/high-density parts IDCODE is readable only in debug mode,
 * not by user software (HAL stm32f1xx_hal.h, facts-stm32f1.md §1.4); the model always
 * returns the real value, which is what a debugged chip shows and what firmware checking
 * the device ID expects.
 *
 * <p>CR stores and reads back its bits. They only matter while a debugger halts the core
 * (stop the watchdogs and timers) or in low-power modes, neither of which is modelled;
 * TRACE_IOEN is logged as unimplemented. CR is reset by power-on only, not by a system
 * reset (§31.16.3).
 */
public final class Stm32f1Dbgmcu extends RegisterDevice {
    /** DEV_ID of STM32F10x medium-density parts (F103C8/CB). */
    public static final int DEV_ID_MEDIUM_DENSITY = 0x410;
    /** DEV_ID of STM32F10x high-density parts (F103RC/RD/RE). */
    public static final int DEV_ID_HIGH_DENSITY = 0x414;

    private static final String[] CR_BITS = {"DBG_SLEEP", "DBG_STOP", "DBG_STANDBY", null, null, null, null, null,
            "DBG_IWDG_STOP", "DBG_WWDG_STOP", "DBG_TIM1_STOP", "DBG_TIM2_STOP", "DBG_TIM3_STOP", "DBG_TIM4_STOP",
            "DBG_CAN1_STOP", "DBG_I2C1_SMBUS_TIMEOUT", "DBG_I2C2_SMBUS_TIMEOUT", "DBG_TIM8_STOP", "DBG_TIM5_STOP",
            "DBG_TIM6_STOP", "DBG_TIM7_STOP"};

    /** What F103 parts return in the reserved IDCODE bits 15:12. */
    private static final int IDCODE_RESERVED_BITS = 0x6000;

    private final Register cr;

    /**
     * @param devId DEV_ID[11:0], {@link #DEV_ID_MEDIUM_DENSITY} or {@link #DEV_ID_HIGH_DENSITY}
     * @param revId REV_ID[15:0] from the board (e.g. 0x2003 for a revision-Y F103C8, 0x1003 for an F103RE)
     */
    public Stm32f1Dbgmcu(DeviceLog log, int devId, int revId) {
        super(log, BusWidth.BYTE_LANES);
        if ((devId & ~0xFFF) != 0 || (revId & ~0xFFFF) != 0) {
            throw new IllegalArgumentException(String.format("DEV_ID 0x%x / REV_ID 0x%x out of range", devId, revId));
        }
        Register idcode = regs.define(Reg.IDCODE, revId << 16 | IDCODE_RESERVED_BITS | devId);
        idcode.field("DEV_ID", 0, 12, Access.R);
        idcode.field("REV_ID", 16, 16, Access.R);
        cr = regs.define(Reg.CR, 0);
        for (int bit = 0; bit < CR_BITS.length; bit++) {
            if (CR_BITS[bit] != null) {
                cr.flag(CR_BITS[bit], bit, Access.RW);
            }
        }
        cr.unimplemented("TRACE_IOEN", 5, 1);
        cr.field("TRACE_MODE", 6, 2, Access.RW);
    }

    /** DBGMCU_CR survives every reset but power-on. */
    @Override
    public void reset(ResetKind kind) {
        int kept = cr.value();
        regs.reset();
        if (kind.isSystemReset()) {
            cr.setValue(kept);
        }
    }

    private enum Reg implements RegisterOffset {
        /** DBGMCU_IDCODE, MCU device ID code. */
        IDCODE(0x00),
        /** DBGMCU_CR, debug MCU configuration register. */
        CR(0x04);

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
