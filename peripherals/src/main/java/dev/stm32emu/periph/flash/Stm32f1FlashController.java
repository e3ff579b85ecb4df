package dev.stm32emu.periph.flash;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.core.IrqLine;
import dev.stm32emu.core.bus.StoreInterceptor;
import dev.stm32emu.core.event.MachineEvents;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;
import dev.stm32emu.core.reg.RegisterDevice;
import dev.stm32emu.core.reg.RegisterOffset;
import dev.stm32emu.core.time.Scheduler;
import dev.stm32emu.periph.flash.FlashOperations.Operation;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * STM32F1 flash program/erase controller, FPEC (PM0075 "Reading/programming the embedded
 * Flash memory" and "Register descriptions"; RM0008 §3.3.3; facts-stm32f1.md §4,
 * facts-usb.md §6.1). On AHB, so byte writes are native.
 *
 * <p>Stores to the flash and option-byte memories reach the FPEC through
 * {@link #flashInterceptor()} and {@link #optionByteInterceptor(long)}. With CR.PG=1 a
 * half-word store programs when the target reads 0xFFFF or the value is 0x0000, else
 * PGERR (PM0075 "Main Flash memory programming"), unless the page is write protected
 * (WRPRTERR). Erases start on STRT with PER (the page holding AR), MER, or OPTER, and
 * with PG cleared (an erase with PG still set fails on F103 silicon); the memory is
 * filled with 0xFF when the operation ends and the CPU's translated code for it is
 * dropped through the {@link CodeInvalidator}. BSY stays set for the {@link FlashTiming}
 * in virtual time, then STRT clears and EOP sets. The FLASH interrupt (IRQ 4) is
 * EOP&amp;EOPIE or an error flag &amp; ERRIE. Option bytes are programmed with OPTWRE
 * (OPTKEYR sequence) and OPTPG; the FPEC stores the complement itself; OBR/WRPR change
 * only at the next reset. Writing RDP = 0xA5 while read protection is active mass-erases
 * the main flash first (PM0075 "Read protection").
 *
 * <p>Deviations, all logged as guest errors where the chip would answer with a bus fault,
 * because a peripheral access cannot raise a precise BusFault in this emulator: a wrong
 * key sequence keeps the FPEC locked until reset (no BusFault); byte and word stores with
 * PG=1 do not program (PM0075 answers them with a bus error); stores with PG=0 are
 * ignored. While BSY, instruction fetches from the flash stall through the {@link FetchStall}
 * (PM0075 §2.3), so code running from flash waits out the operation; a flash store or STRT
 * during an operation, which only code running from SRAM can make, completes that
 * operation at once (the chip would stall that access until BSY clears). A
 * reset during an operation abandons it and the memory keeps its old contents. Whether a
 * mass erase with some WRP bit at 0 is refused (modelled: WRPRTERR, nothing erased) and
 * whether option-byte programming requires an erased pair (modelled: PGERR) are not
 * documented for F1.
 */
public final class Stm32f1FlashController extends RegisterDevice {
    /** Main flash in the memory map (RM0008 §3.3.1). */
    public static final long FLASH_BASE = 0x0800_0000L;
    /** The option-byte block. */
    public static final long OPTION_BYTES_BASE = 0x1FFF_F800L;

    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final Scheduler scheduler;
    private final MemorySegment flash;
    private final int pageSize;
    private final OptionBytes options;
    private final FlashTiming timing;
    private final IrqLine irq;
    private final FlashTrace trace;
    private final FlashOperations operations;
    private final FlashKeyLock keys = new FlashKeyLock();
    private final FlashKeyLock optionKeys = new FlashKeyLock();
    private final Flag pg;
    private final Flag per;
    private final Flag mer;
    private final Flag optpg;
    private final Flag opter;
    private final Flag strt;
    private final Flag lock;
    private final Flag optwre;
    private final Flag errie;
    private final Flag eopie;
    private final Flag bsy;
    private final Flag pgerr;
    private final Flag wrprterr;
    private final Flag eop;
    private final Field address;
    /** CR.LOCK as it was before the write in progress: a locked CR ignores writes. */
    private boolean locked = true;
    private boolean startRequested;
    private FetchStall fetchStall = FetchStall.NONE;

    /**
     * @param flash       the main flash memory ({@link FlashStorage#segment()}), size a multiple of the page size
     * @param pageSize    1024 (medium density, F103C8/CB) or 2048 (high density, F103RC/RE)
     * @param optionBytes the 16-byte option-byte block (a slice of the 0x1FFFF000 page)
     * @param timing      {@link FlashTiming#DATASHEET} or {@link FlashTiming#INSTANT}
     * @param invalidator drops translated code of erased flash
     * @param irq         the FLASH global interrupt (IRQ 4)
     */
    public Stm32f1FlashController(DeviceLog log, Scheduler scheduler, MachineEvents events, MemorySegment flash, int pageSize,
                                  MemorySegment optionBytes, FlashTiming timing, CodeInvalidator invalidator, IrqLine irq) {
        super(log, BusWidth.BYTE_LANES);
        if ((pageSize != 1024 && pageSize != 2048) || flash.byteSize() % pageSize != 0) {
            throw new IllegalArgumentException("flash of " + flash.byteSize() + " bytes with " + pageSize + "-byte pages");
        }
        this.scheduler = scheduler;
        this.flash = flash;
        this.pageSize = pageSize;
        this.options = new OptionBytes(optionBytes);
        this.timing = timing;
        this.irq = irq;
        this.trace = new FlashTrace(events, scheduler);
        this.operations = new FlashOperations(scheduler, flash, invalidator, trace, this::operationEnded);

        Register acr = regs.define(Reg.ACR, 0x0000_0030);
        acr.field("LATENCY", 0, 3, Access.RW); // wait states only matter for timing, which counts instructions
        acr.flag("HLFCYA", 3, Access.RW);
        Flag prefetch = acr.flag("PRFTBE", 4, Access.RW);
        acr.flag("PRFTBS", 5, Access.R).readsAs(prefetch::isSet); // the buffer follows its enable at once

        regs.define(Reg.KEYR, 0).field("FKEYR", 0, 32, Access.W);
        regs.at(Reg.KEYR.offset).onWrite(this::flashKey);
        regs.define(Reg.OPTKEYR, 0).field("OPTKEYR", 0, 32, Access.W);
        regs.at(Reg.OPTKEYR.offset).onWrite(this::optionKey);

        Register sr = regs.define(Reg.SR, 0);
        bsy = sr.flag("BSY", 0, Access.R);
        pgerr = sr.flag("PGERR", 2, Access.RC_W1);
        wrprterr = sr.flag("WRPRTERR", 4, Access.RC_W1);
        eop = sr.flag("EOP", 5, Access.RC_W1);
        sr.afterWrite(this::updateInterrupts);

        Register cr = regs.define(Reg.CR, 0x0000_0080);
        pg = lockable(cr.flag("PG", 0, Access.RW));
        per = lockable(cr.flag("PER", 1, Access.RW));
        mer = lockable(cr.flag("MER", 2, Access.RW));
        optpg = lockable(cr.flag("OPTPG", 4, Access.RW));
        opter = lockable(cr.flag("OPTER", 5, Access.RW));
        strt = lockable(cr.flag("STRT", 6, Access.RS));
        lock = cr.flag("LOCK", 7, Access.RS);
        optwre = lockable(cr.flag("OPTWRE", 9, Access.RC_W0));
        errie = lockable(cr.flag("ERRIE", 10, Access.RW));
        eopie = lockable(cr.flag("EOPIE", 12, Access.RW));
        strt.onChange(v -> startRequested |= v);
        cr.afterWrite(this::control);

        address = regs.define(Reg.AR, 0).field("FAR", 0, 32, Access.W);
        address.onWrite((o, n) -> {
            if (bsy.isSet()) {
                address.set(o); // "Write access to this register is blocked when BSY is set"
            }
        });
        regs.define(Reg.OBR, 0x03FF_FFFC).readsAs(options::obr);
        regs.define(Reg.WRPR, 0xFFFF_FFFF).readsAs(options::wrpr);
    }

    /** ST's factory option bytes (RDP 0xA5, the rest 0xFF, with complements) for the board to put in place. */
    public static void writeFactoryOptionBytes(MemorySegment optionBytes) {
        OptionBytes.writeFactoryDefaults(optionBytes);
    }

    /** The interceptor for the main flash region, and for the boot alias when it maps the flash. */
    public StoreInterceptor flashInterceptor() {
        return this::storeToFlash;
    }

    /**
     * The interceptor for a read-only region holding the option bytes at
     * {@code optionBytesOffset} (the 4 KiB page at 0x1FFFF000 has them at 0x800). Stores
     * elsewhere in the region (system memory) are ignored and logged.
     */
    public StoreInterceptor optionByteInterceptor(long optionBytesOffset) {
        return (offset, size, value, current) -> {
            long o = offset - optionBytesOffset;
            if (o < 0 || o + size > OptionBytes.SIZE) {
                log.guestError("sysmem", String.format("store to read-only system memory at offset 0x%x ignored", offset));
                return current;
            }
            return storeToOptionBytes((int) o, size, value, current);
        };
    }

    /** OBR.WDG_SW = 0 in the option bytes loaded at the last reset: the IWDG starts by itself. */
    public boolean hardwareWatchdog() {
        return options.hardwareWatchdog();
    }

    /** Publishes a pending program burst to the trace (e.g. before the machine stops). */
    public void flushTrace() {
        trace.flush();
    }

    /** Every reset: registers back, the lock on, option bytes reloaded; an operation in progress is abandoned. */
    @Override
    protected void onReset(ResetKind kind) {
        operations.abandon();
        trace.flush();
        keys.reset();
        optionKeys.reset();
        locked = true;
        startRequested = false;
        options.load();
        if (options.readProtected()) {
            log.unimplemented("rdp", "read protection is set in the option bytes; reads are not blocked in the model");
        }
    }

    @Override
    protected void updateInterrupts() {
        irq.set((eop.isSet() && eopie.isSet()) || ((pgerr.isSet() || wrprterr.isSet()) && errie.isSet()));
    }

    // ---- key sequences ----------------------------------------------------------------

    private void flashKey(int value, int lanes) {
        switch (keys.write(value, lanes == -1)) {
            case UNLOCKED -> {
                if (locked) {
                    lock.set(false);
                    locked = false;
                    trace.publish("unlock", FLASH_BASE, 0, "ok");
                }
            }
            case WRONG_SEQUENCE -> {
                lock.set(true);
                locked = true;
                log.guestError("key", String.format("wrong FLASH_KEYR sequence (0x%08x): FPEC locked until reset; "
                        + "the chip also answers with a bus error (PM0075)", value));
                trace.publish("unlock", FLASH_BASE, 0, "wrong key: locked until reset");
            }
            default -> {
            }
        }
    }

    private void optionKey(int value, int lanes) {
        switch (optionKeys.write(value, lanes == -1)) {
            case UNLOCKED -> {
                optwre.set(true);
                trace.publish("option-unlock", OPTION_BYTES_BASE, 0, "ok");
            }
            case WRONG_SEQUENCE -> {
                log.guestError("optkey", String.format("wrong FLASH_OPTKEYR sequence (0x%08x): option bytes locked "
                        + "until reset", value));
                trace.publish("option-unlock", OPTION_BYTES_BASE, 0, "wrong key: locked until reset");
            }
            default -> {
            }
        }
    }

    // ---- control ----------------------------------------------------------------------

    /** A CR bit that keeps its value while the FPEC is locked (PM0075 "Unlocking the Flash memory"). */
    private Flag lockable(Flag f) {
        f.onWrite((o, n) -> {
            if (locked && o != n) {
                f.set(o);
                log.guestError("locked", "FLASH_CR write while locked ignored (unlock with FLASH_KEYR first)");
            }
        });
        return f;
    }

    private void control() {
        if (lock.isSet() && !locked) {
            locked = true;
            trace.publish("lock", FLASH_BASE, 0, "ok");
        }
        updateInterrupts(); // ERRIE/EOPIE may have changed
        if (!startRequested) {
            return;
        }
        startRequested = false;
        operations.finishNow();
        int selected = (per.isSet() ? 1 : 0) + (mer.isSet() ? 1 : 0) + (opter.isSet() ? 1 : 0);
        if (selected != 1) {
            strt.set(false);
            log.guestError("strt", "FLASH_CR.STRT with " + (selected == 0 ? "none" : "more than one") + " of PER/MER/OPTER set: ignored");
            return;
        }
        if (pg.isSet() || optpg.isSet()) {
            // On F103 silicon an erase started while PG is still set fails (Black Magic Probe's
            // F1 flash driver notes this; libopencm3 and HAL clear PG after programming).
            strt.set(false);
            log.guestError("strtpg", "erase started with PG or OPTPG still set does not erase: clear PG first");
            return;
        }
        if (per.isSet()) {
            erasePage(address.get() & 0xFFFF_FFFFL);
        } else if (mer.isSet()) {
            if (options.anyWriteProtection()) {
                fail(wrprterr, "mass-erase", FLASH_BASE, (int) flash.byteSize(), "WRPRTERR: write-protected pages");
            } else {
                begin(Operation.flashErase("mass-erase", 0, flash.byteSize()), timing.massErasePs());
            }
        } else if (!optwre.isSet()) {
            strt.set(false);
            log.guestError("opter", "option-byte erase without OPTWRE (write FLASH_OPTKEYR first): ignored");
        } else {
            begin(new Operation("option-erase", OPTION_BYTES_BASE, OptionBytes.SIZE, options::erase, 0, 0),
                    timing.pageErasePs());
        }
    }

    private void erasePage(long ar) {
        long offset = ar - FLASH_BASE;
        if (offset < 0 || offset >= flash.byteSize()) {
            strt.set(false);
            log.guestError("ar", String.format("page erase of 0x%08x: not a main-flash address (FLASH_AR); ignored", ar));
            return;
        }
        long start = offset - offset % pageSize;
        if (options.isWriteProtected(start)) {
            fail(wrprterr, "page-erase", FLASH_BASE + start, pageSize, "WRPRTERR: page write protected");
            return;
        }
        begin(Operation.flashErase("page-erase", start, pageSize), timing.pageErasePs());
    }

    // ---- programming ----------------------------------------------------------------

    private long storeToFlash(long offset, int size, long value, long current) {
        if (!pg.isSet() || locked) {
            log.guestError("nopg", String.format("store to flash at 0x%08x without programming enabled (FLASH_CR.PG=0) "
                    + "ignored", FLASH_BASE + offset));
            return current;
        }
        if (size != 2 || (offset & 1) != 0) {
            log.guestError("size", String.format("%d-byte store to flash at 0x%08x with PG=1 does not program; the chip "
                    + "answers with a bus error (PM0075: half-words only)", size, FLASH_BASE + offset));
            return current;
        }
        if (per.isSet() || mer.isSet()) {
            log.guestError("pgper", "flash store with PG=1 and PER or MER also set does not program");
            return current;
        }
        operations.finishNow();
        int old = Short.toUnsignedInt(flash.get(HALF, offset));
        int half = (int) (value & 0xFFFF);
        if (options.isWriteProtected(offset)) {
            fail(wrprterr, "program", FLASH_BASE + offset, 2, "WRPRTERR: page write protected");
            return old;
        }
        if (old != 0xFFFF && half != 0) {
            fail(pgerr, "program", FLASH_BASE + offset, 2, String.format("PGERR: 0x%04x there, not erased", old));
            return old;
        }
        begin(Operation.of("program", FLASH_BASE + offset, 2), timing.programPs());
        return half;
    }

    private long storeToOptionBytes(int offset, int size, long value, long current) {
        if (!optpg.isSet() || !optwre.isSet() || locked) {
            log.guestError("noptpg", "store to the option bytes without OPTPG and OPTWRE ignored");
            return current;
        }
        if (size != 2 || (offset & 1) != 0) {
            log.guestError("optsize", size + "-byte store to the option bytes does not program (half-words only)");
            return current;
        }
        operations.finishNow();
        int index = offset / 2;
        int old = options.halfWord(index);
        if (old != 0xFFFF) {
            fail(pgerr, "option-program", OPTION_BYTES_BASE + offset, 2, String.format("PGERR: 0x%04x there, not erased", old));
            return old;
        }
        int data = (int) (value & 0xFF);
        boolean unprotect = index == 0 && data == OptionBytes.RDP_UNPROTECTED && options.readProtected();
        // the main flash is mass-erased as the RDP change is programmed; OBR changes at the next reset
        long erased = unprotect ? flash.byteSize() : 0;
        begin(new Operation("option-program", OPTION_BYTES_BASE + offset, 2, null, 0, erased),
                timing.programPs() + (unprotect ? timing.massErasePs() : 0));
        return OptionBytes.complemented(data);
    }

    /** Where the bus stall of fetches from the flash during an operation goes (composition root). */
    public void setFetchStall(FetchStall stall) {
        this.fetchStall = java.util.Objects.requireNonNull(stall);
    }

    // ---- operations -------------------------------------------------------------------

    private void begin(Operation op, long durationPs) {
        operations.begin(op, durationPs);
        bsy.set(true);
        fetchStall.stallUntil(scheduler.clock().nowPs() + durationPs);
    }

    /** The end of an operation (FLASH_CR.STRT is "reset when the BSY bit is reset"; EOP reports it). */
    private void operationEnded() {
        fetchStall.stallUntil(scheduler.clock().nowPs()); // ends with BSY, also when ended early
        bsy.set(false);
        strt.set(false);
        eop.set(true);
        updateInterrupts();
    }

    private void fail(Flag error, String operation, long at, int length, String why) {
        error.set(true);
        strt.set(false);
        trace.publish(operation, at, length, why);
        updateInterrupts();
    }

    private enum Reg implements RegisterOffset {
        ACR(0x00), KEYR(0x04), OPTKEYR(0x08), SR(0x0C), CR(0x10), AR(0x14), OBR(0x1C), WRPR(0x20);

        private final int offset;

        Reg(int offset) {
            this.offset = offset;
        }

        @Override
        public int offset() {
            return offset;
        }
    }
}
