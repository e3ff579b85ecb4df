package dev.stm32emu.core.reg;

import java.util.function.IntSupplier;

/**
 * A field of a {@link Register}: {@code width} bits at {@code lsb}, with one access type.
 * Its storage lives in the register. Handles are kept by the peripheral (Renode's
 * {@code out var field}) to read and update state from the hardware side.
 */
public class Field {
    final Register register;
    final String name;
    final int lsb;
    final int width;
    final int mask;
    final Access access;
    IntSupplier readProvider;
    FieldWriteListener writeListener;
    FieldWriteListener changeListener;

    Field(Register register, String name, int lsb, int width, Access access) {
        this.register = register;
        this.name = name;
        this.lsb = lsb;
        this.width = width;
        this.mask = (width == 32 ? -1 : ((1 << width) - 1)) << lsb;
        this.access = access;
    }

    /** The manual's name of the field. */
    public String name() {
        return name;
    }

    /** The stored value (what the hardware holds, not a read-provider's result). */
    public int get() {
        return (register.value & mask) >>> lsb;
    }

    /** Hardware-side update: sets the stored value without access rules or callbacks. */
    public void set(int value) {
        register.value = (register.value & ~mask) | ((value << lsb) & mask);
    }

    /** The value a firmware read returns now. */
    public int readValue() {
        return readProvider != null ? readProvider.getAsInt() & (mask >>> lsb) : (access == Access.W ? 0 : get());
    }

    /** Reads compute the value instead of returning the stored one (Renode's valueProviderCallback). */
    public Field readsAs(IntSupplier provider) {
        this.readProvider = provider;
        return this;
    }

    /** Called after every firmware write that touches the field, with old and new stored values. */
    public Field onWrite(FieldWriteListener listener) {
        this.writeListener = listener;
        return this;
    }

    /** Called after a firmware write that changed the stored value. */
    public Field onChange(FieldWriteListener listener) {
        this.changeListener = listener;
        return this;
    }

    /** Listener for field writes. */
    @FunctionalInterface
    public interface FieldWriteListener {
        void written(int oldValue, int newValue);
    }
}
