package dev.stm32emu.periph.iotest;

import dev.stm32emu.core.Machine;
import dev.stm32emu.core.MachineConfig;
import dev.stm32emu.core.MachineStop;
import dev.stm32emu.core.cpu.CpuModel;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.semihosting.CapturingConsole;
import dev.stm32emu.periph.adc.SharedIrqLine;
import dev.stm32emu.periph.adc.Stm32f1Adc;
import dev.stm32emu.periph.gpio.Stm32f1GpioPort;
import dev.stm32emu.periph.tim.Stm32f1GeneralPurposeTimer;
import dev.stm32emu.periph.usart.CapturingEndpoint;
import dev.stm32emu.periph.usart.Stm32Usart;
import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static dev.stm32emu.periph.iotest.Thumb.bitBand;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The models on a real machine: unicorn CPU, peripheral bus, bit-band alias and NVIC,
 * driven by a hand-assembled program doing what libmaple's start-up does: bit-band pin
 * and calibration writes, polling RSTCAL/CAL through the alias, printing on USART1, and a
 * TIM2 update interrupt whose handler clears UIF through the alias.
 */
class PeripheralsOnTheCpuTest {
    private static final long FLASH = 0x0800_0000L;
    private static final long SRAM = 0x2000_0000L;
    private static final int GPIOC = 0x4001_1000;
    private static final int USART1 = 0x4001_3800;
    private static final int ADC1 = 0x4001_2400;
    private static final int TIM2 = 0x4000_0000;
    private static final int TIM2_IRQ = 28;

    @Test
    void shouldRunLibmapleStyleStartUpCodeAgainstTheModels() {
        FakeClockTree clocks = new FakeClockTree().pclk2(8_000_000).timerClock(1, 8_000_000).adcClock(4_000_000);
        try (Machine m = new Machine(MachineConfig.generic(CpuModel.CORTEX_M3, new CapturingConsole()))) {
            MemorySegment flash = m.allocate(64 << 10, 0xFF);
            m.addMemory("flash", FLASH, flash, MemoryPermissions.RX, null);
            m.addMemory("boot alias (flash)", 0, flash, MemoryPermissions.RX, null);
            m.addMemory("sram", SRAM, m.allocate(20 << 10, 0), MemoryPermissions.RWX, null);
            m.enableBitBand();

            Stm32f1GpioPort gpioc = new Stm32f1GpioPort('C', m.log("gpioc"), m.events(), m.clock());
            Stm32Usart usart1 = new Stm32Usart(m.log("usart1"), m.scheduler(), clocks, 2, m.nvic().line(37));
            Stm32f1Adc adc1 = new Stm32f1Adc(m.log("adc1"), m.scheduler(), clocks,
                    new SharedIrqLine(m.nvic().line(18)).input(), true);
            Stm32f1GeneralPurposeTimer tim2 = new Stm32f1GeneralPurposeTimer(m.log("tim2"), m.scheduler(), clocks, 1,
                    m.nvic().line(TIM2_IRQ));
            CapturingEndpoint console = new CapturingEndpoint();
            usart1.connect(console);
            m.attach("gpioc", GPIOC, 0x400, gpioc);
            m.attach("usart1", USART1, 0x400, usart1);
            m.attach("adc1", ADC1, 0x400, adc1);
            m.attach("tim2", TIM2, 0x400, tim2);
            m.mapPeripheralWindow(0x4000_0000L, 0x2_4000L);
            for (var r : List.of(gpioc, usart1, adc1, tim2)) {
                m.addResettable(r);
            }
            List<MachineEvent.PinChange> pins = new CopyOnWriteArrayList<>();
            m.events().subscribe(e -> {
                if (e instanceof MachineEvent.PinChange pc) {
                    pins.add(pc);
                }

            });

            Thumb isr = new Thumb(FLASH + 0x400)
                    .load(0, (int) SRAM + 4).ldr(1, 0).adds(1, 1).str(1, 0)
                    .load(0, bitBand(TIM2 + 0x10, 0)).movs(1, 0).str(1, 0) // SR.UIF = 0 through the alias
                    .ret();
            Thumb main = new Thumb(FLASH + 0x100)
                    .poke(GPIOC + 0x04, 0x4424_4444) // PC13 push-pull output
                    .load(0, bitBand(GPIOC + 0x0C, 13)).movs(1, 1).str(1, 0)
                    .poke(USART1 + 0x08, 0x45).poke(USART1 + 0x0C, 0x2008)
                    .poke(USART1 + 0x04, 'O').poke(USART1 + 0x04, 'K')
                    .load(0, bitBand(ADC1 + 0x08, 0)).movs(1, 1).str(1, 0) // ADON
                    .load(0, bitBand(ADC1 + 0x08, 3)).str(1, 0); // RSTCAL
            long waitReset = main.here();
            main.ldr(2, 0).cmp(2, 0).bne(waitReset)
                    .load(0, bitBand(ADC1 + 0x08, 2)).str(1, 0); // CAL
            long waitCal = main.here();
            main.ldr(2, 0).cmp(2, 0).bne(waitCal)
                    .poke((int) SRAM, 0xCA1)
                    .poke(TIM2 + 0x28, 7).poke(TIM2 + 0x2C, 99).poke(TIM2 + 0x14, 1).poke(TIM2 + 0x10, 0)
                    .poke(TIM2 + 0x0C, 1).poke(TIM2, 1)
                    .poke(0xE000_E100, 1 << TIM2_IRQ)
                    .enableInterrupts()
                    .idle();

            ByteBuffer vectors = ByteBuffer.allocate(0x100).order(ByteOrder.LITTLE_ENDIAN);
            vectors.putInt(0, (int) SRAM + 0x5000).putInt(4, (int) (FLASH + 0x101));
            vectors.putInt(4 * (16 + TIM2_IRQ), (int) (FLASH + 0x401));
            m.memory().writeBytes(FLASH, vectors.array());
            m.memory().writeBytes(FLASH + 0x100, main.bytes());
            assertTrue(main.here() <= FLASH + 0x400, "main must not overlap the handler");
            m.memory().writeBytes(FLASH + 0x400, isr.bytes());
            m.powerOn();

            MachineStop stop = m.run(VirtualTime.MS);

            assertEquals(MachineStop.Kind.TIMEOUT, stop.kind(), stop.toString());
            assertEquals("OK", console.text());
            assertEquals("PC13", pins.getFirst().pin());
            assertTrue(pins.getFirst().level());
            assertEquals(0xCA1, m.memory().read(SRAM, 4), "RSTCAL and CAL cleared: both loops ended");
            int ticks = m.memory().read(SRAM + 4, 4);
            assertTrue(ticks >= 9 && ticks <= 10, "a TIM2 interrupt every 100 us: " + ticks);
        }
    }
}
