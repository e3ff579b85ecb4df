package dev.stm32emu.core.reg;

import dev.stm32emu.core.DeviceLog;

import java.util.HashMap;
import java.util.Map;

/** A peripheral's declared registers, addressed by offset. */
public final class RegisterFile {
    private final DeviceLog log;
    private final Map<Integer, Register> byOffset = new HashMap<>();

    public RegisterFile(DeviceLog log) {
        this.log = log;
    }

    /** Declares a register named by the peripheral's register enum. */
    public Register define(RegisterOffset reg, int resetValue) {
        return define(reg.offset(), reg.name(), resetValue);
    }

    /** Declares a register at an offset. */
    public Register define(int offset, String name, int resetValue) {
        if ((offset & 3) != 0) {
            throw new IllegalArgumentException(name + ": offset must be word aligned");
        }
        Register r = new Register(name, offset, resetValue, log);
        if (byOffset.putIfAbsent(offset, r) != null) {
            throw new IllegalStateException(name + ": offset 0x" + Integer.toHexString(offset) + " already defined");
        }
        return r;
    }

    /** The register at a word offset, or null. */
    public Register at(int offset) {
        return byOffset.get(offset);
    }

    /** Firmware read of the word at {@code offset}; 0 and a log line if undeclared. */
    public int read(int offset) {
        Register r = byOffset.get(offset);
        if (r == null) {
            log.unimplemented("off" + offset, String.format("read of unmodelled register at offset 0x%03x reads 0", offset));
            return 0;
        }
        return r.read();
    }

    /** Firmware write of {@code value} to the byte lanes {@code laneMask} of the word at {@code offset}. */
    public void write(int offset, int value, int laneMask) {
        Register r = byOffset.get(offset);
        if (r == null) {
            log.unimplemented("off" + offset, String.format("write of 0x%x to unmodelled register at offset 0x%03x ignored",
                    value, offset));
            return;
        }
        r.write(value, laneMask);
    }

    /** Puts every register back to its reset value. */
    public void reset() {
        for (Register r : byOffset.values()) {
            r.reset();
        }
    }
}
