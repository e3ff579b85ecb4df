package dev.stm32emu.core;

import dev.stm32emu.core.bus.GuestMemory;
import dev.stm32emu.core.bus.MemoryRegion;
import dev.stm32emu.core.bus.MmioDevice;
import dev.stm32emu.core.bus.PeripheralBus;
import dev.stm32emu.core.bus.StoreInterceptor;
import dev.stm32emu.core.cortexm.CoreHost;
import dev.stm32emu.core.cortexm.CortexM;
import dev.stm32emu.core.cortexm.Nvic;
import dev.stm32emu.core.cortexm.ReadOnlyStores;
import dev.stm32emu.core.cortexm.SysTick;
import dev.stm32emu.core.cortexm.SystemControlBlock;
import dev.stm32emu.core.cortexm.SystemControlSpace;
import dev.stm32emu.core.cpu.CpuBackend;
import dev.stm32emu.core.cpu.CpuRegister;
import dev.stm32emu.core.cpu.MemoryPermissions;
import dev.stm32emu.core.cpu.RunExit;
import dev.stm32emu.core.cpu.unicorn.UnicornBackend;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.semihosting.Semihosting;
import dev.stm32emu.core.time.Pacing;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.core.time.Ticks;
import dev.stm32emu.core.time.VirtualClock;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Cortex-M machine: CPU engine, memories, the System Control Space, virtual time and
 * the peripherals a board adds. One thread owns it: the thread that calls {@link #run}.
 * Everything from elsewhere (a URB from a USB/IP client, a pin change from the CLI) is
 * {@link #post posted} and executed between CPU slices (ARCHITECTURE.md, "The machine
 * thread and virtual time").
 */
public final class Machine implements AutoCloseable {
    /** Longest slice when nothing is scheduled: bounds the latency of posted work. */
    private static final long MAX_SLICE_PS = 2_000_000_000L; // 2 ms

    private final MachineConfig config;
    private final MachineEvents events = new MachineEvents();
    private final VirtualClock clock;
    private final Scheduler scheduler;
    private final CpuBackend cpu;
    private final PeripheralBus bus;
    private final GuestMemory memory;
    private final Nvic nvic;
    private final SystemControlBlock scb;
    private final SysTick sysTick;
    private final SystemControlSpace scs;
    private final dev.stm32emu.core.cortexm.DataWatchpointTrace dwt;
    private final Semihosting semihosting;
    private final CortexM core;
    private final List<Resettable> resettables = new ArrayList<>();
    private final LinkedBlockingQueue<Runnable> queue = new LinkedBlockingQueue<>();
    private final List<java.util.function.LongConsumer> blockTracers = new java.util.concurrent.CopyOnWriteArrayList<>();

    private final java.lang.foreign.Arena arena = java.lang.foreign.Arena.ofShared();
    private volatile Thread owner;
    private MachineStop stop;
    /** The last stop was returned by {@link #run}; the next run starts afresh. */
    private boolean stopReported;
    private ResetKind resetRequest;
    private boolean running;
    private long runTargetPs = Long.MAX_VALUE;
    private Pacing pacing = Pacing.FREE;
    /** Instruction fetches from these addresses wait until {@link #fetchStallUntilPs}; null: none. */
    private java.util.function.LongPredicate fetchStallRegion;
    private long fetchStallUntilPs;
    /** With {@link Pacing#IDLE_REAL_TIME}: the wall/virtual anchor was set for this sleep. */
    private boolean idleAnchored;
    private long paceWallStartNs;
    private long paceVirtualStartPs;
    private boolean closed;

    public Machine(MachineConfig config) {
        this(config, new UnicornBackend(config.cpu()));
    }

    public Machine(MachineConfig config, CpuBackend cpu) {
        this.config = config;
        this.cpu = cpu;
        this.clock = new VirtualClock(config.coreHz());
        this.scheduler = new Scheduler(clock);
        this.bus = new PeripheralBus(log("bus"));
        this.memory = new GuestMemory(bus);
        this.nvic = new Nvic(config.irqCount(), config.priorityBits());
        CoreHost host = new CoreHost() {
            @Override
            public void stop(MachineStop s) {
                stopNow(s);
            }

            @Override
            public void requestSystemReset() {
                requestReset(ResetKind.SOFTWARE);
            }

            @Override
            public long nowPs() {
                return clock.nowPs();
            }
        };
        this.scb = new SystemControlBlock(config.cpu(), nvic, log("scb"), () -> cpu.read(CpuRegister.IPSR) & 0x1FF,
                host::requestSystemReset);
        this.sysTick = new SysTick(scheduler, nvic, config.sysTickCalib(), 8);
        ReadOnlyStores stores = new ReadOnlyStores(memory, log("memory"));
        this.semihosting = new Semihosting(memory, config.console(), clock::nowPs, log("semihosting"));
        this.core = new CortexM(cpu, memory, nvic, scb, semihosting, stores, events, host);
        this.scs = new SystemControlSpace(nvic, scb, sysTick, log("scs"), config.mpuRegions(), this::privileged,
                core::unprivilegedScsAccess);
        cpu.setEventHandler(core);
        nvic.setOnPendingChange(cpu::requestStop);
        clock.setInflight(() -> running ? cpu.instructionsInCurrentRun() : 0);
        scheduler.setOnScheduled(at -> {
            if (running && at < runTargetPs) {
                cpu.requestStop(); // an event earlier than this slice's end: cut the slice short
            }
        });
        bus.setBeforeAccess(core::applyStoreFixups);
        // The Private Peripheral Bus: ITM, DWT, FPB, SCS, TPIU (ARMv7-M ARM B3.1).
        this.dwt = new dev.stm32emu.core.cortexm.DataWatchpointTrace(clock, scb::traceEnabled, log("dwt"));
        bus.attach("itm", 0xE000_0000L, 0x1000, new dev.stm32emu.core.bus.UnimplementedDevice(log("itm")));
        bus.attach("dwt", 0xE000_1000L, 0x1000, dwt);
        bus.attach("fpb", 0xE000_2000L, 0x1000, new dev.stm32emu.core.bus.UnimplementedDevice(log("fpb")));
        bus.attach("scs", 0xE000_E000L, 0x1000, scs);
        bus.attach("tpiu", 0xE004_0000L, 0x1000, new dev.stm32emu.core.bus.UnimplementedDevice(log("tpiu")));
        cpu.mapMmio(0xE000_0000L, 0x10_0000L, bus.window(0xE000_0000L));
    }

    /**
     * Maps the Cortex-M3/M4 bit-band aliases: 0x22000000 onto SRAM at 0x20000000 and
     * 0x42000000 onto peripherals at 0x40000000, 32 MiB each (ARMv7-M ARM B3.4).
     */
    public void enableBitBand() {
        DeviceLog bbLog = log("bitband");
        cpu.mapMmio(0x2200_0000L, 0x0200_0000L, new dev.stm32emu.core.bus.BitBandAlias(0x2000_0000L,
                new dev.stm32emu.core.bus.BitBandAlias.Target() {
                    @Override
                    public int read(long address, int size) {
                        try {
                            return memory.read(address, size);
                        } catch (dev.stm32emu.core.bus.BusErrorException e) {
                            bbLog.guestError("r" + address, String.format("bit-band read of 0x%08x: no SRAM there", address));
                            return 0;
                        }
                    }

                    @Override
                    public void write(long address, int size, int value) {
                        try {
                            memory.write(address, size, value);
                        } catch (dev.stm32emu.core.bus.BusErrorException e) {
                            bbLog.guestError("w" + address, String.format("bit-band write of 0x%08x: no SRAM there", address));
                        }
                    }
                }));
        cpu.mapMmio(0x4200_0000L, 0x0200_0000L, new dev.stm32emu.core.bus.BitBandAlias(0x4000_0000L,
                new dev.stm32emu.core.bus.BitBandAlias.Target() {
                    @Override
                    public int read(long address, int size) {
                        core.applyStoreFixups();
                        return bus.read(address, size);
                    }

                    @Override
                    public void write(long address, int size, int value) {
                        core.applyStoreFixups();
                        bus.write(address, size, value);
                    }
                }));
    }

    // ---- composition (board factory) -------------------------------------------------

    /** Maps host memory into the guest and into the host view of memory. */
    public MemoryRegion addMemory(String name, long base, MemorySegment segment, MemoryPermissions perms,
                                  StoreInterceptor interceptor) {
        MemoryRegion region = new MemoryRegion(name, base, segment, perms, interceptor);
        memory.add(region);
        cpu.mapMemory(base, segment, perms);
        return region;
    }

    /**
     * Allocates page-aligned host memory that lives as long as the machine.
     *
     * @param fill the byte every location starts with (0xFF for erased flash)
     */
    public MemorySegment allocate(long size, int fill) {
        MemorySegment m = arena.allocate(size, 4096);
        m.fill((byte) fill);
        return m;
    }

    /** Removes a region mapped with {@link #addMemory} (e.g. to re-point the boot alias). */
    public void removeMemory(long base) {
        MemoryRegion r = memory.regionAt(base, 1);
        if (r != null && r.base() == base) {
            memory.remove(base);
            cpu.unmap(base, r.size());
        }
    }

    /** Attaches a device to the peripheral bus. */
    public void attach(String name, long base, long size, MmioDevice device) {
        bus.attach(name, base, size, device);
    }

    /** Makes the CPU see the peripheral bus in {@code [base, base+size)}. */
    public void mapPeripheralWindow(long base, long size) {
        cpu.mapMmio(base, size, bus.window(base));
    }

    /** Registers something that a reset puts back to its reset state; called in order. */
    public void addResettable(Resettable r) {
        resettables.add(r);
    }

    /** A log for a device, reporting through this machine's events. */
    public DeviceLog log(String device) {
        return new DeviceLog(device, events, () -> clock.nowPs());
    }

    // ---- accessors ------------------------------------------------------------------

    public MachineConfig config() {
        return config;
    }

    public MachineEvents events() {
        return events;
    }

    public VirtualClock clock() {
        return clock;
    }

    public Scheduler scheduler() {
        return scheduler;
    }

    public CpuBackend cpu() {
        return cpu;
    }

    public GuestMemory memory() {
        return memory;
    }

    public PeripheralBus bus() {
        return bus;
    }

    public Nvic nvic() {
        return nvic;
    }

    public SystemControlBlock scb() {
        return scb;
    }

    public CortexM core() {
        return core;
    }

    public Semihosting semihosting() {
        return semihosting;
    }

    /**
     * Tells {@code tracer} the start address of every translation block the core executes,
     * until removed. It slows the machine down (a call per block): use it briefly, e.g. to
     * see the first code that runs after a reset. Machine thread.
     */
    public void addBlockTracer(java.util.function.LongConsumer tracer) {
        blockTracers.add(tracer);
        cpu.requestStop(); // the next slice installs the probe
    }

    /** Removes a tracer added with {@link #addBlockTracer}. */
    public void removeBlockTracer(java.util.function.LongConsumer tracer) {
        blockTracers.remove(tracer);
    }

    /** Chooses how virtual time relates to the wall clock (default {@link Pacing#FREE}). */
    public void setPacing(Pacing pacing) {
        this.pacing = java.util.Objects.requireNonNull(pacing);
    }

    /** @return how virtual time relates to the wall clock */
    public Pacing pacing() {
        return pacing;
    }

    /**
     * A memory stalls the bus until {@code untilPs}: when the next instruction to execute is
     * in {@code region}, the core waits, taking no exception, until then (scheduled events
     * still run; posted work still arrives). The STM32 flash does this while it is programmed
     * or erased (PM0075 §2.3: a read of the flash during a write or erase stalls the bus), so
     * firmware running from flash does not execute its BSY polling loop at all. Code running
     * elsewhere (SRAM) goes on. An {@code untilPs} not after now ends the stall at once (the
     * memory finished early). Machine thread; may be called from inside a bus access, and
     * takes effect at the end of the current translation block.
     */
    public void stallFetches(java.util.function.LongPredicate region, long untilPs) {
        if (untilPs <= clock.nowPs()) {
            fetchStallRegion = null;
            return;
        }
        fetchStallRegion = java.util.Objects.requireNonNull(region);
        fetchStallUntilPs = untilPs;
        cpu.requestStop();
    }

    // ---- lifecycle ------------------------------------------------------------------

    /** Power-on reset; call once after composition, on the machine thread. */
    public void powerOn() {
        performReset(ResetKind.POWER_ON);
    }

    /** Asks for a reset between slices (machine thread; others use {@link #post}). */
    public void requestReset(ResetKind kind) {
        resetRequest = kind;
        cpu.requestStop();
    }

    /**
     * Runs until the machine stops, or until {@code limitPs} more virtual picoseconds have
     * passed (0: no limit), in which case the stop is a {@link MachineStop.Kind#TIMEOUT}.
     * The calling thread becomes the machine thread.
     */
    public MachineStop run(long limitPs) {
        owner = Thread.currentThread();
        if (stopReported) {
            stop = null; // a stop raised before this run (e.g. a lockup at power-on) is kept
            stopReported = false;
        }
        Scheduler.Event timeout = limitPs > 0
                ? scheduler.after(limitPs, () -> stopNow(MachineStop.timeout(cpu.read(CpuRegister.PC), clock.nowPs())))
                : null;
        paceWallStartNs = System.nanoTime();
        paceVirtualStartPs = clock.nowPs();
        try {
            loop();
        } finally {
            if (timeout != null) {
                timeout.cancel();
            }
            stopReported = true;
        }
        return stop;
    }

    /** Runs {@code action} on the machine thread between slices. Any thread. */
    public void post(Runnable action) {
        queue.add(action);
        cpu.requestStop();
    }

    /** Runs {@code action} on the machine thread and completes the future with its result. */
    public <T> CompletableFuture<T> submit(Callable<T> action) {
        CompletableFuture<T> f = new CompletableFuture<>();
        post(() -> {
            try {
                f.complete(action.call());
            } catch (Throwable t) {
                f.completeExceptionally(t);
            }
        });
        return f;
    }

    /** Stops the machine from any thread; {@link #run} returns soon after. */
    public void requestStop(String why) {
        post(() -> stopNow(MachineStop.requested(cpu.read(CpuRegister.PC), clock.nowPs(), why)));
    }

    /** Whether the calling thread is the machine thread. */
    public boolean onMachineThread() {
        return Thread.currentThread() == owner;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            scheduler.clear();
            cpu.close();
            arena.close();
        }
    }

    // ---- the loop -------------------------------------------------------------------

    private void loop() {
        while (stop == null) {
            drainQueue();
            if (stop != null) {
                break;
            }
            if (resetRequest != null) {
                ResetKind kind = resetRequest;
                resetRequest = null;
                performReset(kind);
                continue;
            }
            scheduler.runDue();
            if (stop != null || resetRequest != null) {
                continue;
            }
            core.applyStoreFixups();
            if (fetchStalled()) {
                idle(); // up to the next event; the memory's own end is one
                continue;
            }
            if (core.isSleeping()) {
                if (core.wakeCondition()) {
                    core.wake();
                } else {
                    idle();
                    continue;
                }
            }
            core.takePendingException();
            if (stop != null || core.isSleeping()) {
                continue;
            }
            pace();
            long next = scheduler.nextEventPs();
            runTargetPs = Math.min(next, clock.nowPs() + MAX_SLICE_PS);
            long budget = clock.cyclesUntil(runTargetPs);
            // CPSIE and MSR end a translation block in the engine, so checking at block
            // boundaries takes an unmasked interrupt right after the instruction that
            // unmasked it, as the hardware does.
            boolean masked = core.hasMaskedPending();
            cpu.setBlockProbe(!masked && blockTracers.isEmpty() ? null : address -> {
                for (java.util.function.LongConsumer t : blockTracers) {
                    t.accept(address);
                }
                return masked && core.canTakePendingNow();
            });
            running = true;
            RunExit exit;
            try {
                exit = cpu.run(cpu.read(CpuRegister.PC), budget);
            } finally {
                running = false;
                runTargetPs = Long.MAX_VALUE;
            }
            idleAnchored = false;
            clock.advanceCycles(exit.instructions());
            core.handleRunExit(exit);
        }
    }

    private boolean fetchStalled() {
        if (fetchStallRegion == null) {
            return false;
        }
        if (clock.nowPs() < fetchStallUntilPs && fetchStallRegion.test(cpu.read(CpuRegister.PC) & 0xFFFF_FFFEL)) {
            return true;
        }
        fetchStallRegion = null;
        return false;
    }

    /** The core sleeps: jump to the next event, or wait for posted work. */
    private void idle() {
        long next = scheduler.nextEventPs();
        if (next == Scheduler.NONE) {
            waitForWork(Long.MAX_VALUE);
            return;
        }
        if (pacing == Pacing.IDLE_REAL_TIME && !idleAnchored) {
            // A new sleep. Busy code that ran ahead of the wall clock keeps its lead (the anchor
            // moves to now); a clock that fell behind (host slower than the chip, or earlier
            // sleeps overslept) keeps its anchor, so this sleep is shortened to catch up.
            idleAnchored = true;
            long wallNs = System.nanoTime();
            if ((clock.nowPs() - paceVirtualStartPs) / 1000 > wallNs - paceWallStartNs) {
                paceWallStartNs = wallNs;
                paceVirtualStartPs = clock.nowPs();
            }
        }
        if (pacing != Pacing.FREE) {
            long aheadNs = (next - paceVirtualStartPs) / 1000 - (System.nanoTime() - paceWallStartNs);
            if (aheadNs > 0) {
                if (waitForWork(aheadNs)) {
                    return; // posted work arrived first; handle it before jumping ahead
                }
            }
        }
        clock.advanceTo(next);
    }

    private void pace() {
        if (pacing != Pacing.REAL_TIME) {
            return;
        }
        long aheadNs = (clock.nowPs() - paceVirtualStartPs) / 1000 - (System.nanoTime() - paceWallStartNs);
        if (aheadNs > 1_000_000) {
            waitForWork(aheadNs);
        }
    }

    /** Waits up to {@code ns} for posted work; true if some arrived (and was run). */
    private boolean waitForWork(long ns) {
        try {
            Runnable r = ns == Long.MAX_VALUE ? queue.take() : queue.poll(ns, TimeUnit.NANOSECONDS);
            if (r != null) {
                r.run();
                return true;
            }
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopNow(MachineStop.requested(cpu.read(CpuRegister.PC), clock.nowPs(), "interrupted"));
            return true;
        }
    }

    private void drainQueue() {
        Runnable r;
        while ((r = queue.poll()) != null) {
            r.run();
        }
    }

    private void stopNow(MachineStop s) {
        if (stop == null) {
            stop = s;
        }
        cpu.requestStop();
    }

    private void performReset(ResetKind kind) {
        fetchStallRegion = null;
        nvic.reset();
        scb.reset();
        sysTick.reset();
        scs.reset();
        dwt.reset();
        for (Resettable r : resettables) {
            r.reset(kind);
        }
        boolean ok = core.reset();
        if (ok) {
            events.publish(new MachineEvent.Reset(clock.nowPs(), kind, bootSource(), cpu.read(CpuRegister.MSP),
                    cpu.read(CpuRegister.PC)));
        }
    }

    private String bootSource() {
        MemoryRegion r = memory.regionAt(0, 4);
        return r == null ? "nothing" : r.name();
    }

    private boolean privileged() {
        return (cpu.read(CpuRegister.IPSR) & 0x1FF) != 0 || (cpu.read(CpuRegister.CONTROL) & 1) == 0;
    }

    /** Virtual time rendered for messages. */
    public String nowText() {
        return Ticks.formatSeconds(clock.nowPs()) + "s";
    }
}
