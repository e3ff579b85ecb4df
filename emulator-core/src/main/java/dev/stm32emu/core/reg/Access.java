package dev.stm32emu.core.reg;

/**
 * Field access types, named with the reference manuals' abbreviations (RM0008 §1.1,
 * "List of abbreviations for registers"). One read behaviour and one write behaviour
 * each, as Renode's FieldMode validity rule demands; {@link Register} implements every
 * write behaviour exactly once, in one switch.
 */
public enum Access {
    /** read/write. */
    RW,
    /** read-only: writes are ignored. */
    R,
    /** write-only: reads return 0, writes are stored (and seen by callbacks). */
    W,
    /** read, clear by writing 0; writing 1 has no effect. */
    RC_W0,
    /** read, clear by writing 1; writing 0 has no effect. */
    RC_W1,
    /** read, cleared by the read itself; writes ignored. */
    RC_R,
    /** read, set by writing 1; writing 0 has no effect (hardware clears it). */
    RS,
    /** toggle: writing 1 inverts the bit, writing 0 has no effect. */
    T;

    /** The stored bits after a write, given the old bits and the written bits (both field-masked). */
    int apply(int old, int written, int mask) {
        int updated = switch (this) {
            case RW, W -> written;
            case R, RC_R -> old;
            case RC_W0 -> old & written;
            case RC_W1 -> old & ~written;
            case RS -> old | written;
            case T -> old ^ written;
        };
        return updated & mask;
    }
}
