package dev.stm32emu.periph.pwr;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;

/**
 * STM32F1 power control (RM0008 §5.4; facts-stm32f1.md §7.3). On APB1: narrow stores are
 * replicated across the word.
 *
 * <p>What the model does: PWR_CR.DBP stores and reads back (HAL polls it) and is the
 * backup-domain write protection that the RCC (BDCR), BKP and RTC ask through
 * {@link #backupWriteEnabled()} (RM0008 §5.1.2, §5.4.1). CWUF/CSBF clear WUF/SBF and read
 * 0. VDD is a steady 3.3 V, so the PVD output PVDO stays 0 whatever PLS selects and the
 * PVD never fires (EXTI line 16 stays low). Stop and Standby belong to the core's sleep
 * model: LPDS only picks the Stop-mode regulator and has no observable effect; PDDS is
 * logged as unimplemented when set, because Standby (and its wake-up reset) is not
 * modelled, so WUF and SBF are never set by hardware.
 *
 * <p>Every reset clears PWR_CR and PWR_CSR (they are not in the backup domain), so DBP
 * is 0 again after a system reset and the backup domain is write protected.
 */
public final class Stm32f1Pwr extends RegisterDevice {
    private final Flag dbp;
    private final Flag wuf;
    private final Flag sbf;

    public Stm32f1Pwr(DeviceLog log) {
        super(log, BusWidth.REPLICATED);
        Register cr = regs.define(Reg.CR, 0);
        Register csr = regs.define(Reg.CSR, 0);
        wuf = csr.flag("WUF", 0, Access.R);
        sbf = csr.flag("SBF", 1, Access.R);
        csr.flag("PVDO", 2, Access.R); // VDD never drops below the PVD threshold
        csr.unimplemented("EWUP", 8, 1); // the WKUP pin only matters in Standby

        cr.flag("LPDS", 0, Access.RW);
        cr.unimplemented("PDDS", 1, 1);
        cr.flag("CWUF", 2, Access.W).onWrite(v -> {
            if (v) {
                wuf.set(false);
            }
        });
        cr.flag("CSBF", 3, Access.W).onWrite(v -> {
            if (v) {
                sbf.set(false);
            }
        });
        cr.flag("PVDE", 4, Access.RW);
        cr.field("PLS", 5, 3, Access.RW);
        dbp = cr.flag("DBP", 8, Access.RW);
    }

    /** PWR_CR.DBP: firmware disabled the backup-domain write protection. */
    public boolean backupWriteEnabled() {
        return dbp.isSet();
    }

    private enum Reg implements RegisterOffset {
        /** PWR_CR, power control register. */
        CR(0x00),
        /** PWR_CSR, power control/status register. */
        CSR(0x04);

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
