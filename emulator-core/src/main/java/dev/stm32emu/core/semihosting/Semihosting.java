package dev.stm32emu.core.semihosting;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.bus.BusErrorException;
import dev.stm32emu.core.bus.GuestMemory;
import dev.stm32emu.core.time.Ticks;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * ARM semihosting for M-profile firmware (BKPT 0xAB; ARM "Semihosting for AArch32 and
 * AArch64", facts-cortexm.md §9). Console I/O goes to a {@link SemihostingConsole}; host
 * files are not opened (the firmware cannot reach the host file system), except the
 * special names ":tt" and ":semihosting-features". Times come from virtual time.
 */
public final class Semihosting {
    public static final int SYS_OPEN = 0x01;
    public static final int SYS_CLOSE = 0x02;
    public static final int SYS_WRITEC = 0x03;
    public static final int SYS_WRITE0 = 0x04;
    public static final int SYS_WRITE = 0x05;
    public static final int SYS_READ = 0x06;
    public static final int SYS_READC = 0x07;
    public static final int SYS_ISERROR = 0x08;
    public static final int SYS_ISTTY = 0x09;
    public static final int SYS_SEEK = 0x0A;
    public static final int SYS_FLEN = 0x0C;
    public static final int SYS_CLOCK = 0x10;
    public static final int SYS_TIME = 0x11;
    public static final int SYS_ERRNO = 0x13;
    public static final int SYS_GET_CMDLINE = 0x15;
    public static final int SYS_HEAPINFO = 0x16;
    public static final int SYS_EXIT = 0x18;
    public static final int SYS_EXIT_EXTENDED = 0x20;
    public static final int SYS_ELAPSED = 0x30;
    public static final int SYS_TICKFREQ = 0x31;

    /** ADP_Stopped_ApplicationExit. */
    public static final int APPLICATION_EXIT = 0x20026;
    private static final int ENOENT = 2;
    private static final int EBADF = 9;
    private static final int EINVAL = 22;
    private static final int ENOTSUP = 95;
    /** Feature byte: SH_EXT_EXIT_EXTENDED | SH_EXT_STDOUT_STDERR. */
    private static final byte[] FEATURES = {'S', 'H', 'F', 'B', 0x03};

    /** What a call returned: the value for R0, and an exit code when the firmware exits. */
    public record Result(int r0, Integer exitCode) {
        static Result value(int r0) {
            return new Result(r0, null);
        }
    }

    private enum Kind { STDIN, STDOUT, STDERR, FEATURES }

    private static final class Handle {
        final Kind kind;
        long position;

        Handle(Kind kind) {
            this.kind = kind;
        }
    }

    private final GuestMemory memory;
    private final SemihostingConsole console;
    private final LongSupplier clockPs;
    private final DeviceLog log;
    private final long epochSeconds;
    private final Map<Integer, Handle> handles = new HashMap<>();
    private int nextHandle = 3;
    private int errno;
    private String commandLine = "firmware";

    public Semihosting(GuestMemory memory, SemihostingConsole console, LongSupplier clockPs, DeviceLog log) {
        this.memory = memory;
        this.console = console;
        this.clockPs = clockPs;
        this.log = log;
        this.epochSeconds = System.currentTimeMillis() / 1000;
        // Handles 1 and 2 work without SYS_OPEN, as with QEMU and OpenOCD in practice.
        handles.put(0, new Handle(Kind.STDIN));
        handles.put(1, new Handle(Kind.STDOUT));
        handles.put(2, new Handle(Kind.STDERR));
    }

    /** The string SYS_GET_CMDLINE returns. */
    public void setCommandLine(String commandLine) {
        this.commandLine = commandLine;
    }

    /** Performs operation {@code op} with parameter {@code r1}. */
    public Result call(int op, int r1) {
        try {
            return dispatch(op, r1);
        } catch (BusErrorException e) {
            log.guestError("bad-pointer-" + op, String.format("semihosting op 0x%02x: parameter points to 0x%08x, "
                    + "where there is no memory", op, e.address()));
            errno = EINVAL;
            return Result.value(-1);
        }
    }

    private Result dispatch(int op, int r1) {
        return switch (op) {
            case SYS_OPEN -> Result.value(open(r1));
            case SYS_CLOSE -> Result.value(handles.remove(arg(r1, 0)) != null ? 0 : fail(EBADF));
            case SYS_WRITEC -> {
                console.stdout(new byte[]{(byte) memory.read(r1 & 0xFFFF_FFFFL, 1)});
                yield Result.value(0);
            }
            case SYS_WRITE0 -> {
                console.stdout(memory.readCString(r1 & 0xFFFF_FFFFL, 1 << 20).getBytes(StandardCharsets.ISO_8859_1));
                yield Result.value(0);
            }
            case SYS_WRITE -> Result.value(write(arg(r1, 0), arg(r1, 1), arg(r1, 2)));
            case SYS_READ -> Result.value(read(arg(r1, 0), arg(r1, 1), arg(r1, 2)));
            case SYS_READC -> Result.value(console.readChar());
            case SYS_ISERROR -> Result.value(arg(r1, 0) < 0 ? 1 : 0);
            case SYS_ISTTY -> {
                Handle h = handles.get(arg(r1, 0));
                yield Result.value(h == null ? fail(EBADF) : (h.kind == Kind.FEATURES ? 0 : 1));
            }
            case SYS_SEEK -> Result.value(seek(arg(r1, 0), arg(r1, 1)));
            case SYS_FLEN -> {
                Handle h = handles.get(arg(r1, 0));
                yield Result.value(h == null ? fail(EBADF) : (h.kind == Kind.FEATURES ? FEATURES.length : 0));
            }
            case SYS_CLOCK -> Result.value((int) (clockPs.getAsLong() / 10_000_000_000L)); // centiseconds
            case SYS_TIME -> Result.value((int) (epochSeconds + clockPs.getAsLong() / Ticks.PS_PER_SECOND));
            case SYS_ERRNO -> Result.value(errno);
            case SYS_GET_CMDLINE -> Result.value(cmdline(r1));
            case SYS_HEAPINFO -> {
                // All zeros: "no idea", so newlib keeps the vector table's MSP (OpenOCD's answer).
                int block = memory.read32(r1 & 0xFFFF_FFFFL);
                for (int i = 0; i < 4; i++) {
                    memory.write32((block & 0xFFFF_FFFFL) + 4L * i, 0);
                }
                yield Result.value(0);
            }
            case SYS_EXIT -> new Result(0, r1 == APPLICATION_EXIT ? 0 : 1);
            case SYS_EXIT_EXTENDED -> {
                int reason = arg(r1, 0);
                yield new Result(0, reason == APPLICATION_EXIT ? arg(r1, 1) : 1);
            }
            case SYS_ELAPSED -> {
                long ns = clockPs.getAsLong() / 1000;
                memory.write32(r1 & 0xFFFF_FFFFL, (int) ns);
                memory.write32((r1 & 0xFFFF_FFFFL) + 4, (int) (ns >>> 32));
                yield Result.value(0);
            }
            case SYS_TICKFREQ -> Result.value(1_000_000_000);
            default -> {
                log.unimplemented("op" + op, String.format("semihosting operation 0x%02x is not supported; returns -1", op));
                yield Result.value(fail(ENOTSUP));
            }
        };
    }

    private int open(int r1) {
        String name = memory.readCString(arg(r1, 0) & 0xFFFF_FFFFL, 4096);
        int mode = arg(r1, 1);
        Kind kind;
        if (name.equals(":tt")) {
            kind = mode < 4 ? Kind.STDIN : (mode < 8 ? Kind.STDOUT : Kind.STDERR);
        } else if (name.equals(":semihosting-features") && mode <= 1) {
            kind = Kind.FEATURES;
        } else {
            log.unimplemented("open", "semihosting SYS_OPEN of host file '" + name + "' refused: host files are not exposed");
            return fail(ENOENT);
        }
        int h = nextHandle++;
        handles.put(h, new Handle(kind));
        return h;
    }

    private int write(int handle, int buffer, int length) {
        Handle h = handles.get(handle);
        if (h == null || h.kind == Kind.STDIN || h.kind == Kind.FEATURES) {
            fail(EBADF);
            return length;
        }
        byte[] data = memory.readBytes(buffer & 0xFFFF_FFFFL, length);
        if (h.kind == Kind.STDERR) {
            console.stderr(data);
        } else {
            console.stdout(data);
        }
        return 0; // bytes NOT written
    }

    private int read(int handle, int buffer, int length) {
        Handle h = handles.get(handle);
        if (h == null) {
            fail(EBADF);
            return -1;
        }
        if (h.kind == Kind.FEATURES) {
            int n = (int) Math.max(0, Math.min(length, FEATURES.length - h.position));
            for (int i = 0; i < n; i++) {
                memory.write((buffer & 0xFFFF_FFFFL) + i, 1, FEATURES[(int) h.position + i]);
            }
            h.position += n;
            return length - n; // bytes NOT read
        }
        if (h.kind == Kind.STDIN) {
            int n = 0;
            while (n < length) {
                int c = console.readChar();
                if (c < 0) {
                    break;
                }
                memory.write((buffer & 0xFFFF_FFFFL) + n, 1, c);
                n++;
                if (c == '\n') {
                    break;
                }
            }
            return length - n;
        }
        fail(EBADF);
        return length;
    }

    private int seek(int handle, int position) {
        Handle h = handles.get(handle);
        if (h == null) {
            return fail(EBADF);
        }
        h.position = position;
        return 0;
    }

    private int cmdline(int r1) {
        int buffer = arg(r1, 0);
        int size = arg(r1, 1);
        byte[] text = commandLine.getBytes(StandardCharsets.ISO_8859_1);
        if (text.length + 1 > size) {
            return fail(EINVAL);
        }
        byte[] withNul = java.util.Arrays.copyOf(text, text.length + 1);
        memory.writeBytes(buffer & 0xFFFF_FFFFL, withNul);
        memory.write32((r1 & 0xFFFF_FFFFL) + 4, text.length);
        return 0;
    }

    private int arg(int block, int index) {
        return memory.read32((block & 0xFFFF_FFFFL) + 4L * index);
    }

    private int fail(int code) {
        errno = code;
        return -1;
    }
}
