package dev.stm32emu.periph.usbfs;

import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterFile;

/**
 * One endpoint register EPnR (RM0008 §23.5.3; facts-usb.md §4.2) declared with the
 * register DSL, plus the hardware-side view the transaction logic uses.
 *
 * <p>The firmware write rule is exactly the DSL's access types, so it lives in
 * {@link Access#apply}: CTR_RX and CTR_TX are {@code rc_w0} (new = old &amp; written),
 * DTOG and STAT are {@code t} (new = old ^ written), SETUP is read-only, EP_TYPE,
 * EP_KIND and EA are plain. Hardware updates go through {@link Field#set} and bypass
 * those rules. The upper half-word does not exist (reads 0, writes ignored).
 */
final class EndpointRegister {
    /** Mask of the CTR_RX and CTR_TX bits, which a bus reset keeps (RM0008 §23.4.2). */
    static final int CTR_BITS = 0x8080;

    final int index;
    final Register register;
    final Flag ctrRx;
    final Flag dtogRx;
    final Field statRx;
    final Flag setup;
    final Field type;
    final Flag kind;
    final Flag ctrTx;
    final Flag dtogTx;
    final Field statTx;
    final Field address;

    EndpointRegister(RegisterFile regs, int index) {
        this.index = index;
        this.register = regs.define(index * 4, "EP" + index + "R", 0);
        ctrRx = register.flag("CTR_RX", 15, Access.RC_W0);
        dtogRx = register.flag("DTOG_RX", 14, Access.T);
        statRx = register.field("STAT_RX", 12, 2, Access.T);
        setup = register.flag("SETUP", 11, Access.R);
        type = register.field("EP_TYPE", 9, 2, Access.RW);
        kind = register.flag("EP_KIND", 8, Access.RW);
        ctrTx = register.flag("CTR_TX", 7, Access.RC_W0);
        dtogTx = register.flag("DTOG_TX", 6, Access.T);
        statTx = register.field("STAT_TX", 4, 2, Access.T);
        address = register.field("EA", 0, 4, Access.RW);
        register.reserved(16, 16);
    }

    EndpointStatus rxStatus() {
        return EndpointStatus.of(statRx.get());
    }

    EndpointStatus txStatus() {
        return EndpointStatus.of(statTx.get());
    }

    void setRxStatus(EndpointStatus s) {
        statRx.set(s.code());
    }

    void setTxStatus(EndpointStatus s) {
        statTx.set(s.code());
    }

    EndpointType endpointType() {
        return EndpointType.of(type.get());
    }

    /** The endpoint number the register answers for (EA). */
    int endpointNumber() {
        return address.get();
    }

    /** Whether a CTR is pending in either direction. */
    boolean hasCtr() {
        return ctrRx.isSet() || ctrTx.isSet();
    }

    /**
     * Isochronous and double-buffered bulk endpoints: their CTR is served first and
     * also raises the high-priority interrupt (RM0008 §23.4.2, interrupt mapping;
     * facts-usb.md §4.1, §4.4).
     */
    boolean isHighPriority() {
        EndpointType t = endpointType();
        return t == EndpointType.ISOCHRONOUS || t == EndpointType.BULK && kind.isSet();
    }

    /** USB bus reset: everything cleared except the CTR bits (RM0008 §23.4.2, facts-usb.md §4.5). */
    void busReset() {
        register.setValue(register.value() & CTR_BITS);
    }
}
