package dev.stm32emu.periph.gpio;

import java.util.ArrayList;
import java.util.List;

/** The board's view of one pin of a {@link Stm32f1GpioPort}; the port owns all state. */
final class PortPin implements GpioPin {
    private final Stm32f1GpioPort port;
    private final int n;
    private final String name;
    private final List<Listener> listeners = new ArrayList<>();

    PortPin(Stm32f1GpioPort port, int n, String name) {
        this.port = port;
        this.n = n;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean level() {
        return port.padLevel(n);
    }

    @Override
    public Drive firmwareDrive() {
        return port.firmwareDrive(n);
    }

    @Override
    public PinMode mode() {
        return port.mode(n);
    }

    @Override
    public void drive(boolean high) {
        port.setBoardDrive(n, high ? Drive.HIGH : Drive.LOW);
    }

    @Override
    public void release() {
        port.setBoardDrive(n, Drive.NONE);
    }

    @Override
    public Drive boardDrive() {
        return port.boardDrive(n);
    }

    @Override
    public void addListener(Listener listener) {
        listeners.add(listener);
    }

    @Override
    public void removeListener(Listener listener) {
        listeners.remove(listener);
    }

    void notifyListeners(boolean level) {
        for (Listener l : List.copyOf(listeners)) {
            l.levelChanged(this, level);
        }
    }

    @Override
    public String toString() {
        return name + "[" + mode() + ", " + (level() ? "high" : "low") + "]";
    }
}
