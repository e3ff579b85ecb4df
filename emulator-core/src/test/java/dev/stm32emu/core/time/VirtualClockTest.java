package dev.stm32emu.core.time;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/** Virtual time and the scheduler. */
class VirtualClockTest {

    @Test
    void shouldConvertCyclesToPicosecondsWithoutLosingFractions() {
        VirtualClock c = new VirtualClock(72_000_000);
        for (int i = 0; i < 72_000; i++) {
            c.advanceCycles(1); // 13888.9 ps each
        }
        assertEquals(1_000_000_000L, c.nowPs(), "72000 cycles at 72 MHz are exactly 1 ms");
        assertEquals(72_000, c.cycles());
    }

    @Test
    void shouldCountSleptCyclesWhenJumpingAhead() {
        VirtualClock c = new VirtualClock(8_000_000);
        c.advanceTo(Ticks.parseDuration("1ms"));
        assertEquals(8_000, c.cycles());
    }

    @Test
    void shouldRoundTheBudgetToTheNextEventUp() {
        VirtualClock c = new VirtualClock(72_000_000);
        assertEquals(72_000, c.cyclesUntil(Ticks.parseDuration("1ms")));
        assertEquals(1, c.cyclesUntil(0));
    }

    @Test
    void shouldRunEventsInTimeThenSchedulingOrder() {
        VirtualClock c = new VirtualClock(8_000_000);
        Scheduler s = new Scheduler(c);
        List<String> order = new ArrayList<>();
        s.at(200, () -> order.add("b"));
        s.at(100, () -> order.add("a"));
        s.at(200, () -> order.add("c"));
        Scheduler.Event cancelled = s.at(150, () -> order.add("x"));
        cancelled.cancel();
        c.advanceTo(200);
        s.runDue();
        assertEquals(List.of("a", "b", "c"), order);
        assertEquals(Scheduler.NONE, s.nextEventPs());
    }

    @Test
    void shouldParseDurations() {
        assertEquals(5_000_000_000_000L, Ticks.parseDuration("5s"));
        assertEquals(200_000_000_000L, Ticks.parseDuration("200ms"));
        assertEquals(1_500_000_000_000L, Ticks.parseDuration("1.5s"));
        assertEquals(50_000_000L, Ticks.parseDuration("50us"));
        assertThrows(IllegalArgumentException.class, () -> Ticks.parseDuration("soon"));
    }

    @Test
    void shouldMultiplyAndDivideWithoutOverflow() {
        assertEquals(72_000_000_000L, Ticks.ticksIn(1000 * Ticks.PS_PER_SECOND, 72_000_000));
    }
}
