package dev.stm32emu.periph.usart;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.periph.rcc.ClockTree;

import java.util.ArrayDeque;

/**
 * An STM32F1 USART (RM0008 §27; registers §27.6; facts-stm32f1.md §6): USART1 at
 * 0x40013800 on APB2, USART2/3 at 0x40004400/0x40004800 on APB1. Asynchronous mode only.
 *
 * <p>Transmit is instantaneous: a DR write with UE=TE=1 hands the character to the
 * {@link SerialEndpoint} at once, so TXE never drops and TC is set again right after the
 * write (facts §6: every library's polling accepts this). TXE stays 1 while TE=0 and a DR
 * write is then dropped as a guest error. With TXEIE=1 the interrupt is therefore asserted
 * whenever the firmware enables it, which is what interrupt-driven transmitters (libmaple's
 * ring buffer, HAL_UART_Transmit_IT) need to make progress.
 *
 * <p>Receive is paced by the wire: received bytes queue up in the model of the RX line and
 * complete one frame (start + M data bits + STOP) at a time at the baud rate
 * fPCLK / BRR, so a firmware reading byte by byte keeps up as it would on a real line. A
 * completed frame sets RXNE, or ORE if RXNE is still set (RDR keeps the old data), or is
 * lost if the receiver is off (UE=0 or RE=0). One idle frame after the last byte sets
 * IDLE, once per burst ("not set again until RXNE has been set").
 *
 * <p>Clearing sequences: reading SR and then DR clears the flags among IDLE, ORE, NE, FE,
 * PE that the SR read saw, and reading DR always clears RXNE; reading SR and then writing
 * DR clears TC. RXNE, TC, LBD and CTS are also rc_w0. Parity, LIN, smartcard, IrDA,
 * synchronous mode, hardware flow control and DMA are stored and logged as unimplemented.
 */
public final class Stm32Usart extends RegisterDevice {
    private static final int PE = 1;
    private static final int FE = 1 << 1;
    private static final int NE = 1 << 2;
    private static final int ORE = 1 << 3;
    private static final int IDLE = 1 << 4;
    private static final int TC = 1 << 6;
    /** Half-bits of each STOP setting: 1, 0.5, 2, 1.5 stop bits. */
    private static final int[] STOP_HALF_BITS = {2, 1, 4, 3};

    private final Scheduler scheduler;
    private final ClockTree clocks;
    private final int apb;
    private final IrqLine irq;
    private final Register sr;
    private final Flag pe;
    private final Flag fe;
    private final Flag ne;
    private final Flag ore;
    private final Flag idle;
    private final Flag rxne;
    private final Flag tc;
    private final Flag txe;
    private final Flag lbd;
    private final Flag cts;
    private final Register brr;
    private final Flag re;
    private final Flag te;
    private final Flag idleie;
    private final Flag rxneie;
    private final Flag tcie;
    private final Flag txeie;
    private final Flag peie;
    private final Flag m;
    private final Flag ue;
    private final Flag lbdie;
    private final Field stop;
    private final Flag eie;
    private final Field dmar;
    private final Flag ctsie;

    private final ArrayDeque<Byte> rxLine = new ArrayDeque<>();
    private SerialEndpoint endpoint = SerialEndpoint.NONE;
    private Scheduler.Event frameEvent;
    private Scheduler.Event idleEvent;
    private int rdr;
    /** SR as the last SR read saw it, for the "read SR then access DR" sequences. */
    private int srSeen;
    private boolean idleArmed;

    /**
     * @param clocks the clock tree; the USART counts at PCLK{@code apb}
     * @param apb    2 for USART1, 1 for USART2/3
     * @param irq    the USART's NVIC line (USART1 37, USART2 38, USART3 39 on STM32F103)
     */
    public Stm32Usart(DeviceLog log, Scheduler scheduler, ClockTree clocks, int apb, IrqLine irq) {
        super(log, BusWidth.REPLICATED);
        if (apb != 1 && apb != 2) {
            throw new IllegalArgumentException("apb must be 1 or 2: " + apb);
        }
        this.scheduler = scheduler;
        this.clocks = clocks;
        this.apb = apb;
        this.irq = irq;

        sr = regs.define(Reg.SR, 0x0000_00C0).reserved(10, 22);
        pe = sr.flag("PE", 0, Access.R);
        fe = sr.flag("FE", 1, Access.R);
        ne = sr.flag("NE", 2, Access.R);
        ore = sr.flag("ORE", 3, Access.R);
        idle = sr.flag("IDLE", 4, Access.R);
        rxne = sr.flag("RXNE", 5, Access.RC_W0);
        tc = sr.flag("TC", 6, Access.RC_W0);
        txe = sr.flag("TXE", 7, Access.R);
        lbd = sr.flag("LBD", 8, Access.RC_W0);
        cts = sr.flag("CTS", 9, Access.RC_W0);
        sr.beforeRead(() -> srSeen = sr.value());

        Register dr = regs.define(Reg.DR, 0).reserved(9, 23);
        dr.field("DR", 0, 9, Access.RW).readsAs(() -> rdr);
        dr.beforeRead(this::dataRead);
        dr.onWrite((v, lanes) -> dataWritten(v & 0x1FF));

        brr = regs.define(Reg.BRR, 0).reserved(16, 16);
        brr.field("DIV_Fraction", 0, 4, Access.RW);
        brr.field("DIV_Mantissa", 4, 12, Access.RW);

        Register cr1 = regs.define(Reg.CR1, 0).reserved(14, 18);
        Flag sbk = cr1.flag("SBK", 0, Access.RS);
        sbk.onChange(set -> {
            if (set) {
                log.unimplemented("sbk", "break characters are not sent; SBK clears at once");
                sbk.set(false);
            }
        });
        cr1.unimplemented("RWU", 1, 1);
        re = cr1.flag("RE", 2, Access.RW);
        te = cr1.flag("TE", 3, Access.RW);
        idleie = cr1.flag("IDLEIE", 4, Access.RW);
        rxneie = cr1.flag("RXNEIE", 5, Access.RW);
        tcie = cr1.flag("TCIE", 6, Access.RW);
        txeie = cr1.flag("TXEIE", 7, Access.RW);
        peie = cr1.flag("PEIE", 8, Access.RW);
        cr1.unimplemented("PS", 9, 1);
        cr1.unimplemented("PCE", 10, 1);
        cr1.unimplemented("WAKE", 11, 1);
        m = cr1.flag("M", 12, Access.RW);
        ue = cr1.flag("UE", 13, Access.RW);

        Register cr2 = regs.define(Reg.CR2, 0).reserved(4, 1).reserved(7, 1).reserved(15, 17);
        cr2.unimplemented("ADD", 0, 4);
        cr2.unimplemented("LBDL", 5, 1);
        lbdie = cr2.flag("LBDIE", 6, Access.RW);
        cr2.unimplemented("LBCL", 8, 1);
        cr2.unimplemented("CPHA", 9, 1);
        cr2.unimplemented("CPOL", 10, 1);
        cr2.unimplemented("CLKEN", 11, 1);
        stop = cr2.field("STOP", 12, 2, Access.RW);
        cr2.unimplemented("LINEN", 14, 1);

        Register cr3 = regs.define(Reg.CR3, 0).reserved(11, 21);
        eie = cr3.flag("EIE", 0, Access.RW);
        cr3.unimplemented("IREN", 1, 1);
        cr3.unimplemented("IRLP", 2, 1);
        cr3.unimplemented("HDSEL", 3, 1);
        cr3.unimplemented("NACK", 4, 1);
        cr3.unimplemented("SCEN", 5, 1);
        dmar = cr3.unimplemented("DMAR", 6, 1);
        cr3.unimplemented("DMAT", 7, 1);
        cr3.unimplemented("RTSE", 8, 1);
        cr3.unimplemented("CTSE", 9, 1);
        ctsie = cr3.flag("CTSIE", 10, Access.RW);

        Register gtpr = regs.define(Reg.GTPR, 0).reserved(16, 16);
        gtpr.unimplemented("PSC", 0, 8);
        gtpr.unimplemented("GT", 8, 8);

        for (Register r : new Register[]{sr, dr, cr1, cr2, cr3}) {
            r.afterWrite(this::updateInterrupts);
        }
    }

    /** Connects the far end of the wires; the previous endpoint is left open. */
    public void connect(SerialEndpoint e) {
        this.endpoint = e;
        e.open(this::receive);
    }

    /**
     * Bytes arriving on the RX wire, queued and delivered one frame time apart. Machine
     * thread only: endpoints on other threads hand over through {@code Machine::post}.
     */
    public void receive(byte[] data) {
        if (rxLine.isEmpty() && frameEvent == null && !receiverOn()) {
            dropped(data.length);
            return;
        }
        for (byte b : data) {
            rxLine.add(b);
        }
        if (frameEvent == null && !rxLine.isEmpty()) {
            startFrame();
        }
    }

    /** Bytes on the RX line that have not completed their frame yet. */
    public int receiveBacklog() {
        return rxLine.size();
    }

    /** One frame (start, data, stop bits) at the configured baud rate, in picoseconds. */
    public long frameTimePs() {
        long pclk = apb == 2 ? clocks.pclk2Hz() : clocks.pclk1Hz();
        int div = brr.value() & 0xFFFF;
        if (div < 16) {
            log.guestError("brr", String.format("BRR=0x%x: USARTDIV below 1 is not allowed; timed as 0x10", div));
            div = 16;
        }
        if (pclk <= 0) {
            log.guestError("pclk", "PCLK" + apb + " is stopped; received frames complete at once");
            return 0;
        }
        int halfBits = 2 * (1 + (m.isSet() ? 9 : 8)) + STOP_HALF_BITS[stop.get()];
        // baud = fPCLK / BRR (16x oversampling, RM0008 §27.3.4), so a bit lasts BRR PCLK cycles.
        return Ticks.psFor((long) halfBits * div, 2 * pclk);
    }

    @Override
    protected void onReset(ResetKind kind) {
        cancel(frameEvent);
        cancel(idleEvent);
        frameEvent = null;
        idleEvent = null;
        rxLine.clear();
        rdr = 0;
        srSeen = 0;
        idleArmed = false;
    }

    @Override
    protected void updateInterrupts() {
        // RM0008 §27.5, table "USART interrupt requests".
        boolean level = (txe.isSet() && txeie.isSet())
                || (tc.isSet() && tcie.isSet())
                || ((rxne.isSet() || ore.isSet()) && rxneie.isSet())
                || (idle.isSet() && idleie.isSet())
                || (pe.isSet() && peie.isSet())
                || (lbd.isSet() && lbdie.isSet())
                || (cts.isSet() && ctsie.isSet())
                || (eie.isSet() && dmar.get() != 0 && (fe.isSet() || ne.isSet() || ore.isSet()));
        irq.set(level);
    }

    private boolean receiverOn() {
        return ue.isSet() && re.isSet();
    }

    private void dataRead() {
        int clear = srSeen & (IDLE | ORE | NE | FE | PE);
        srSeen = 0;
        sr.setValue(sr.value() & ~clear);
        rxne.set(false);
        updateInterrupts();
    }

    private void dataWritten(int data) {
        if ((srSeen & TC) != 0) {
            tc.set(false);
        }
        srSeen = 0;
        if (!ue.isSet() || !te.isSet()) {
            log.guestError("txoff", "DR written with UE=0 or TE=0: the character is not sent");
            return;
        }
        endpoint.transmit(m.isSet() ? data : data & 0xFF);
        tc.set(true); // the frame completed at once; TXE never dropped
    }

    private void startFrame() {
        cancel(idleEvent);
        idleEvent = null;
        frameEvent = scheduler.after(frameTimePs(), this::frameReceived);
    }

    private void frameReceived() {
        frameEvent = null;
        int data = rxLine.poll() & 0xFF;
        if (!receiverOn()) {
            dropped(1);
        } else if (rxne.isSet()) {
            ore.set(true); // overrun: RDR keeps the unread character (RM0008 §27.3.3)
        } else {
            rdr = data;
            rxne.set(true);
            idleArmed = true;
        }
        if (!rxLine.isEmpty()) {
            startFrame();
        } else {
            idleEvent = scheduler.after(frameTimePs(), this::lineIdle);
        }
        updateInterrupts();
    }

    private void lineIdle() {
        idleEvent = null;
        if (idleArmed && receiverOn()) {
            idleArmed = false;
            idle.set(true);
            updateInterrupts();
        }
    }

    private void dropped(int count) {
        log.guestError("rxoff", "received data arrived with UE=0 or RE=0 and was lost (first loss: " + count
                + " byte(s))");
    }

    private static void cancel(Scheduler.Event e) {
        if (e != null) {
            e.cancel();
        }
    }

    /** USART registers (RM0008 §27.6). */
    enum Reg implements RegisterOffset {
        /** Status register. */
        SR(0x00),
        /** Data register. */
        DR(0x04),
        /** Baud rate register. */
        BRR(0x08),
        /** Control register 1. */
        CR1(0x0C),
        /** Control register 2. */
        CR2(0x10),
        /** Control register 3. */
        CR3(0x14),
        /** Guard time and prescaler register. */
        GTPR(0x18);

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
