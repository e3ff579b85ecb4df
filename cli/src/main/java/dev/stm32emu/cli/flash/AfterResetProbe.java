package dev.stm32emu.cli.flash;

import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.core.Machine;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.ResetKind;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Watches what the chip runs after the next reset: from the reset on, a block tracer records
 * the first {@code maxBlocks} distinct translation-block start addresses inside the app region
 * (in the order they first ran), and the raw instruction half-words there. Tracing ends after
 * that many blocks or {@code limitPs} of virtual time after the reset, whichever comes first;
 * the result also carries VTOR at that moment. Everything runs on the machine thread; the
 * tracer slows the machine down only while it is installed.
 */
public final class AfterResetProbe {
    /** Half-words read at each recorded block start. */
    static final int HALFWORDS = 4;

    private final BoardRunner runner;
    private final long appStart;
    private final long appEnd;
    private final int maxBlocks;
    private final long limitPs;
    private final CompletableFuture<Result> result = new CompletableFuture<>();
    private final Set<Long> blocks = new LinkedHashSet<>();
    private MachineEvent.Reset reset;
    private long appBlocksExecuted;
    private Consumer<MachineEvent> subscriber;
    private LongConsumer tracer;

    /**
     * What ran after the reset.
     *
     * @param reset             the reset (kind, virtual time, boot source, MSP and PC loaded)
     * @param firstAppBlocks    distinct block start addresses in the app region, in first-run order
     * @param halfwords         the first {@link #HALFWORDS} instruction half-words at each of them
     * @param appBlocksExecuted how many blocks in the app region ran while tracing (repeats included)
     * @param vtor              VTOR when tracing ended
     * @param endedPs           virtual time when tracing ended
     */
    public record Result(MachineEvent.Reset reset, List<Long> firstAppBlocks, List<int[]> halfwords,
                         long appBlocksExecuted, int vtor, long endedPs) {
        /** Whether code in the app region ran. */
        public boolean appRan() {
            return !firstAppBlocks.isEmpty();
        }
    }

    public AfterResetProbe(BoardRunner runner, long appStart, long appEnd, int maxBlocks, long limitPs) {
        this.runner = runner;
        this.appStart = appStart;
        this.appEnd = appEnd;
        this.maxBlocks = maxBlocks;
        this.limitPs = limitPs;
    }

    /** Starts watching for the next reset other than power-on. */
    public CompletableFuture<Void> arm() {
        return runner.call(() -> {
            Machine m = runner.board().machine();
            subscriber = e -> {
                if (e instanceof MachineEvent.Reset r && r.kind() != ResetKind.POWER_ON && reset == null) {
                    reset = r;
                    tracer = this::block;
                    m.addBlockTracer(tracer);
                    m.scheduler().after(limitPs, this::finish);
                }
            };
            m.events().subscribe(subscriber);
            return null;
        });
    }

    /** Completes when tracing has ended. */
    public CompletableFuture<Result> result() {
        return result;
    }

    /** Stops watching (no result if the reset never came). Any thread. */
    public void cancel() {
        runner.call(() -> {
            detach();
            result.cancel(false);
            return null;
        });
    }

    private void block(long address) {
        if (result.isDone() || address < appStart || address >= appEnd) {
            return;
        }
        appBlocksExecuted++;
        blocks.add(address);
        if (blocks.size() >= maxBlocks) {
            // Not from inside the probe: the tracer list is being iterated. Next slice.
            runner.board().machine().post(this::finish);
        }
    }

    private void finish() {
        if (result.isDone()) {
            return;
        }
        detach();
        Machine m = runner.board().machine();
        List<Long> addresses = new ArrayList<>(blocks);
        List<int[]> words = new ArrayList<>();
        for (long a : addresses) {
            int[] h = new int[HALFWORDS];
            for (int i = 0; i < HALFWORDS; i++) {
                h[i] = m.memory().read(a + 2L * i, 2) & 0xFFFF;
            }
            words.add(h);
        }
        result.complete(new Result(reset, List.copyOf(addresses), List.copyOf(words), appBlocksExecuted,
                m.scb().vtor(), m.clock().nowPs()));
    }

    private void detach() {
        Machine m = runner.board().machine();
        if (tracer != null) {
            m.removeBlockTracer(tracer);
        }
        if (subscriber != null) {
            m.events().unsubscribe(subscriber);
        }
    }
}
