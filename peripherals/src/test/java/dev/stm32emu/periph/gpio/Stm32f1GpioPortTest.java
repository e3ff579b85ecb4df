package dev.stm32emu.periph.gpio;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.iotest.VirtualTime;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1GpioPortTest {
    private static final int CRL = 0x00;
    private static final int CRH = 0x04;
    private static final int IDR = 0x08;
    private static final int ODR = 0x0C;
    private static final int BSRR = 0x10;
    private static final int BRR = 0x14;
    private static final int LCKR = 0x18;

    private final VirtualTime time = new VirtualTime();
    private final MachineEvents events = new MachineEvents();

    private Stm32f1GpioPort port(char letter) {
        return new Stm32f1GpioPort(letter, DeviceLog.standalone("gpio" + letter), events, time.clock());
    }

    /** Sets pin {@code n}'s CNF/MODE nibble with a read-modify-write of CRL/CRH. */
    private static void configure(Stm32f1GpioPort p, int n, int nibble) {
        int reg = n < 8 ? CRL : CRH;
        int shift = 4 * (n & 7);
        p.write(reg, 4, (p.read(reg, 4) & ~(0xF << shift)) | (nibble << shift));
    }

    @Test
    void shouldReadUndrivenFloatingInputsAsZeroExceptTheJtagPullUpsAfterReset() {
        assertEquals(0x4444_4444, port('A').read(CRL, 4));
        assertEquals(0xA000, port('A').read(IDR, 4), "PA13 and PA15 pulled up, PA14 pulled down");
        assertEquals(0x0010, port('B').read(IDR, 4), "PB4 pulled up, PB3 floating");
        assertEquals(0x0000, port('C').read(IDR, 4));
    }

    @Test
    void shouldReadWhatTheBoardDrivesOnAFloatingInput() {
        Stm32f1GpioPort c = port('C');
        c.pin(13).drive(true);
        assertEquals(1 << 13, c.read(IDR, 4));
        c.pin(13).drive(false);
        assertEquals(0, c.read(IDR, 4));
        c.pin(13).release();
        assertEquals(0, c.read(IDR, 4));
    }

    @Test
    void shouldPullUpOrDownAsOdrSelectsWhenNothingDrivesTheInput() {
        Stm32f1GpioPort c = port('C');
        configure(c, 3, 0b1000); // input pull-up/pull-down
        c.write(BSRR, 4, 1 << 3);
        assertEquals(1 << 3, c.read(IDR, 4) & (1 << 3), "ODR=1 pulls up");
        assertEquals(PinMode.INPUT_PULL_UP, c.pin(3).mode());
        c.pin(3).drive(false);
        assertEquals(0, c.read(IDR, 4) & (1 << 3), "an external low beats the weak pull-up");
        c.pin(3).release();
        c.write(BRR, 4, 1 << 3);
        assertEquals(0, c.read(IDR, 4) & (1 << 3), "ODR=0 pulls down");
        assertEquals(PinMode.INPUT_PULL_DOWN, c.pin(3).mode());
    }

    @Test
    void shouldReadZeroOnAnAnalogInputWhateverThePadLevel() {
        Stm32f1GpioPort a = port('A');
        configure(a, 1, 0b0000);
        a.pin(1).drive(true);
        assertTrue(a.pin(1).level());
        assertEquals(0, a.read(IDR, 4) & 2);
    }

    @Test
    void shouldDrivePushPullOutputsFromOdrWhateverTheBoardDrives() {
        Stm32f1GpioPort c = port('C');
        configure(c, 13, 0b0010); // general-purpose push-pull, 2 MHz
        c.pin(13).drive(true);
        assertEquals(0, c.read(IDR, 4) & (1 << 13), "ODR=0 wins over the board");
        assertEquals(GpioPin.Drive.LOW, c.pin(13).firmwareDrive());
        c.write(ODR, 4, 1 << 13);
        assertEquals(1 << 13, c.read(IDR, 4) & (1 << 13));
        assertEquals(GpioPin.Drive.HIGH, c.pin(13).firmwareDrive());
    }

    @Test
    void shouldReadOpenDrainOutputsAsOdrAndTheExternalLevel() {
        Stm32f1GpioPort b = port('B');
        configure(b, 6, 0b0111); // general-purpose open-drain, 50 MHz
        b.write(BSRR, 4, 1 << 6);
        assertEquals(GpioPin.Drive.NONE, b.pin(6).firmwareDrive(), "a released open-drain does not drive");
        b.pin(6).drive(true);
        assertEquals(1 << 6, b.read(IDR, 4) & (1 << 6));
        b.pin(6).drive(false);
        assertEquals(0, b.read(IDR, 4) & (1 << 6), "ODR=1 AND external low");
        b.pin(6).drive(true);
        b.write(BRR, 4, 1 << 6);
        assertEquals(0, b.read(IDR, 4) & (1 << 6), "ODR=0 AND external high");
        assertEquals(GpioPin.Drive.LOW, b.pin(6).firmwareDrive());
    }

    @Test
    void shouldLetSetWinWhenBsrrSetsAndResetsTheSamePin() {
        Stm32f1GpioPort c = port('C');
        c.write(BSRR, 4, (1 << 5) | (1 << (16 + 5)));
        assertEquals(1 << 5, c.read(ODR, 4));
        c.write(BSRR, 4, 1 << (16 + 5));
        assertEquals(0, c.read(ODR, 4), "BR alone resets");
    }

    @Test
    void shouldTurnAHalfWordStoreToTheUpperHalfOfBsrrIntoSetAndResetOfTheSamePins() {
        Stm32f1GpioPort c = port('C');
        c.write(ODR, 4, 0x0003);
        c.write(BSRR + 2, 2, 0x0011); // APB replicates it to 0x00110011: BS and BR of pins 0 and 4
        assertEquals(0x0013, c.read(ODR, 4), "set wins for pins 0 and 4; pin 1 untouched");
    }

    @Test
    void shouldResetPinsWithBrrAlsoFromAHalfWordStore() {
        Stm32f1GpioPort c = port('C');
        c.write(ODR, 4, 0xFFFF);
        c.write(BRR, 4, 0x00F0);
        assertEquals(0xFF0F, c.read(ODR, 4));
        c.write(BRR, 2, 0x0F00);
        assertEquals(0xF00F, c.read(ODR, 4));
    }

    @Test
    void shouldReadZeroFromTheWriteOnlySetResetRegisters() {
        Stm32f1GpioPort c = port('C');
        c.write(BSRR, 4, 0x0001_0002);
        c.write(BRR, 4, 0x0004);
        assertEquals(0, c.read(BSRR, 4));
        assertEquals(0, c.read(BRR, 4));
    }

    @Test
    void shouldLockTheConfigurationAfterTheKeySequenceAndReadLckkOnlyOnTheSecondRead() {
        Stm32f1GpioPort c = port('C');
        int pins = (1 << 13) | (1 << 2);
        c.write(LCKR, 4, 0x1_0000 | pins);
        c.write(LCKR, 4, pins);
        c.write(LCKR, 4, 0x1_0000 | pins);
        assertEquals(pins, c.read(LCKR, 4), "the first read completes the sequence and still reads LCKK=0");
        assertEquals(0x1_0000 | pins, c.read(LCKR, 4), "LCKK reads 1 once locked");

        c.write(CRL, 4, 0x3333_3333);
        assertEquals(0x3333_3433, c.read(CRL, 4), "pin 2's nibble is frozen");
        c.write(CRH, 4, 0x1111_1111);
        assertEquals(0x1141_1111, c.read(CRH, 4), "pin 13's nibble is frozen");
        c.write(LCKR, 4, 0);
        assertEquals(0x1_0000 | pins, c.read(LCKR, 4), "LCKR itself is frozen");
        c.write(BSRR, 4, 1 << 13);
        assertEquals(1 << 13, c.read(ODR, 4), "data registers stay writable");

        c.reset(ResetKind.PIN);
        c.write(CRL, 4, 0x3333_3333);
        assertEquals(0x3333_3333, c.read(CRL, 4), "a reset unlocks");
        assertEquals(0, c.read(LCKR, 4));
    }

    @Test
    void shouldAbortTheLockWhenLckChangesDuringTheSequence() {
        Stm32f1GpioPort c = port('C');
        c.write(LCKR, 4, 0x1_0000 | 0x0004);
        c.write(LCKR, 4, 0x0008);
        c.write(LCKR, 4, 0x1_0000 | 0x0008);
        c.read(LCKR, 4);
        assertEquals(0, c.read(LCKR, 4) & 0x1_0000);
        c.write(CRL, 4, 0x3333_3333);
        assertEquals(0x3333_3333, c.read(CRL, 4));
    }

    @Test
    void shouldPublishPinChangesWithTheirVirtualTimeOnlyWhenTheLevelChanges() {
        List<MachineEvent.PinChange> changes = new ArrayList<>();
        events.subscribe(e -> {
            if (e instanceof MachineEvent.PinChange pc) {
                changes.add(pc);
            }
        });
        Stm32f1GpioPort c = port('C');
        configure(c, 13, 0b0010);
        assertEquals(List.of(), changes, "becoming an output at the same level is not a change");

        time.advance(250 * VirtualTime.US);
        c.write(BSRR, 4, 1 << 13);
        c.write(BSRR, 4, 1 << 13);
        c.write(ODR, 4, 1 << 13);
        time.advance(250 * VirtualTime.US);
        c.write(BRR, 4, 1 << 13);

        assertEquals(List.of(new MachineEvent.PinChange(250 * VirtualTime.US, "PC13", true),
                new MachineEvent.PinChange(500 * VirtualTime.US, "PC13", false)), changes);
    }

    @Test
    void shouldTellBoardListenersAboutPadChangesAndWhatTheFirmwareDrives() {
        Stm32f1GpioPort a = port('A');
        List<String> seen = new ArrayList<>();
        GpioPin pa12 = a.pin(12);
        pa12.addListener((pin, level) -> seen.add(pin.name() + "=" + (level ? 1 : 0)));
        pa12.drive(true); // the board's D+ pull-up
        assertEquals(GpioPin.Drive.NONE, pa12.firmwareDrive());
        configure(a, 12, 0b0001); // push-pull output, ODR=0: the re-enumeration trick
        assertEquals(GpioPin.Drive.LOW, pa12.firmwareDrive());
        assertFalse(pa12.level());
        configure(a, 12, 0b0100);
        assertTrue(pa12.level());
        assertEquals(List.of("PA12=1", "PA12=0", "PA12=1"), seen);
        assertEquals(GpioPin.Drive.HIGH, pa12.boardDrive());
    }

    @Test
    void shouldIgnoreTheFirmwareOnPinsHeldByTheDebugPortUntilReleased() {
        Stm32f1GpioPort a = port('A');
        configure(a, 15, 0b0011); // push-pull output, ODR=0
        assertEquals(PinMode.DEBUG, a.pin(15).mode());
        assertTrue(a.pin(15).level(), "JTDI keeps its pull-up; the port does not drive it");
        a.claimForDebug(0x6000, 0x2000); // SWJ_CFG=010: PA15 released
        assertEquals(PinMode.OUTPUT_PUSH_PULL, a.pin(15).mode());
        assertFalse(a.pin(15).level());
        assertEquals(1 << 13, a.read(IDR, 4) & 0xE000, "SWDIO still pulled up");
    }

    @Test
    void shouldKeepTheBoardDriveAcrossAChipReset() {
        Stm32f1GpioPort b = port('B');
        b.pin(2).drive(true); // BOOT1 jumper
        configure(b, 2, 0b0011);
        b.reset(ResetKind.SOFTWARE);
        assertEquals(PinMode.INPUT_FLOATING, b.pin(2).mode());
        assertTrue(b.pin(2).level());
    }
}
