package dev.stm32emu.core.cortexm;

/** ARMv7-M exception numbers (ARMv7-M ARM B1.5.2) and their names. */
public final class Exceptions {
    public static final int RESET = 1;
    public static final int NMI = 2;
    public static final int HARD_FAULT = 3;
    public static final int MEM_MANAGE = 4;
    public static final int BUS_FAULT = 5;
    public static final int USAGE_FAULT = 6;
    public static final int SVCALL = 11;
    public static final int DEBUG_MONITOR = 12;
    public static final int PENDSV = 14;
    public static final int SYSTICK = 15;
    public static final int IRQ0 = 16;

    private Exceptions() {
    }

    /** "HardFault", "SysTick", "IRQ37" ... */
    public static String name(int exc) {
        return switch (exc) {
            case 0 -> "Thread";
            case RESET -> "Reset";
            case NMI -> "NMI";
            case HARD_FAULT -> "HardFault";
            case MEM_MANAGE -> "MemManage";
            case BUS_FAULT -> "BusFault";
            case USAGE_FAULT -> "UsageFault";
            case SVCALL -> "SVCall";
            case DEBUG_MONITOR -> "DebugMonitor";
            case PENDSV -> "PendSV";
            case SYSTICK -> "SysTick";
            default -> exc >= IRQ0 ? "IRQ" + (exc - IRQ0) : "Reserved" + exc;
        };
    }

    /** Whether the exception is synchronous to execution and so escalates (facts-cortexm.md §5.2). */
    public static boolean isSynchronous(int exc) {
        return exc == HARD_FAULT || exc == MEM_MANAGE || exc == BUS_FAULT || exc == USAGE_FAULT
                || exc == SVCALL || exc == DEBUG_MONITOR;
    }
}
