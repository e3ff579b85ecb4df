package dev.stm32emu.periph.bkp;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * STM32F1 backup registers (RM0008 §6.4; facts-stm32f1.md §7.4). On APB1: narrow stores
 * are replicated across the word.
 *
 * <p>DR1-DR10 sit at 0x04-0x28 on every part, DR11-DR42 at 0x40-0xBC on high-density
 * parts only (CMSIS BKP_TypeDef; the ST SVD's DR1 at offset 0 is wrong). Each DR holds 16
 * bits; the upper half reads 0. The whole block is in the backup domain: writes are
 * ignored (and logged as guest errors) until PWR_CR.DBP=1 (RM0008 §5.1.2), and the
 * contents survive every system reset. A power-on reset clears them (the board has no
 * VBAT battery), and so does {@link #backupDomainReset} (RCC_BDCR.BDRST). APB1RSTR.BKPRST
 * resets only the backup interface and must not be wired here (libmaple pulses it before
 * reading DR10).
 *
 * <p>Tamper: the board drives the TAMPER pin (PC13) through {@link #setTamperPin}. With
 * TPE=1, the active level selected by TPAL (0: high, 1: low) is a tamper event, also when
 * the pin is already active as TPE is set (RM0008 §6.3.1): every DR is cleared, TEF is
 * set, and TIF too if TPIE=1, which raises the TAMPER interrupt (IRQ 2). CTE/CTI clear
 * the flags. Whether a system reset clears TEF/TIF is not documented; the model keeps
 * them with the rest of the backup domain. RTCCR (calibration, calibration-clock and
 * alarm/second output on the TAMPER pin) stores its value but has no effect.
 */
public final class Stm32f1Bkp extends RegisterDevice {
    /** Data registers on medium-density parts (DR1-DR10) and on high-density parts (DR1-DR42). */
    public static final int MD_DATA_REGISTERS = 10;
    public static final int HD_DATA_REGISTERS = 42;

    private final BooleanSupplier backupWritable;
    private final IrqLine tamperIrq;
    private final List<Register> data = new ArrayList<>();
    private final Flag tpe;
    private final Flag tpal;
    private final Flag tpie;
    private final Flag tef;
    private final Flag tif;
    private boolean tamperPinHigh;

    /**
     * @param dataRegisters  10 (medium density) or 42 (high density)
     * @param backupWritable PWR_CR.DBP
     * @param tamperIrq      the TAMPER interrupt (IRQ 2)
     */
    public Stm32f1Bkp(DeviceLog log, int dataRegisters, BooleanSupplier backupWritable, IrqLine tamperIrq) {
        super(log, BusWidth.REPLICATED);
        if (dataRegisters != MD_DATA_REGISTERS && dataRegisters != HD_DATA_REGISTERS) {
            throw new IllegalArgumentException("BKP has 10 or 42 data registers, not " + dataRegisters);
        }
        this.backupWritable = backupWritable;
        this.tamperIrq = tamperIrq;
        for (int n = 1; n <= dataRegisters; n++) {
            // 16-bit registers: a narrow store replicated over bits 31:16 is legal, so they are reserved, not logged
            Register dr = regs.define(dataOffset(n), "DR" + n, 0).reserved(16, 16);
            dr.field("D", 0, 16, Access.RW);
            data.add(dr);
        }
        Register rtccr = regs.define(0x2C, "RTCCR", 0).reserved(16, 16);
        rtccr.unimplemented("CAL", 0, 7);
        rtccr.unimplemented("CCO", 7, 1);
        rtccr.unimplemented("ASOE", 8, 1);
        rtccr.unimplemented("ASOS", 9, 1);

        Register cr = regs.define(0x30, "CR", 0).reserved(16, 16);
        tpe = cr.flag("TPE", 0, Access.RW);
        tpal = cr.flag("TPAL", 1, Access.RW);
        cr.afterWrite(this::checkTamper);

        Register csr = regs.define(0x34, "CSR", 0).reserved(16, 16);
        tef = csr.flag("TEF", 8, Access.R);
        tif = csr.flag("TIF", 9, Access.R);
        csr.flag("CTE", 0, Access.W).onWrite(v -> {
            if (v) {
                tef.set(false);
            }
        });
        csr.flag("CTI", 1, Access.W).onWrite(v -> {
            if (v) {
                tif.set(false);
            }
        });
        tpie = csr.flag("TPIE", 2, Access.RW);
        csr.afterWrite(this::updateInterrupts);
    }

    /** Offset of BKP_DRn (1-based), RM0008 §6.4.1. */
    public static int dataOffset(int n) {
        return n <= 10 ? 4 * n : 0x40 + 4 * (n - 11);
    }

    /** Writes are refused while the backup domain is write protected (PWR_CR.DBP=0). */
    @Override
    public void write(int offset, int size, int value) {
        if (!backupWritable.getAsBoolean()) {
            log.guestError("dbp", String.format("write of 0x%x at offset 0x%02x ignored: backup domain write protected "
                    + "(set PWR_CR.DBP first, RM0008 §5.1.2)", value, offset));
            return;
        }
        super.write(offset, size, value);
    }

    /** Only a power-on reset reaches the backup domain; system resets keep everything. */
    @Override
    public void reset(ResetKind kind) {
        if (!kind.isSystemReset()) {
            backupDomainReset();
        }
    }

    /** RCC_BDCR.BDRST (or loss of VBAT): every register back to 0. */
    public void backupDomainReset() {
        regs.reset();
        updateInterrupts();
    }

    /** The TAMPER pin's level, driven by the board (GPIO PC13). */
    public void setTamperPin(boolean high) {
        tamperPinHigh = high;
        checkTamper();
    }

    /** The value held in BKP_DRn (1-based), for tests and the board. */
    public int dataRegister(int n) {
        return data.get(n - 1).value() & 0xFFFF;
    }

    @Override
    protected void updateInterrupts() {
        tamperIrq.set(tif.isSet() && tpie.isSet());
    }

    /** A tamper event needs TEF cleared again before the next one (one event per CTE). */
    private void checkTamper() {
        if (tpe.isSet() && tamperPinHigh != tpal.isSet() && !tef.isSet()) {
            for (Register dr : data) {
                dr.setValue(0);
            }
            tef.set(true);
            if (tpie.isSet()) {
                tif.set(true);
            }
        }
        updateInterrupts();
    }
}
