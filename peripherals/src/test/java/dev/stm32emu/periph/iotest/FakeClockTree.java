package dev.stm32emu.periph.iotest;

import dev.stm32emu.periph.rcc.ClockTree;

import java.util.ArrayList;
import java.util.List;

/** A clock tree with settable frequencies; setters tell the listeners, as the RCC does. */
public final class FakeClockTree implements ClockTree {
    private final List<Runnable> listeners = new ArrayList<>();
    private long pclk1 = 36_000_000;
    private long pclk2 = 72_000_000;
    private long timer1 = 72_000_000;
    private long timer2 = 72_000_000;
    private long adc = 12_000_000;

    public FakeClockTree pclk1(long hz) {
        pclk1 = hz;
        changed();
        return this;
    }

    public FakeClockTree pclk2(long hz) {
        pclk2 = hz;
        changed();
        return this;
    }

    public FakeClockTree timerClock(int apb, long hz) {
        if (apb == 1) {
            timer1 = hz;
        } else {
            timer2 = hz;
        }
        changed();
        return this;
    }

    public FakeClockTree adcClock(long hz) {
        adc = hz;
        changed();
        return this;
    }

    private void changed() {
        for (Runnable r : List.copyOf(listeners)) {
            r.run();
        }
    }

    @Override
    public long sysclkHz() {
        return 72_000_000;
    }

    @Override
    public long hclkHz() {
        return 72_000_000;
    }

    @Override
    public long pclk1Hz() {
        return pclk1;
    }

    @Override
    public long pclk2Hz() {
        return pclk2;
    }

    @Override
    public long timerClockHz(int apb) {
        return apb == 1 ? timer1 : timer2;
    }

    @Override
    public long adcClockHz() {
        return adc;
    }

    @Override
    public long usbClockHz() {
        return 48_000_000;
    }

    @Override
    public long lsiHz() {
        return 40_000;
    }

    @Override
    public long lseHz() {
        return 32_768;
    }

    @Override
    public long rtcClockHz() {
        return 0;
    }

    @Override
    public void addListener(Runnable onChange) {
        listeners.add(onChange);
    }
}
