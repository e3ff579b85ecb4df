package dev.stm32emu.core.reg;

import dev.stm32emu.core.DeviceLog;

import java.util.ArrayList;
import java.util.List;
import java.util.function.IntSupplier;

/**
 * One 32-bit register declared with its reset value and fields (Renode's
 * {@code Registers.X.Define(this, reset).WithFlag(...)}, STYLE.md §1). Bits that no field
 * declares read as their reset value; firmware writes to them are logged once.
 */
public final class Register {
    final String name;
    final int offset;
    final int resetValue;
    int value;
    private final DeviceLog log;
    private final List<Field> fields = new ArrayList<>();
    private final List<Runnable> afterWrite = new ArrayList<>();
    private final List<Runnable> beforeRead = new ArrayList<>();
    private int declaredMask;
    private int silentMask;
    private IntSupplier readProvider;
    private WriteListener writeListener;
    private boolean undeclaredWriteLogged;

    Register(String name, int offset, int resetValue, DeviceLog log) {
        this.name = name;
        this.offset = offset;
        this.resetValue = resetValue;
        this.value = resetValue;
        this.log = log;
    }

    /** Declares a one-bit field. */
    public Flag flag(String fieldName, int bit, Access access) {
        Flag f = new Flag(this, fieldName, bit, access);
        add(f);
        return f;
    }

    /** Declares a multi-bit field. */
    public Field field(String fieldName, int lsb, int width, Access access) {
        Field f = new Field(this, fieldName, lsb, width, access);
        add(f);
        return f;
    }

    /**
     * Declares bits the manual defines but the model does not implement: they store and
     * read back like RW bits, and the first write that changes them is logged as
     * unimplemented (Renode's WithTaggedFlag, QEMU's LOG_UNIMP).
     */
    public Field unimplemented(String fieldName, int lsb, int width) {
        Field f = field(fieldName, lsb, width, Access.RW);
        f.onChange((o, n) -> log.unimplemented(name + "." + fieldName,
                name + "." + fieldName + " set to 0x" + Integer.toHexString(n) + " has no effect in the model"));
        return f;
    }

    /** Declares reserved bits: they keep their reset value and writes are ignored silently. */
    public Register reserved(int lsb, int width) {
        int m = (width == 32 ? -1 : ((1 << width) - 1)) << lsb;
        silentMask |= m;
        return this;
    }

    /** Runs after every firmware write (typically the peripheral's updateInterrupts). */
    public Register afterWrite(Runnable action) {
        afterWrite.add(action);
        return this;
    }

    /** Runs before every firmware read (e.g. to bring a lazily computed counter up to date). */
    public Register beforeRead(Runnable action) {
        beforeRead.add(action);
        return this;
    }

    /** The whole register's read value is computed; fields are ignored for reads. */
    public Register readsAs(IntSupplier provider) {
        this.readProvider = provider;
        return this;
    }

    /**
     * Receives every firmware write with the raw written value and byte-lane mask, after
     * the fields were updated (for write-only command registers such as KEYR).
     */
    public Register onWrite(WriteListener listener) {
        this.writeListener = listener;
        return this;
    }

    /** The manual's name. */
    public String name() {
        return name;
    }

    /** Byte offset from the peripheral base. */
    public int offset() {
        return offset;
    }

    /** The stored value (hardware view). */
    public int value() {
        return value;
    }

    /** Hardware-side update of the whole stored value. */
    public void setValue(int v) {
        value = v;
    }

    /** The reset value. */
    public int resetValue() {
        return resetValue;
    }

    void reset() {
        value = resetValue;
    }

    /** A firmware read: computes the value and applies read side effects (RC_R). */
    int read() {
        for (Runnable r : beforeRead) {
            r.run();
        }
        if (readProvider != null) {
            return readProvider.getAsInt();
        }
        int result = value & ~declaredMask;
        for (Field f : fields) {
            result |= (f.readValue() << f.lsb) & f.mask;
        }
        for (Field f : fields) {
            if (f.access == Access.RC_R) {
                value &= ~f.mask;
            }
        }
        return result;
    }

    /** A firmware write of {@code written} on the byte lanes in {@code laneMask}. */
    void write(int written, int laneMask) {
        int before = value;
        for (Field f : fields) {
            int fm = f.mask & laneMask;
            if (fm == 0) {
                continue;
            }
            int newBits = f.access.apply(value & f.mask, written & f.mask, f.mask);
            value = (value & ~fm) | (newBits & fm);
        }
        int undeclared = laneMask & ~declaredMask & ~silentMask;
        if (((written ^ resetValue) & undeclared) != 0 && !undeclaredWriteLogged) {
            undeclaredWriteLogged = true;
            log.guestError(name + ".reserved", String.format("write of 0x%08x to %s sets reserved bits 0x%08x (ignored)",
                    written, name, (written ^ resetValue) & undeclared));
        }
        for (Field f : fields) {
            if ((f.mask & laneMask) == 0) {
                continue;
            }
            int o = (before & f.mask) >>> f.lsb;
            int n = (value & f.mask) >>> f.lsb;
            if (f.writeListener != null) {
                f.writeListener.written(o, n);
            }
            if (f.changeListener != null && o != n) {
                f.changeListener.written(o, n);
            }
        }
        if (writeListener != null) {
            writeListener.written(written, laneMask);
        }
        for (Runnable r : afterWrite) {
            r.run();
        }
    }

    private void add(Field f) {
        if ((declaredMask & f.mask) != 0) {
            throw new IllegalStateException(name + "." + f.name + " overlaps another field");
        }
        declaredMask |= f.mask;
        fields.add(f);
    }

    /** Listener for whole-register writes. */
    @FunctionalInterface
    public interface WriteListener {
        void written(int value, int laneMask);
    }
}
