package dev.stm32emu.core.time;

import java.math.BigInteger;

/** Exact integer conversions between picoseconds and clock ticks. */
public final class Ticks {
    /** Picoseconds per second. */
    public static final long PS_PER_SECOND = 1_000_000_000_000L;

    private Ticks() {
    }

    /** floor(a * b / c) for non-negative operands, without overflow. */
    public static long mulDiv(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        if (hi == 0 && a * b >= 0) {
            return a * b / c;
        }
        return BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divide(BigInteger.valueOf(c)).longValueExact();
    }

    /** ceil(a * b / c) for non-negative operands. */
    public static long mulDivCeil(long a, long b, long c) {
        long hi = Math.multiplyHigh(a, b);
        if (hi == 0 && a * b >= 0) {
            long p = a * b;
            return p / c + (p % c != 0 ? 1 : 0);
        }
        BigInteger[] qr = BigInteger.valueOf(a).multiply(BigInteger.valueOf(b)).divideAndRemainder(BigInteger.valueOf(c));
        return qr[0].longValueExact() + (qr[1].signum() != 0 ? 1 : 0);
    }

    /** Whole ticks of a clock at {@code hz} that fit in {@code ps} picoseconds. */
    public static long ticksIn(long ps, long hz) {
        return mulDiv(ps, hz, PS_PER_SECOND);
    }

    /** The time, rounded up to a whole picosecond, that {@code ticks} ticks at {@code hz} take. */
    public static long psFor(long ticks, long hz) {
        return mulDivCeil(ticks, PS_PER_SECOND, hz);
    }

    /** Parses "5s", "200ms", "10us", "1.5s", "250000ns" into picoseconds. */
    public static long parseDuration(String text) {
        String t = text.trim().toLowerCase();
        String[][] units = {{"ms", "1000000000"}, {"us", "1000000"}, {"ns", "1000"}, {"ps", "1"}, {"s", "1000000000000"},
                {"m", "60000000000000"}};
        for (String[] u : units) {
            if (t.endsWith(u[0])) {
                String number = t.substring(0, t.length() - u[0].length());
                try {
                    return new java.math.BigDecimal(number).multiply(new java.math.BigDecimal(u[1]))
                            .setScale(0, java.math.RoundingMode.HALF_UP).longValueExact();
                } catch (NumberFormatException | ArithmeticException e) {
                    break;
                }
            }
        }
        throw new IllegalArgumentException("not a duration: '" + text + "' (examples: 5s, 200ms, 50us)");
    }

    /** "1.250000s" style rendering of a picosecond time. */
    public static String formatSeconds(long ps) {
        return String.format("%d.%06d", ps / PS_PER_SECOND, (ps % PS_PER_SECOND) / 1_000_000);
    }
}
