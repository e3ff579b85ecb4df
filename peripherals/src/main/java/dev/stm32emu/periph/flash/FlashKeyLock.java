package dev.stm32emu.periph.flash;

/**
 * The FPEC key sequence on FLASH_KEYR or FLASH_OPTKEYR (PM0075 "Unlocking the Flash memory" and the FLASH_OPTKEYR description; Renode's
 * STM32_FlashController LockRegister): KEY1 then KEY2, each a full-word write, unlocks.
 * Anything else, a narrow write included, breaks the sequence and locks the FPEC until
 * the next reset. A correct sequence while already unlocked does nothing (libopencm3
 * writes the keys unconditionally, facts-stm32f1.md §4.2).
 */
final class FlashKeyLock {
    static final int KEY1 = 0x4567_0123;
    static final int KEY2 = 0xCDEF_89AB;

    /** What a key write did. */
    enum Result { FIRST_KEY, UNLOCKED, WRONG_SEQUENCE, STILL_LOCKED_UNTIL_RESET }

    private boolean sawFirstKey;
    private boolean lockedUntilReset;

    Result write(int value, boolean fullWord) {
        if (lockedUntilReset) {
            return Result.STILL_LOCKED_UNTIL_RESET;
        }
        if (fullWord && !sawFirstKey && value == KEY1) {
            sawFirstKey = true;
            return Result.FIRST_KEY;
        }
        if (fullWord && sawFirstKey && value == KEY2) {
            sawFirstKey = false;
            return Result.UNLOCKED;
        }
        lockedUntilReset = true;
        return Result.WRONG_SEQUENCE;
    }

    boolean lockedUntilReset() {
        return lockedUntilReset;
    }

    void reset() {
        sawFirstKey = false;
        lockedUntilReset = false;
    }
}
