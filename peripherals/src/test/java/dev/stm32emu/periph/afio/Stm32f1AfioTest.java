package dev.stm32emu.periph.afio;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.gpio.PinMode;
import dev.stm32emu.periph.gpio.Stm32f1GpioPort;
import dev.stm32emu.periph.iotest.VirtualTime;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1AfioTest {
    private static final int MAPR = 0x04;
    private static final int EXTICR1 = 0x08;
    private static final int EXTICR4 = 0x14;
    private static final int USART1_REMAP = 1 << 2;

    private final VirtualTime time = new VirtualTime();
    private final boolean[] extiLevels = new boolean[16];
    private final Stm32f1Afio afio = new Stm32f1Afio(DeviceLog.standalone("afio"),
            line -> (IrqLine) level -> extiLevels[line] = level);
    private final Stm32f1GpioPort gpioa = port('A');
    private final Stm32f1GpioPort gpiob = port('B');

    Stm32f1AfioTest() {
        afio.attachPort(0, gpioa);
        afio.attachPort(1, gpiob);
    }

    private Stm32f1GpioPort port(char letter) {
        return new Stm32f1GpioPort(letter, DeviceLog.standalone("gpio" + letter), new MachineEvents(), time.clock());
    }

    @Test
    void shouldReadSwjCfgAsZeroButApplyWhatWasWritten() {
        afio.write(MAPR, 4, 0b010 << 24);
        assertEquals(0, afio.read(MAPR, 4));
        assertEquals(Stm32f1Afio.SwjConfig.SW_DP_ONLY, afio.swjConfig());
        assertEquals(PinMode.INPUT_FLOATING, gpioa.pin(15).mode(), "JTDI released");
        assertEquals(PinMode.INPUT_FLOATING, gpiob.pin(3).mode(), "JTDO released");
        assertFalse(gpiob.pin(4).level(), "NJTRST released loses its pull-up");
        assertEquals(PinMode.DEBUG, gpioa.pin(13).mode(), "SWDIO kept");
        assertTrue(gpioa.pin(13).level());
    }

    @Test
    void shouldChangeNothingWhenSwjCfgIsWritten111AsHalRemapMacrosDo() {
        afio.write(MAPR, 4, 0b100 << 24);
        afio.write(MAPR, 4, afio.read(MAPR, 4) | (0b111 << 24) | USART1_REMAP);
        assertEquals(Stm32f1Afio.SwjConfig.DISABLED, afio.swjConfig());
        assertEquals(USART1_REMAP, afio.read(MAPR, 4), "the remap bit is stored, SWJ_CFG reads 0");
        assertEquals(PinMode.INPUT_FLOATING, gpioa.pin(13).mode());
    }

    @Test
    void shouldGiveThePinsBackToTheDebugPortWhenSwjCfgIsWritten000() {
        afio.write(MAPR, 4, 0b100 << 24);
        afio.write(MAPR, 4, afio.read(MAPR, 4) | USART1_REMAP); // libmaple's plain RMW writes 000
        assertEquals(Stm32f1Afio.SwjConfig.FULL, afio.swjConfig());
        assertEquals(PinMode.DEBUG, gpiob.pin(4).mode());
    }

    @Test
    void shouldIgnoreReservedSwjCodes() {
        afio.write(MAPR, 4, 0b010 << 24);
        afio.write(MAPR, 4, 0b011 << 24);
        assertEquals(Stm32f1Afio.SwjConfig.SW_DP_ONLY, afio.swjConfig());
    }

    @Test
    void shouldRestoreFullSwjOnReset() {
        afio.write(MAPR, 4, 0b100 << 24);
        afio.reset(ResetKind.SOFTWARE);
        assertEquals(Stm32f1Afio.SwjConfig.FULL, afio.swjConfig());
        assertEquals(0xA000, gpioa.inputLevels() & 0xE000);
    }

    @Test
    void shouldFeedEachExtiLineFromTheSelectedPortOnly() {
        gpiob.pin(0).drive(true);
        assertFalse(extiLevels[0], "line 0 follows PA0 after reset");
        afio.write(EXTICR1, 4, 0x0001); // EXTI0 = PB
        assertEquals(0x0001, afio.read(EXTICR1, 4));
        assertTrue(extiLevels[0], "switching the multiplexer to PB0 shows its level");
        gpioa.pin(0).drive(true);
        gpiob.pin(0).drive(false);
        assertFalse(extiLevels[0], "PA0 no longer reaches line 0");
        gpiob.pin(0).drive(true);
        assertTrue(extiLevels[0]);
    }

    @Test
    void shouldSelectPortsForTheHighLinesInExticr4() {
        afio.write(EXTICR4, 4, 0x1000); // EXTI15 = PB
        gpiob.pin(15).drive(true);
        assertTrue(extiLevels[15]);
        gpioa.pin(15).drive(false); // PA15 (pulled-up JTDI) does not matter any more
        assertTrue(extiLevels[15]);
    }
}
