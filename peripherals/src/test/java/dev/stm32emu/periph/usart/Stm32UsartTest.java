package dev.stm32emu.periph.usart;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.periph.iotest.FakeClockTree;
import dev.stm32emu.periph.iotest.IrqProbe;
import dev.stm32emu.periph.iotest.VirtualTime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32UsartTest {
    static final int SR = 0x00;
    static final int DR = 0x04;
    static final int BRR = 0x08;
    static final int CR1 = 0x0C;
    static final int CR2 = 0x10;
    static final int ORE = 1 << 3;
    static final int IDLE = 1 << 4;
    static final int RXNE = 1 << 5;
    static final int TC = 1 << 6;
    static final int TXE = 1 << 7;
    static final int RE = 1 << 2;
    static final int TE = 1 << 3;
    static final int IDLEIE = 1 << 4;
    static final int RXNEIE = 1 << 5;
    static final int TCIE = 1 << 6;
    static final int TXEIE = 1 << 7;
    static final int UE = 1 << 13;
    /** 115200 baud at PCLK2 = 72 MHz. */
    static final int BRR_115200 = 0x271;
    /** 10 bits of 625 PCLK2 cycles. */
    static final long FRAME_PS = 86_805_556L;

    private final VirtualTime time = new VirtualTime();
    private final FakeClockTree clocks = new FakeClockTree();
    private final IrqProbe irq = new IrqProbe();
    private final CapturingEndpoint wire = new CapturingEndpoint();
    private final Stm32Usart usart = new Stm32Usart(DeviceLog.standalone("usart1"), time.scheduler(), clocks, 2, irq);

    Stm32UsartTest() {
        usart.connect(wire);
    }

    private void enable(int extraCr1) {
        usart.write(BRR, 4, BRR_115200);
        usart.write(CR1, 4, UE | TE | RE | extraCr1);
    }

    @Test
    void shouldResetWithTxeAndTcSet() {
        assertEquals(TXE | TC, usart.read(SR, 4));
    }

    @Test
    void shouldHandDrWritesToTheEndpointAndKeepTxeAndTcSet() {
        enable(0);
        usart.write(DR, 1, 'H');
        usart.write(DR, 4, 'i');
        assertEquals("Hi", wire.text());
        assertEquals(TXE | TC, usart.read(SR, 4) & (TXE | TC));
    }

    @Test
    void shouldNotSendWhatIsWrittenWhileTheTransmitterIsDisabled() {
        usart.write(CR1, 4, UE | RE);
        usart.write(DR, 4, 'x');
        assertEquals("", wire.text());
        assertEquals(TXE | TC, usart.read(SR, 4));
    }

    @Test
    void shouldAssertTheInterruptWhileTxeieIsSetBecauseTheTransmitterIsAlwaysReady() {
        enable(TXEIE);
        assertTrue(irq.level(), "TXE=1 with TXEIE=1");
        usart.write(CR1, 4, UE | TE | RE);
        assertFalse(irq.level());
    }

    @Test
    void shouldFollowTcWithTcieAndClearTcByWritingZero() {
        enable(TCIE);
        assertTrue(irq.level());
        usart.write(SR, 4, ~TC); // HAL's __HAL_UART_CLEAR_FLAG
        assertEquals(TXE, usart.read(SR, 4), "TC cleared; writing 1 to TXE and the rc_w0 bits changed nothing");
        assertFalse(irq.level());
        usart.write(DR, 4, 'z');
        assertEquals(TXE | TC, usart.read(SR, 4), "the next frame completes");
        assertTrue(irq.level());
    }

    @Test
    void shouldCompleteAReceivedCharacterOneFrameTimeAfterItArrives() {
        enable(0);
        assertEquals(FRAME_PS, usart.frameTimePs());
        wire.send("A");
        time.advance(FRAME_PS - 1);
        assertEquals(0, usart.read(SR, 4) & RXNE);
        time.advance(1);
        assertEquals(RXNE, usart.read(SR, 4) & RXNE);
        assertEquals('A', usart.read(DR, 4));
        assertEquals(0, usart.read(SR, 4) & RXNE, "reading DR clears RXNE");
    }

    @Test
    void shouldTimeFramesFromBrrTheApbClockAndTheFrameFormat() {
        enable(1 << 12); // M=1: 9 data bits
        usart.write(CR2, 4, 0b10 << 12); // 2 stop bits
        assertEquals(Math.ceilDiv(12 * 625 * 1_000_000_000_000L, 72_000_000L), usart.frameTimePs());
        clocks.pclk2(36_000_000);
        assertEquals(Math.ceilDiv(12 * 625 * 1_000_000_000_000L, 36_000_000L), usart.frameTimePs());
        Stm32Usart usart2 = new Stm32Usart(DeviceLog.standalone("usart2"), time.scheduler(), clocks.pclk1(8_000_000), 1,
                new IrqProbe());
        usart2.write(BRR, 4, 0x45); // 115942 baud at 8 MHz
        assertEquals(Math.ceilDiv(10 * 0x45 * 1_000_000_000_000L, 8_000_000L), usart2.frameTimePs());
    }

    @Test
    void shouldReleaseQueuedCharactersOneFrameApart() {
        enable(0);
        wire.send("abc");
        assertEquals(3, usart.receiveBacklog());
        time.advance(FRAME_PS);
        assertEquals('a', usart.read(DR, 4));
        assertEquals(0, usart.read(SR, 4) & RXNE, "b is still on the wire");
        time.advance(FRAME_PS);
        assertEquals('b', usart.read(DR, 4));
        time.advance(FRAME_PS);
        assertEquals('c', usart.read(DR, 4));
        assertEquals(0, usart.read(SR, 4) & (RXNE | ORE), "read in time: no overrun");
        assertEquals(0, usart.receiveBacklog());
    }

    @Test
    void shouldSetOverrunAndKeepTheUnreadCharacterWhenTheNextOneCompletes() {
        enable(0);
        wire.send("ab");
        time.advance(2 * FRAME_PS);
        int sr = usart.read(SR, 4);
        assertEquals(RXNE | ORE, sr & (RXNE | ORE));
        assertEquals('a', usart.read(DR, 4), "RDR kept the first character");
        assertEquals(0, usart.read(SR, 4) & (RXNE | ORE), "SR read then DR read cleared ORE");
    }

    @Test
    void shouldClearOverrunOnlyWhenDrIsReadAfterAnSrRead() {
        enable(0);
        wire.send("ab");
        time.advance(2 * FRAME_PS);
        usart.read(DR, 4);
        assertEquals(ORE, usart.read(SR, 4) & (RXNE | ORE), "a DR read alone clears RXNE, not ORE");
        usart.read(DR, 4);
        assertEquals(0, usart.read(SR, 4) & ORE);
    }

    @Test
    void shouldSetIdleOneFrameAfterABurstOnlyOnce() {
        enable(IDLEIE);
        wire.send("a");
        time.advance(FRAME_PS);
        usart.read(SR, 4);
        usart.read(DR, 4);
        assertEquals(0, usart.read(SR, 4) & IDLE);
        time.advance(FRAME_PS);
        assertEquals(IDLE, usart.read(SR, 4) & IDLE);
        assertTrue(irq.level());
        usart.read(DR, 4);
        assertEquals(0, usart.read(SR, 4) & IDLE, "SR read then DR read clears IDLE");
        assertFalse(irq.level());
        time.advance(10 * FRAME_PS);
        assertEquals(0, usart.read(SR, 4) & IDLE, "not again until a new character arrived");
        wire.send("b");
        time.advance(2 * FRAME_PS);
        assertEquals(IDLE | RXNE, usart.read(SR, 4) & (IDLE | RXNE));
    }

    @Test
    void shouldRaiseTheReceiveInterruptForDataAndForOverrun() {
        enable(RXNEIE);
        assertFalse(irq.level());
        wire.send("ab");
        time.advance(FRAME_PS);
        assertTrue(irq.level(), "RXNE");
        time.advance(FRAME_PS);
        usart.read(DR, 4);
        assertTrue(irq.level(), "ORE still set keeps the RXNEIE interrupt up");
        usart.read(SR, 4);
        usart.read(DR, 4);
        assertFalse(irq.level());
    }

    @Test
    void shouldLoseCharactersThatArriveOrCompleteWhileTheReceiverIsOff() {
        usart.write(BRR, 4, BRR_115200);
        usart.write(CR1, 4, UE | TE);
        wire.send("x");
        assertEquals(0, usart.receiveBacklog(), "nobody listens: dropped at once");
        usart.write(CR1, 4, UE | TE | RE);
        wire.send("y");
        time.advance(FRAME_PS / 2);
        usart.write(CR1, 4, UE | TE);
        time.advance(FRAME_PS);
        usart.write(CR1, 4, UE | TE | RE);
        assertEquals(0, usart.read(SR, 4) & RXNE);
    }

    @Test
    void shouldIgnoreOnesWrittenToStatusFlags() {
        enable(0);
        usart.write(SR, 4, -1);
        assertEquals(TXE | TC, usart.read(SR, 4));
    }
}
