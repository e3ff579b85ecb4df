package dev.stm32emu.core.bus;

/** A host-side access to a guest address where nothing answers. */
public final class BusErrorException extends RuntimeException {
    private final long address;

    public BusErrorException(long address) {
        super(String.format("no memory or device at 0x%08x", address));
        this.address = address;
    }

    public long address() {
        return address;
    }
}
