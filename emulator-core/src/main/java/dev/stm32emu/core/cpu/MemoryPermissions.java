package dev.stm32emu.core.cpu;

/** Access permissions of a mapped memory region. */
public record MemoryPermissions(boolean read, boolean write, boolean execute) {
    public static final MemoryPermissions RWX = new MemoryPermissions(true, true, true);
    public static final MemoryPermissions RX = new MemoryPermissions(true, false, true);
    public static final MemoryPermissions R = new MemoryPermissions(true, false, false);
    public static final MemoryPermissions RW = new MemoryPermissions(true, true, false);
}
