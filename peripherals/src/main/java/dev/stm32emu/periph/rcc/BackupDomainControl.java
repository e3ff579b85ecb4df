package dev.stm32emu.periph.rcc;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * RCC_BDCR, the backup-domain control register (RM0008 §7.3.9): LSE, RTC clock selection
 * and the backup-domain reset. It lives in the backup domain, so a system reset leaves it
 * alone. LSEON, LSEBYP, RTCSEL and RTCEN are write protected until PWR_CR.DBP=1; LSEBYP
 * changes only with the LSE off; RTCSEL, once set, changes only after a backup-domain
 * reset. BDRST holds the domain in reset: the other bits clear, and the listeners (BKP
 * data, RTC) are told once per assertion.
 */
final class BackupDomainControl {
    private static final int BDRST = 1 << 16;

    private final Register bdcr;
    private final List<Runnable> resetListeners = new ArrayList<>();
    private final Flag lseOn;
    private final Flag lseRdy;
    private final Field rtcSel;
    private final Flag rtcEn;
    private final Flag bdRst;
    /** BDCR as left by the last write, for the LSEBYP rule. */
    private int before;
    private boolean resetHeld;

    BackupDomainControl(Register bdcr, BooleanSupplier backupWritable, WriteProtections protections, DeviceLog log,
                        Runnable settle) {
        this.bdcr = bdcr;
        lseOn = bdcr.flag("LSEON", 0, Access.RW);
        lseRdy = bdcr.flag("LSERDY", 1, Access.R);
        Flag lseByp = bdcr.flag("LSEBYP", 2, Access.RW);
        rtcSel = bdcr.field("RTCSEL", 8, 2, Access.RW);
        rtcEn = bdcr.flag("RTCEN", 15, Access.RW);
        bdRst = bdcr.flag("BDRST", 16, Access.RW);
        protections.guard(lseOn, backupWritable, "LSEON needs PWR_CR.DBP=1");
        protections.guard(rtcEn, backupWritable, "RTCEN needs PWR_CR.DBP=1");
        protections.guard(lseByp, () -> backupWritable.getAsBoolean() && (before & 1) == 0,
                "LSEBYP needs PWR_CR.DBP=1 and LSEON=0");
        rtcSel.onWrite((o, n) -> {
            if (o == n) {
                return;
            }
            if (!backupWritable.getAsBoolean()) {
                rtcSel.set(o);
                log.guestError("RTCSEL.dbp", "RTCSEL needs PWR_CR.DBP=1; write ignored");
            } else if (o != 0) {
                rtcSel.set(o);
                log.guestError("RTCSEL.once", "RTCSEL can change only after a backup-domain reset; write ignored");
            }
        });
        bdcr.afterWrite(() -> {
            control();
            settle.run();
        });
    }

    void addResetListener(Runnable listener) {
        resetListeners.add(listener);
    }

    boolean lseOn() {
        return lseOn.isSet();
    }

    boolean lseReady() {
        return lseRdy.isSet();
    }

    void setLseReady(boolean ready) {
        lseRdy.set(ready);
    }

    /** RTCSEL when RTCEN=1: 1 LSE, 2 LSI, 3 HSE/128; 0 when the RTC clock is off. */
    int rtcSource() {
        return rtcEn.isSet() ? rtcSel.get() : 0;
    }

    /** After the RCC's register reset: a system reset puts back what the backup domain kept. */
    void afterReset(boolean systemReset, int kept) {
        if (systemReset) {
            bdcr.setValue(kept);
        }
        before = bdcr.value();
        resetHeld = bdRst.isSet();
    }

    int value() {
        return bdcr.value();
    }

    private void control() {
        if (bdRst.isSet()) {
            bdcr.setValue(bdcr.value() & BDRST);
            if (!resetHeld) {
                resetHeld = true;
                for (Runnable l : List.copyOf(resetListeners)) {
                    l.run();
                }
            }
        } else {
            resetHeld = false;
        }
        before = bdcr.value();
    }
}
