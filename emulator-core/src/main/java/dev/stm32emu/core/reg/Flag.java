package dev.stm32emu.core.reg;

import java.util.function.BooleanSupplier;

/** A one-bit {@link Field} with boolean accessors. */
public final class Flag extends Field {

    Flag(Register register, String name, int bit, Access access) {
        super(register, name, bit, 1, access);
    }

    /** The stored bit. */
    public boolean isSet() {
        return get() != 0;
    }

    /** Hardware-side update of the stored bit. */
    public void set(boolean on) {
        set(on ? 1 : 0);
    }

    /** Reads compute the bit. */
    public Flag readsAs(BooleanSupplier provider) {
        readsAs(() -> provider.getAsBoolean() ? 1 : 0);
        return this;
    }

    /** Called after every write touching the flag, with the new stored value. */
    public Flag onWrite(BitListener listener) {
        onWrite((o, n) -> listener.written(n != 0));
        return this;
    }

    /** Called when a write changed the stored bit. */
    public Flag onChange(BitListener listener) {
        onChange((o, n) -> listener.written(n != 0));
        return this;
    }

    /** Listener for flag writes. */
    @FunctionalInterface
    public interface BitListener {
        void written(boolean value);
    }
}
