package dev.stm32emu.core.reg;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The register DSL's access types and bus-width rules. */
class RegisterDslTest {
    private final MachineEvents events = new MachineEvents();
    private final List<MachineEvent.DeviceMessage> messages = new ArrayList<>();

    enum Reg implements RegisterOffset {
        SR(0x00), CR(0x04), DR(0x08);
        private final int offset;

        Reg(int offset) {
            this.offset = offset;
        }

        @Override
        public int offset() {
            return offset;
        }
    }

    final class Device extends RegisterDevice {
        final Flag rxne;
        final Flag tc;
        final Flag pe;
        final Field mode;
        final Flag toggle;
        final Flag strt;
        final Flag rcr;
        int interruptsUpdated;

        Device(BusWidth width) {
            super(new DeviceLog("dev", events, () -> 0), width);
            Register sr = regs.define(Reg.SR, 0x0000_00C0);
            rxne = sr.flag("RXNE", 5, Access.RC_W0);
            tc = sr.flag("TC", 6, Access.RC_W0);
            pe = sr.flag("PE", 0, Access.RC_W1);
            rcr = sr.flag("ORE", 3, Access.RC_R);
            sr.reserved(16, 16);
            Register cr = regs.define(Reg.CR, 0);
            mode = cr.field("MODE", 0, 4, Access.RW);
            toggle = cr.flag("TOG", 4, Access.T);
            strt = cr.flag("STRT", 6, Access.RS);
            cr.afterWrite(() -> interruptsUpdated++);
            regs.define(Reg.DR, 0).field("DR", 0, 32, Access.RW);
        }
    }

    RegisterDslTest() {
        events.subscribe(e -> {
            if (e instanceof MachineEvent.DeviceMessage m) {
                messages.add(m);
            }
        });
    }

    @Test
    void shouldClearRcW0FlagsOnlyByWritingZero() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.rxne.set(true);
        d.write(0, 4, ~(1 << 6)); // HAL's __HAL_UART_CLEAR_FLAG(TC): SR = ~TC
        assertTrue(d.rxne.isSet(), "writing 1 keeps RXNE");
        assertFalse(d.tc.isSet(), "writing 0 clears TC");
    }

    @Test
    void shouldClearRcW1FlagsByWritingOne() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.pe.set(true);
        d.write(0, 4, 0);
        assertTrue(d.pe.isSet());
        d.write(0, 4, 1);
        assertFalse(d.pe.isSet());
    }

    @Test
    void shouldClearReadToClearFlagsAfterTheRead() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.rcr.set(true);
        assertEquals(1 << 3, d.read(0, 4) & (1 << 3));
        assertEquals(0, d.read(0, 4) & (1 << 3));
    }

    @Test
    void shouldToggleAndSetOnlyWithOnes() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.write(4, 4, 1 << 4);
        assertTrue(d.toggle.isSet());
        d.write(4, 4, 1 << 4);
        assertFalse(d.toggle.isSet());
        d.write(4, 4, 1 << 6);
        d.write(4, 4, 0);
        assertTrue(d.strt.isSet(), "RS: writing 0 has no effect");
        assertEquals(4, d.interruptsUpdated, "afterWrite runs on every write");
    }

    @Test
    void shouldWriteOnlyTheAddressedByteLanesOnAhb() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.write(4, 4, 0x5);
        d.write(5, 1, 0xFF); // byte 1: no field there except nothing
        assertEquals(5, d.mode.get(), "byte write to lane 1 does not touch MODE in lane 0");
    }

    @Test
    void shouldReplicateNarrowStoresOnApb() {
        Device d = new Device(RegisterDevice.BusWidth.REPLICATED);
        d.write(6, 1, 0x03); // becomes 0x03030303: MODE = 3
        assertEquals(3, d.mode.get());
    }

    @Test
    void shouldReadNarrowSlicesOfTheWord() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.write(8, 4, 0x1122_3344);
        assertEquals(0x22, d.read(10, 1));
        assertEquals(0x1122, d.read(10, 2));
    }

    @Test
    void shouldLogAWriteToUndeclaredBitsOnceAndIgnoreIt() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.write(4, 4, 1 << 20);
        d.write(4, 4, 1 << 21);
        assertEquals(0, d.read(4, 4) >>> 16);
        assertEquals(1, messages.size(), messages.toString());
        assertEquals(MachineEvent.DeviceMessage.Category.GUEST_ERROR, messages.get(0).category());
    }

    @Test
    void shouldReadAnUnmodelledRegisterAsZeroAndLogItAsUnimplemented() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        assertEquals(0, d.read(0x40, 4));
        assertEquals(MachineEvent.DeviceMessage.Category.UNIMPLEMENTED, messages.get(0).category());
    }

    @Test
    void shouldGoBackToResetValues() {
        Device d = new Device(RegisterDevice.BusWidth.BYTE_LANES);
        d.write(0, 4, 0);
        d.write(4, 4, 0xF);
        d.reset(ResetKind.PIN);
        assertEquals(0xC0, d.read(0, 4));
        assertEquals(0, d.read(4, 4));
    }
}
