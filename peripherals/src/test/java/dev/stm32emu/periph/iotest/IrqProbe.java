package dev.stm32emu.periph.iotest;

import dev.stm32emu.core.IrqLine;

/** An interrupt line that remembers its level and counts rising edges. */
public final class IrqProbe implements IrqLine {
    private boolean level;
    private int raises;

    @Override
    public void set(boolean l) {
        if (l && !level) {
            raises++;
        }
        level = l;
    }

    public boolean level() {
        return level;
    }

    public int raises() {
        return raises;
    }
}
