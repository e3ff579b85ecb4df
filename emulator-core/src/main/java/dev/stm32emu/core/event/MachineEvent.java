package dev.stm32emu.core.event;

import java.util.Arrays;

/**
 * Something observable happened in the machine. Published on the machine thread through
 * {@link MachineEvents}; records are immutable. {@code timePs} is virtual time.
 */
public sealed interface MachineEvent {

    /** Virtual time of the event in picoseconds. */
    long timePs();

    /** A reset of the whole chip. */
    record Reset(long timePs, ResetKind kind, String bootSource, int initialSp, int initialPc) implements MachineEvent {
    }

    /** The core took an exception (interrupt, fault, SVC ...). */
    record ExceptionEntry(long timePs, int exception, String name, int returnAddress, boolean tailChained)
            implements MachineEvent {
    }

    /**
     * The firmware faulted. Taken in the guest as the hardware would; this is the report.
     *
     * @param precisePc false when the PC is only known to the start of a translation block
     */
    record Fault(long timePs, String kind, int pc, boolean precisePc, long address, int[] registers, String detail)
            implements MachineEvent {
        public Fault {
            registers = registers.clone();
        }

        @Override
        public int[] registers() {
            return registers.clone();
        }

        @Override
        public String toString() {
            return "Fault[" + kind + " pc=0x" + Integer.toHexString(pc) + (precisePc ? "" : " (imprecise)")
                    + " address=0x" + Long.toHexString(address) + " " + detail + " regs=" + Arrays.toString(registers) + "]";
        }
    }

    /** The core locked up (a fault it could not escalate); the machine stops. */
    record Lockup(long timePs, int pc, String reason) implements MachineEvent {
    }

    /** An output pin changed level. */
    record PinChange(long timePs, String pin, boolean level) implements MachineEvent {
    }

    /** The flash controller did something (unlock, erase, program, error). */
    record FlashOperation(long timePs, String operation, long address, int length, String result) implements MachineEvent {
    }

    /** A device logged a guest error or a missing feature. */
    record DeviceMessage(long timePs, String device, Category category, String message) implements MachineEvent {
        /** QEMU's split: the guest did something undefined, or the model lacks something. */
        public enum Category { GUEST_ERROR, UNIMPLEMENTED }
    }

    /** USB attach, detach, bus reset and similar. */
    record UsbEvent(long timePs, String what, String detail) implements MachineEvent {
    }
}
