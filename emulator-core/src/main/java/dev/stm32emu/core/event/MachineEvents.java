package dev.stm32emu.core.event;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** Publish/subscribe for {@link MachineEvent}s. Publishing happens on the machine thread. */
public final class MachineEvents {
    private final List<Consumer<? super MachineEvent>> subscribers = new CopyOnWriteArrayList<>();

    /** Adds a subscriber; it must be quick and must not throw. */
    public void subscribe(Consumer<? super MachineEvent> subscriber) {
        subscribers.add(subscriber);
    }

    /** Removes a subscriber added earlier. */
    public void unsubscribe(Consumer<? super MachineEvent> subscriber) {
        subscribers.remove(subscriber);
    }

    /** Whether anyone listens (lets hot paths skip building events). */
    public boolean hasSubscribers() {
        return !subscribers.isEmpty();
    }

    /** Delivers an event to every subscriber; a failing subscriber does not stop the others. */
    public void publish(MachineEvent event) {
        for (Consumer<? super MachineEvent> s : subscribers) {
            try {
                s.accept(event);
            } catch (RuntimeException e) {
                System.getLogger("stm32emu.events").log(System.Logger.Level.WARNING, "event subscriber failed", e);
            }
        }
    }
}
