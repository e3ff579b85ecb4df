package dev.stm32emu.periph.gpio;

/**
 * A pin's configuration, decoded from its CNF/MODE nibble in GPIOx_CRL/CRH and, for
 * CNF=10 inputs, its ODR bit (RM0008 §9.2.1/§9.2.2, table "Port bit configuration").
 */
public enum PinMode {
    /** MODE=00 CNF=00: the Schmitt trigger is off; IDR reads 0. */
    ANALOG,
    /** MODE=00 CNF=01 (the reset state). */
    INPUT_FLOATING,
    /** MODE=00 CNF=10 ODR=1. */
    INPUT_PULL_UP,
    /** MODE=00 CNF=10 ODR=0. */
    INPUT_PULL_DOWN,
    /** MODE=00 CNF=11: reserved by the manual; the model treats it as floating. */
    INPUT_RESERVED,
    /** MODE!=00 CNF=00. */
    OUTPUT_PUSH_PULL,
    /** MODE!=00 CNF=01. */
    OUTPUT_OPEN_DRAIN,
    /** MODE!=00 CNF=10: driven by a peripheral. */
    ALTERNATE_PUSH_PULL,
    /** MODE!=00 CNF=11: driven by a peripheral. */
    ALTERNATE_OPEN_DRAIN,
    /** Held by the SWJ debug port (AFIO_MAPR.SWJ_CFG), whatever CRL/CRH say (RM0008 §9.3.5). */
    DEBUG;

    /** Decodes a CNF[1:0]MODE[1:0] nibble; {@code odrBit} chooses the pull of CNF=10 inputs. */
    public static PinMode decode(int nibble, boolean odrBit) {
        int mode = nibble & 3;
        int cnf = (nibble >>> 2) & 3;
        if (mode == 0) {
            return switch (cnf) {
                case 0 -> ANALOG;
                case 1 -> INPUT_FLOATING;
                case 2 -> odrBit ? INPUT_PULL_UP : INPUT_PULL_DOWN;
                default -> INPUT_RESERVED;
            };
        }
        return switch (cnf) {
            case 0 -> OUTPUT_PUSH_PULL;
            case 1 -> OUTPUT_OPEN_DRAIN;
            case 2 -> ALTERNATE_PUSH_PULL;
            default -> ALTERNATE_OPEN_DRAIN;
        };
    }

    /** Whether the port's output driver is enabled (MODE != 00). */
    public boolean isOutput() {
        return this == OUTPUT_PUSH_PULL || this == OUTPUT_OPEN_DRAIN || this == ALTERNATE_PUSH_PULL
                || this == ALTERNATE_OPEN_DRAIN;
    }
}
