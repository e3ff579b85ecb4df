package dev.stm32emu.periph.gpio;

/**
 * The GPIOx_LCKR lock key writing sequence (RM0008 §9.2.7): write LCKK=1, write LCKK=0,
 * write LCKK=1 (LCK[15:0] the same in all three), then read. The read completes the
 * sequence and still returns LCKK=0; from then on LCKK reads 1 and the configuration of
 * the pins in LCK[15:0] is frozen until the next reset. HAL_GPIO_LockPin relies on the
 * second read returning 1 (facts-stm32f1.md §5.1).
 *
 * <p>"Any error in the lock sequence will abort the lock": a write that does not follow
 * the pattern restarts the sequence (a write of LCKK=1 is a new first step), and a read
 * before the third write aborts it.
 */
final class LockKeySequence {
    private enum Step { IDLE, FIRST_ONE, ZERO, SECOND_ONE }

    private Step step = Step.IDLE;
    private int sequencePins;
    private boolean locked;
    private boolean keyVisible;
    private int lockedPins;

    /** A firmware write of LCKR (ignored once locked). */
    void written(int value) {
        if (locked) {
            return;
        }
        boolean key = (value & (1 << 16)) != 0;
        int pins = value & 0xFFFF;
        boolean samePins = pins == sequencePins;
        if (step == Step.FIRST_ONE && !key && samePins) {
            step = Step.ZERO;
        } else if (step == Step.ZERO && key && samePins) {
            step = Step.SECOND_ONE;
        } else if (key) {
            step = Step.FIRST_ONE;
            sequencePins = pins;
        } else {
            step = Step.IDLE;
        }
    }

    /** A firmware read of LCKR, before its value is computed. */
    void beforeRead() {
        if (locked) {
            keyVisible = true;
        } else if (step == Step.SECOND_ONE) {
            locked = true;
            lockedPins = sequencePins;
            keyVisible = false; // this read still returns LCKK=0
            step = Step.IDLE;
        } else {
            step = Step.IDLE;
        }
    }

    /** Whether the lock is active. */
    boolean locked() {
        return locked;
    }

    /** Pins whose configuration is frozen (0 when unlocked). */
    int lockedPins() {
        return locked ? lockedPins : 0;
    }

    /** What LCKK reads as now. */
    boolean keyReadsOne() {
        return keyVisible;
    }

    void reset() {
        step = Step.IDLE;
        sequencePins = 0;
        locked = false;
        keyVisible = false;
        lockedPins = 0;
    }
}
