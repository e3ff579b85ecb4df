package dev.stm32emu.core.time;

import java.util.PriorityQueue;

/**
 * Events in virtual time, run by the machine loop between CPU slices. Events at the
 * same time run in the order they were scheduled, so runs are deterministic.
 */
public final class Scheduler {
    /** Returned by {@link #nextEventPs()} when nothing is scheduled. */
    public static final long NONE = Long.MAX_VALUE;

    private final VirtualClock clock;
    private final PriorityQueue<Event> queue = new PriorityQueue<>();
    private long sequence;
    private java.util.function.LongConsumer onScheduled = at -> {
    };

    public Scheduler(VirtualClock clock) {
        this.clock = clock;
    }

    /** The clock this scheduler runs on. */
    public VirtualClock clock() {
        return clock;
    }

    /** Schedules {@code action} at absolute time {@code atPs} (not before now). */
    public Event at(long atPs, Runnable action) {
        Event e = new Event(Math.max(atPs, clock.nowPs()), sequence++, action);
        queue.add(e);
        onScheduled.accept(e.atPs);
        return e;
    }

    /** Schedules {@code action} {@code delayPs} after now. */
    public Event after(long delayPs, Runnable action) {
        return at(clock.nowPs() + Math.max(0, delayPs), action);
    }

    /** Told the time of every newly scheduled event (the machine cuts a running slice short). */
    public void setOnScheduled(java.util.function.LongConsumer listener) {
        this.onScheduled = listener;
    }

    /** Time of the earliest pending event, or {@link #NONE}. */
    public long nextEventPs() {
        Event e = queue.peek();
        while (e != null && e.cancelled) {
            queue.poll();
            e = queue.peek();
        }
        return e == null ? NONE : e.atPs;
    }

    /** Runs every event due at or before now, including ones they schedule for now. */
    public void runDue() {
        while (true) {
            Event e = queue.peek();
            if (e == null || e.atPs > clock.nowPs()) {
                return;
            }
            queue.poll();
            if (!e.cancelled) {
                e.cancelled = true;
                e.action.run();
            }
        }
    }

    /** Drops every event (machine teardown). */
    public void clear() {
        queue.clear();
    }

    /** A scheduled action; cancel it to drop it. */
    public static final class Event implements Comparable<Event> {
        private final long atPs;
        private final long seq;
        private final Runnable action;
        private boolean cancelled;

        private Event(long atPs, long seq, Runnable action) {
            this.atPs = atPs;
            this.seq = seq;
            this.action = action;
        }

        /** When it runs. */
        public long atPs() {
            return atPs;
        }

        /** Prevents it from running; harmless if it already ran. */
        public void cancel() {
            cancelled = true;
        }

        /** Whether it still waits to run. */
        public boolean isPending() {
            return !cancelled;
        }

        @Override
        public int compareTo(Event o) {
            int c = Long.compare(atPs, o.atPs);
            return c != 0 ? c : Long.compare(seq, o.seq);
        }
    }
}
