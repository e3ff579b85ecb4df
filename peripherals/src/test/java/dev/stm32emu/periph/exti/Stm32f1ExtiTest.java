package dev.stm32emu.periph.exti;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.periph.afio.Stm32f1Afio;
import dev.stm32emu.periph.gpio.Stm32f1GpioPort;
import dev.stm32emu.periph.iotest.IrqProbe;
import dev.stm32emu.periph.iotest.VirtualTime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1ExtiTest {
    private static final int IMR = 0x00;
    private static final int EMR = 0x04;
    private static final int RTSR = 0x08;
    private static final int FTSR = 0x0C;
    private static final int SWIER = 0x10;
    private static final int PR = 0x14;
    private static final int EXTICR2 = 0x0C;
    /** Output indices: EXTI0..4, EXTI9_5, EXTI15_10, PVD, RTC_Alarm, USBWakeUp. */
    private static final int EXTI0 = 0;
    private static final int EXTI9_5 = 5;
    private static final int EXTI15_10 = 6;
    private static final int RTC_ALARM = 8;

    private final VirtualTime time = new VirtualTime();
    private final List<IrqProbe> irqs = new ArrayList<>();
    private final Stm32f1Exti exti;
    private final Stm32f1Afio afio;
    private final Stm32f1GpioPort gpioa;
    private final Stm32f1GpioPort gpiob;

    Stm32f1ExtiTest() {
        for (int i = 0; i < 10; i++) {
            irqs.add(new IrqProbe());
        }
        exti = new Stm32f1Exti(DeviceLog.standalone("exti"), List.copyOf(irqs));
        afio = new Stm32f1Afio(DeviceLog.standalone("afio"), exti::input);
        gpioa = port('A');
        gpiob = port('B');
        afio.attachPort(0, gpioa);
        afio.attachPort(1, gpiob);
    }

    private Stm32f1GpioPort port(char letter) {
        return new Stm32f1GpioPort(letter, DeviceLog.standalone("gpio" + letter), new MachineEvents(), time.clock());
    }

    @Test
    void shouldPendLine0AndRaiseExti0OnARisingEdgeOfPa0() {
        exti.write(IMR, 4, 1);
        exti.write(RTSR, 4, 1);
        gpioa.pin(0).drive(true);
        assertEquals(1, exti.read(PR, 4));
        assertTrue(irqs.get(EXTI0).level());
        for (int i = 1; i < 10; i++) {
            assertFalse(irqs.get(i).level(), "output " + i);
        }
    }

    @Test
    void shouldIgnoreEdgesOfPortsTheExticrDoesNotSelect() {
        exti.write(IMR, 4, 1 << 6);
        exti.write(RTSR, 4, 1 << 6);
        exti.write(FTSR, 4, 1 << 6);
        afio.write(EXTICR2, 4, 0x0100); // EXTI6 = PB6
        gpioa.pin(6).drive(true);
        gpioa.pin(6).drive(false);
        assertEquals(0, exti.read(PR, 4), "PA6 is not routed to line 6");
        gpiob.pin(6).drive(true);
        assertEquals(1 << 6, exti.read(PR, 4));
        assertTrue(irqs.get(EXTI9_5).level());
    }

    @Test
    void shouldDetectFallingEdgesOnlyWhenFtsrSelectsThem() {
        exti.write(IMR, 4, 1 << 12);
        exti.write(RTSR, 4, 1 << 12);
        gpioa.pin(12).drive(true);
        exti.write(PR, 4, 1 << 12);
        gpioa.pin(12).drive(false);
        assertEquals(0, exti.read(PR, 4), "falling edge not selected");
        exti.write(RTSR, 4, 0);
        exti.write(FTSR, 4, 1 << 12);
        gpioa.pin(12).drive(true);
        assertEquals(0, exti.read(PR, 4), "rising edge no longer selected");
        gpioa.pin(12).drive(false);
        assertEquals(1 << 12, exti.read(PR, 4));
        assertTrue(irqs.get(EXTI15_10).level());
    }

    @Test
    void shouldSeeEdgesOfAnInputPinFromTheFirmwareTogglingItsPull() {
        exti.write(IMR, 4, 1 << 1);
        exti.write(RTSR, 4, 1 << 1);
        gpioa.write(0x00, 4, 0x4444_4484); // PA1 input pull-up/down, ODR=0: pulled down
        gpioa.write(0x10, 4, 1 << 1); // ODR=1: pulled up, a rising edge
        assertEquals(1 << 1, exti.read(PR, 4));
        assertTrue(irqs.get(1).level());
    }

    @Test
    void shouldNotPendAnEdgeOnAMaskedLineEvenWhenUnmaskedLater() {
        exti.write(RTSR, 4, 1);
        gpioa.pin(0).drive(true);
        assertEquals(0, exti.read(PR, 4));
        exti.write(IMR, 4, 1);
        assertEquals(0, exti.read(PR, 4));
        assertFalse(irqs.get(EXTI0).level());
    }

    @Test
    void shouldKeepAPendingLineAfterItIsMasked() {
        exti.write(IMR, 4, 1);
        exti.write(RTSR, 4, 1);
        gpioa.pin(0).drive(true);
        exti.write(IMR, 4, 0);
        assertEquals(1, exti.read(PR, 4));
        assertTrue(irqs.get(EXTI0).level());
    }

    @Test
    void shouldClearPendingByWritingOneAndDropTheInterrupt() {
        exti.write(IMR, 4, 0b11);
        exti.write(RTSR, 4, 0b11);
        gpioa.pin(0).drive(true);
        gpioa.pin(1).drive(true);
        exti.write(PR, 4, 0b10);
        assertEquals(0b01, exti.read(PR, 4), "writing 1 clears only that line");
        assertFalse(irqs.get(1).level());
        assertTrue(irqs.get(EXTI0).level());
        exti.write(PR, 4, 0);
        assertEquals(0b01, exti.read(PR, 4), "writing 0 has no effect");
        exti.write(PR, 4, 0b01);
        assertFalse(irqs.get(EXTI0).level());
    }

    @Test
    void shouldPendALineWhenSoftwareWritesItsSwierBitAndClearSwierWithThePendingBit() {
        exti.write(IMR, 4, 1 << 9);
        exti.write(SWIER, 4, 1 << 9);
        assertEquals(1 << 9, exti.read(PR, 4));
        assertEquals(1 << 9, exti.read(SWIER, 4));
        assertTrue(irqs.get(EXTI9_5).level());
        exti.write(PR, 4, 1 << 9);
        assertEquals(0, exti.read(SWIER, 4));
        assertFalse(irqs.get(EXTI9_5).level());
        exti.write(SWIER, 4, 1 << 9);
        assertEquals(1 << 9, exti.read(PR, 4), "a new 0-to-1 write pends again");
    }

    @Test
    void shouldPendOnlyWhenSwierGoesFromZeroToOne() {
        exti.write(SWIER, 4, 1 << 3); // masked: SWIER set, nothing pending
        assertEquals(1 << 3, exti.read(SWIER, 4));
        assertEquals(0, exti.read(PR, 4));
        exti.write(IMR, 4, 1 << 3);
        exti.write(SWIER, 4, 1 << 3);
        assertEquals(0, exti.read(PR, 4), "SWIER was already 1");
        exti.write(SWIER, 4, 0);
        exti.write(SWIER, 4, 1 << 3);
        assertEquals(1 << 3, exti.read(PR, 4));
        assertTrue(irqs.get(3).level());
    }

    @Test
    void shouldRaiseTheRtcAlarmInterruptFromLine17() {
        exti.write(IMR, 4, 1 << Stm32f1Exti.LINE_RTC_ALARM);
        exti.write(RTSR, 4, 1 << Stm32f1Exti.LINE_RTC_ALARM);
        IrqLine alarm = exti.input(Stm32f1Exti.LINE_RTC_ALARM);
        alarm.set(true);
        alarm.set(false);
        assertTrue(irqs.get(RTC_ALARM).level());
        assertEquals(1 << 17, exti.read(PR, 4));
    }

    @Test
    void shouldSendACoreEventForLinesUnmaskedInEmr() {
        int[] events = {0};
        exti.setEventOutput(() -> events[0]++);
        exti.write(EMR, 4, 1);
        exti.write(RTSR, 4, 1);
        gpioa.pin(0).drive(true);
        assertEquals(1, events[0]);
        assertEquals(0, exti.read(PR, 4), "IMR=0: no pending interrupt");
    }

    @Test
    void shouldIgnoreReservedBitsAbove18() {
        exti.write(IMR, 4, -1);
        assertEquals(0x7FFFF, exti.read(IMR, 4));
        exti.write(SWIER, 4, 1 << 19);
        assertEquals(0, exti.read(PR, 4));
    }
}
