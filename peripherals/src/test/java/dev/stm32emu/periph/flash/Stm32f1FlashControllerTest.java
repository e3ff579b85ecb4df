package dev.stm32emu.periph.flash;

import dev.stm32emu.core.bus.StoreInterceptor;
import dev.stm32emu.core.event.MachineEvent;
import dev.stm32emu.core.event.ResetKind;
import dev.stm32emu.periph.TestBench;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;

import static dev.stm32emu.periph.TestBench.bitBandWrite;
import static dev.stm32emu.periph.TestBench.ms;
import static dev.stm32emu.periph.TestBench.us;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Stm32f1FlashControllerTest {
    private static final int ACR = 0x00;
    private static final int KEYR = 0x04;
    private static final int OPTKEYR = 0x08;
    private static final int SR = 0x0C;
    private static final int CR = 0x10;
    private static final int AR = 0x14;
    private static final int OBR = 0x1C;
    private static final int WRPR = 0x20;
    private static final int BSY = 1;
    private static final int PGERR = 1 << 2;
    private static final int WRPRTERR = 1 << 4;
    private static final int EOP = 1 << 5;
    private static final int PG = 1;
    private static final int PER = 1 << 1;
    private static final int MER = 1 << 2;
    private static final int OPTPG = 1 << 4;
    private static final int OPTER = 1 << 5;
    private static final int STRT = 1 << 6;
    private static final int LOCK = 1 << 7;
    private static final int OPTWRE = 1 << 9;
    private static final int ERRIE = 1 << 10;
    private static final int EOPIE = 1 << 12;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final TestBench bench = new TestBench();
    private final Arena arena = Arena.ofAuto();
    private final List<long[]> invalidated = new ArrayList<>();
    private final TestBench.Irq irq = new TestBench.Irq();
    private final MemorySegment systemPage = arena.allocate(4096, 4096);
    private final MemorySegment optionBytes = systemPage.asSlice(0x800, 16);
    private MemorySegment flash;
    private Stm32f1FlashController fpec;

    Stm32f1FlashControllerTest() {
        Stm32f1FlashController.writeFactoryOptionBytes(optionBytes);
        build(64 * 1024, 1024, FlashTiming.DATASHEET);
    }

    private void build(int size, int pageSize, FlashTiming timing) {
        flash = arena.allocate(size, 4096);
        flash.fill((byte) 0xFF);
        fpec = new Stm32f1FlashController(bench.log("flash"), bench.scheduler, bench.events, flash, pageSize, optionBytes,
                timing, (offset, length) -> invalidated.add(new long[]{offset, length}), irq);
        fpec.reset(ResetKind.POWER_ON);
    }

    /** A CPU store: the interceptor decides, the engine stores, the fix-up keeps what the FPEC decided. */
    private void cpuStore(StoreInterceptor interceptor, MemorySegment memory, long offset, int size, long value) {
        long current = size == 2 ? Short.toUnsignedInt(memory.get(HALF, offset))
                : size == 1 ? Byte.toUnsignedInt(memory.get(ValueLayout.JAVA_BYTE, offset))
                : Integer.toUnsignedLong(memory.get(ValueLayout.JAVA_INT_UNALIGNED, offset));
        long keep = interceptor.store(offset, size, value, current);
        switch (size) {
            case 1 -> memory.set(ValueLayout.JAVA_BYTE, offset, (byte) keep);
            case 2 -> memory.set(HALF, offset, (short) keep);
            default -> memory.set(ValueLayout.JAVA_INT_UNALIGNED, offset, (int) keep);
        }
    }

    private void store(long offset, int size, long value) {
        cpuStore(fpec.flashInterceptor(), flash, offset, size, value);
    }

    private int half(long offset) {
        return Short.toUnsignedInt(flash.get(HALF, offset));
    }

    private void unlock() {
        fpec.write(KEYR, 4, 0x4567_0123);
        fpec.write(KEYR, 4, 0xCDEF_89AB);
    }

    private void unlockOptionBytes() {
        fpec.write(OPTKEYR, 4, 0x4567_0123);
        fpec.write(OPTKEYR, 4, 0xCDEF_89AB);
    }

    private void set(int offset, int bits) {
        fpec.write(offset, 4, fpec.read(offset, 4) | bits);
    }

    private void clear(int offset, int bits) {
        fpec.write(offset, 4, fpec.read(offset, 4) & ~bits);
    }

    /** HAL_FLASH_Program(HALFWORD) without the BSY wait: SET PG, 16-bit store. */
    private void program(long offset, int value) {
        set(CR, PG);
        store(offset, 2, value);
    }

    private void erasePage(long address) {
        set(CR, PER);
        fpec.write(AR, 4, (int) address);
        set(CR, STRT);
    }

    private List<MachineEvent.FlashOperation> flashEvents() {
        return bench.published().stream().filter(e -> e instanceof MachineEvent.FlashOperation)
                .map(e -> (MachineEvent.FlashOperation) e).toList();
    }

    @Test
    void shouldStallFetchesFromFlashForTheWholeOperationAndReleaseThemWhenBsyClears() {
        List<Long> stalls = new ArrayList<>();
        fpec.setFetchStall(stalls::add);
        unlock();
        long start = bench.scheduler.clock().nowPs();
        erasePage(0x0800_0400L);
        assertEquals(List.of(start + FlashTiming.DATASHEET.pageErasePs()), stalls, "stalled until the erase ends");
        bench.runFor(FlashTiming.DATASHEET.pageErasePs());
        assertEquals(0, fpec.read(SR, 4) & 1, "BSY clear");
        assertEquals(2, stalls.size());
        assertEquals(bench.scheduler.clock().nowPs(), stalls.get(1), "released when BSY clears");
    }

    @Test
    void shouldReleaseTheStallWhenAnSramStoreEndsTheOperationEarly() {
        List<Long> stalls = new ArrayList<>();
        fpec.setFetchStall(stalls::add);
        unlock();
        program(0x100, 0x1234);
        program(0x102, 0x5678); // from SRAM while BSY: the first program completes at once
        assertEquals(0x1234, half(0x100));
        long now = bench.scheduler.clock().nowPs();
        assertEquals(List.of(now + FlashTiming.DATASHEET.programPs(), now, now + FlashTiming.DATASHEET.programPs()),
                stalls, "stall, early release, stall for the second program");
    }

    @Test
    void shouldResetAcrTo0x30AndReadBackLatencyWithPrefetchStatusFollowingItsEnable() {
        assertEquals(0x30, fpec.read(ACR, 4));
        fpec.write(ACR, 4, 0x12); // STM32duino bootloader: PRFTBE + LATENCY 2
        assertEquals(0x32, fpec.read(ACR, 4));
        fpec.write(ACR, 4, 0x02);
        assertEquals(0x02, fpec.read(ACR, 4), "PRFTBS follows PRFTBE");
    }

    @Test
    void shouldUnlockWithTheKeySequenceAndLockAgainWithLock() {
        assertEquals(LOCK, fpec.read(CR, 4));
        unlock();
        assertEquals(0, fpec.read(CR, 4));
        unlock(); // libopencm3 writes the keys unconditionally: harmless
        assertEquals(0, fpec.read(CR, 4));
        fpec.write(CR, 4, LOCK); // the STM32duino bootloader locks with CR = 0x80
        assertEquals(LOCK, fpec.read(CR, 4));
        fpec.write(CR, 4, 0);
        assertEquals(LOCK, fpec.read(CR, 4), "LOCK cannot be cleared by writing 0");
    }

    @Test
    void shouldStayLockedUntilResetAfterAWrongKeySequence() {
        fpec.write(KEYR, 4, 0x4567_0123);
        fpec.write(KEYR, 4, 0x1234_5678);
        unlock();
        assertEquals(LOCK, fpec.read(CR, 4));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("locked until reset")));
        fpec.reset(ResetKind.SOFTWARE);
        unlock();
        assertEquals(0, fpec.read(CR, 4));
    }

    @Test
    void shouldTakeANarrowKeyWriteAsAWrongSequence() {
        fpec.write(KEYR, 2, 0x0123);
        unlock();
        assertEquals(LOCK, fpec.read(CR, 4));
    }

    @Test
    void shouldIgnoreControlWritesAndFlashStoresWhileLocked() {
        fpec.write(CR, 4, LOCK | PG);
        assertEquals(LOCK, fpec.read(CR, 4));
        store(0x100, 2, 0x1234);
        assertEquals(0xFFFF, half(0x100));
        assertEquals(0, fpec.read(SR, 4), "silently ignored: HAL_FLASH_Program returns HAL_OK on silicon too");
    }

    @Test
    void shouldProgramAnErasedHalfWordStayingBusyForTheDatasheetTime() {
        unlock();
        program(0x100, 0xBEEF);
        assertEquals(0xBEEF, half(0x100));
        assertEquals(BSY, fpec.read(SR, 4));
        bench.runFor(us(52));
        assertEquals(BSY, fpec.read(SR, 4), "tPROG is 52.5 us");
        bench.runFor(us(1));
        assertEquals(EOP, fpec.read(SR, 4));
        assertEquals(PG, fpec.read(CR, 4), "PG stays until software clears it");
        fpec.write(SR, 4, EOP);
        assertEquals(0, fpec.read(SR, 4));
    }

    @Test
    void shouldRefuseToProgramOverAValueOtherThan0xFfffWithPgerr() {
        unlock();
        program(0x100, 0x1234);
        bench.runFor(us(60));
        fpec.write(SR, 4, EOP);
        program(0x100, 0x1030);
        assertEquals(0x1234, half(0x100));
        assertEquals(PGERR, fpec.read(SR, 4), "no BSY, no EOP");
    }

    @Test
    void shouldAllowProgramming0x0000OverAnyValue() {
        unlock();
        program(0x100, 0x1234);
        bench.runFor(us(60));
        program(0x100, 0x0000);
        bench.runFor(us(60));
        assertEquals(0, half(0x100));
        assertEquals(EOP, fpec.read(SR, 4));
    }

    @Test
    void shouldNotProgramWithByteOrWordStores() {
        unlock();
        set(CR, PG);
        store(0x100, 1, 0x12);
        store(0x104, 4, 0x1234_5678);
        assertEquals(0xFFFF, half(0x100));
        assertEquals(-1, flash.get(ValueLayout.JAVA_INT_UNALIGNED, 0x104));
        assertEquals(0, fpec.read(SR, 4));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("bus error")));
    }

    @Test
    void shouldIgnoreAndReportStoresWhileProgrammingIsNotEnabled() {
        unlock();
        store(0x100, 2, 0x1234);
        assertEquals(0xFFFF, half(0x100));
        assertTrue(bench.guestErrors().stream().anyMatch(m -> m.contains("PG=0")));
    }

    @Test
    void shouldEraseThe1KiBPageHoldingArWhenTheEraseEnds() {
        unlock();
        for (long a : new long[]{0x7FE, 0x800, 0xBFE, 0xC00}) {
            program(a, 0x5555);
            bench.runFor(us(60));
        }
        clear(CR, PG);
        erasePage(0x0800_0923L);
        assertEquals(BSY, fpec.read(SR, 4) & BSY);
        assertEquals(0x5555, half(0x800), "the page changes when the erase ends");
        bench.runFor(ms(20) - 1);
        assertEquals(BSY, fpec.read(SR, 4) & BSY);
        assertTrue(invalidated.isEmpty());
        bench.runFor(1);
        assertEquals(EOP, fpec.read(SR, 4));
        assertEquals(0, fpec.read(CR, 4) & STRT, "STRT clears with BSY");
        assertEquals(0x5555, half(0x7FE));
        assertEquals(0xFFFF, half(0x800));
        assertEquals(0xFFFF, half(0xBFE));
        assertEquals(0x5555, half(0xC00));
        assertEquals(1, invalidated.size());
        assertEquals(0x800, invalidated.getFirst()[0]);
        assertEquals(0x400, invalidated.getFirst()[1]);
    }

    @Test
    void shouldNotEraseWhileProgrammingIsStillEnabled() {
        unlock();
        program(0x100, 0x1234);
        bench.runFor(us(60));
        fpec.write(SR, 4, EOP);
        erasePage(0x0800_0000L); // PG left set, as libopencm3 did before clearing it after each program
        bench.runFor(ms(20));
        assertEquals(0x1234, half(0x100));
        assertEquals(0, fpec.read(SR, 4), "no BSY, no EOP");
        assertEquals(0, fpec.read(CR, 4) & STRT);
    }

    @Test
    void shouldErase2KiBPagesOnHighDensityParts() {
        build(256 * 1024, 2048, FlashTiming.DATASHEET);
        unlock();
        program(0x1000, 0x1111);
        program(0x17FE, 0x2222);
        program(0x1800, 0x3333);
        bench.runFor(us(60));
        clear(CR, PG);
        erasePage(0x0800_1400L);
        bench.runFor(ms(20));
        assertEquals(0xFFFF, half(0x1000));
        assertEquals(0xFFFF, half(0x17FE));
        assertEquals(0x3333, half(0x1800));
        assertEquals(0x800, invalidated.getFirst()[1]);
    }

    @Test
    void shouldMassEraseTheWholeMainFlash() {
        unlock();
        program(0, 0x1234);
        program(0xFFFE, 0x5678);
        bench.runFor(us(60));
        fpec.write(CR, 4, MER);
        fpec.write(CR, 4, MER | STRT);
        bench.runFor(ms(20));
        assertEquals(0xFFFF, half(0));
        assertEquals(0xFFFF, half(0xFFFE));
        assertEquals(EOP, fpec.read(SR, 4));
        assertEquals(64 * 1024, invalidated.getFirst()[1]);
    }

    @Test
    void shouldCompleteAnEraseBeforeAStoreThatWouldHaveStalledOnTheBus() {
        unlock();
        program(0x800, 0x1234);
        bench.runFor(us(60));
        clear(CR, PG);
        erasePage(0x0800_0800L);
        fpec.write(CR, 4, PG); // no BSY poll
        store(0x800, 2, 0xABCD);
        assertEquals(0xABCD, half(0x800), "programmed over the erased page");
        assertEquals(0, fpec.read(SR, 4) & PGERR);
        assertTrue(invalidated.isEmpty(), "not from inside the CPU's access");
        bench.scheduler.runDue();
        assertEquals(1, invalidated.size());
    }

    @Test
    void shouldRefuseToEraseOrProgramAWriteProtectedPage() {
        optionBytes.set(HALF, 8, (short) 0x01FE); // WRP0 bit 0: pages 0-3 (4 KiB) protected
        fpec.reset(ResetKind.SOFTWARE);
        assertEquals(0xFFFF_FFFE, fpec.read(WRPR, 4));
        unlock();
        erasePage(0x0800_0C00L);
        assertEquals(WRPRTERR, fpec.read(SR, 4));
        fpec.write(SR, 4, WRPRTERR);
        fpec.write(CR, 4, PG);
        store(0xFFE, 2, 0x1234);
        assertEquals(0xFFFF, half(0xFFE));
        assertEquals(WRPRTERR, fpec.read(SR, 4));
        store(0x1000, 2, 0x1234);
        assertEquals(0x1234, half(0x1000), "page 4 is not protected");
        fpec.write(CR, 4, MER | STRT);
        assertEquals(WRPRTERR, fpec.read(SR, 4) & WRPRTERR, "mass erase refused");
    }

    @Test
    void shouldRaiseTheInterruptOnEopAndOnErrorsWhenEnabled() {
        unlock();
        fpec.write(CR, 4, EOPIE | PG);
        store(0x100, 2, 0x1234);
        assertFalse(irq.level());
        bench.runFor(us(60));
        assertTrue(irq.level());
        fpec.write(SR, 4, EOP);
        assertFalse(irq.level());
        store(0x100, 2, 0x1030);
        assertFalse(irq.level(), "PGERR without ERRIE");
        set(CR, ERRIE);
        assertTrue(irq.level());
        bitBandWrite(fpec, SR, 2, true); // rc_w1 through the bit-band alias
        assertFalse(irq.level());
    }

    @Test
    void shouldEraseAndProgramOptionBytesAndLoadThemAtTheNextReset() {
        StoreInterceptor ob = fpec.optionByteInterceptor(0x800);
        unlock();
        unlockOptionBytes();
        assertEquals(OPTWRE, fpec.read(CR, 4) & OPTWRE);
        fpec.write(CR, 4, OPTWRE | OPTER);
        fpec.write(CR, 4, OPTWRE | OPTER | STRT);
        bench.runFor(ms(20));
        assertEquals(-1, optionBytes.get(ValueLayout.JAVA_LONG_UNALIGNED, 0));
        fpec.write(CR, 4, OPTWRE | OPTPG);
        cpuStore(ob, systemPage, 0x800, 2, 0x00A5); // HAL: OB->RDP = 0xA5, complement made by the FPEC
        bench.runFor(us(60));
        cpuStore(ob, systemPage, 0x808, 2, 0x00FE); // WRP0
        bench.runFor(us(60));
        assertEquals(0x5AA5, Short.toUnsignedInt(optionBytes.get(HALF, 0)));
        assertEquals(0x01FE, Short.toUnsignedInt(optionBytes.get(HALF, 8)));
        assertEquals(0xFFFF_FFFF, fpec.read(WRPR, 4), "loaded only at reset");
        fpec.reset(ResetKind.SOFTWARE); // HAL_FLASH_OB_Launch
        assertEquals(0xFFFF_FFFE, fpec.read(WRPR, 4));
        assertEquals(0x03FF_FFFC, fpec.read(OBR, 4), "erased USER/DATA read 0xFF without OPTERR");
    }

    @Test
    void shouldIgnoreStoresToSystemMemoryAndToOptionBytesWithoutOptpg() {
        StoreInterceptor ob = fpec.optionByteInterceptor(0x800);
        cpuStore(ob, systemPage, 0x10, 2, 0x1234);
        assertEquals(0, systemPage.get(HALF, 0x10));
        cpuStore(ob, systemPage, 0x808, 2, 0x00FE);
        assertEquals(0x00FF, Short.toUnsignedInt(optionBytes.get(HALF, 8)));
        assertEquals(2, bench.guestErrors().size());
    }

    @Test
    void shouldFlagAnOptionByteWhoseComplementDoesNotMatch() {
        optionBytes.set(HALF, 2, (short) 0x1234);
        fpec.reset(ResetKind.POWER_ON);
        assertEquals(1, fpec.read(OBR, 4) & 1, "OPTERR");
        assertEquals(0xFF, (fpec.read(OBR, 4) >>> 2) & 0xFF, "the bad byte reads 0xFF");
    }

    @Test
    void shouldStartTheHardwareWatchdogWhenWdgSwIsZero() {
        assertFalse(fpec.hardwareWatchdog());
        optionBytes.set(HALF, 2, (short) 0x01FE); // USER = 0xFE: WDG_SW = 0
        fpec.reset(ResetKind.PIN);
        assertTrue(fpec.hardwareWatchdog());
    }

    @Test
    void shouldMassEraseTheFlashWhenReadProtectionIsRemoved() {
        optionBytes.set(HALF, 0, (short) 0xFF00); // RDP = 0x00: level 1
        fpec.reset(ResetKind.POWER_ON);
        assertEquals(2, fpec.read(OBR, 4) & 2, "RDPRT");
        unlock();
        fpec.write(CR, 4, PG);
        store(0x100, 2, 0x1234);
        assertEquals(WRPRTERR, fpec.read(SR, 4), "read protection write-protects the first 4 KiB");
        store(0x2000, 2, 0x1234);
        bench.runFor(us(60));
        unlockOptionBytes();
        fpec.write(CR, 4, OPTWRE | OPTER | STRT);
        bench.runFor(ms(20));
        fpec.write(CR, 4, OPTWRE | OPTPG);
        cpuStore(fpec.optionByteInterceptor(0x800), systemPage, 0x800, 2, 0xA5);
        bench.runFor(ms(21));
        assertEquals(0xFFFF, half(0x2000));
        fpec.reset(ResetKind.POWER_ON);
        assertEquals(0, fpec.read(OBR, 4) & 2);
    }

    @Test
    void shouldTraceUnlockEraseAndEachProgramBurst() {
        unlock();
        for (int i = 0; i < 4; i++) {
            program(0x400 + 2L * i, i);
            bench.runFor(us(60));
        }
        clear(CR, PG);
        erasePage(0x0800_0000L);
        bench.runFor(ms(20));
        unlock();
        fpec.write(CR, 4, PG);
        store(0x10, 2, 0x1234);
        bench.runFor(ms(2));
        List<MachineEvent.FlashOperation> ops = flashEvents();
        assertEquals(List.of("unlock", "program", "page-erase", "program"), ops.stream().map(o -> o.operation()).toList());
        assertEquals(0x0800_0400L, ops.get(1).address());
        assertEquals(8, ops.get(1).length());
        assertTrue(ops.get(1).result().contains("4 half-words"));
        assertEquals(0x0800_0010L, ops.get(3).address());
    }

    @Test
    void shouldCompleteInstantOperationsAtTheNextSchedulerRun() {
        build(64 * 1024, 1024, FlashTiming.INSTANT);
        unlock();
        program(0x100, 0x1234);
        assertEquals(BSY, fpec.read(SR, 4), "BSY is seen once, as on the chip");
        bench.scheduler.runDue();
        assertEquals(EOP, fpec.read(SR, 4));
        assertEquals(0, bench.clock.nowPs());
    }

    @Test
    void shouldAbandonAnEraseInProgressOnReset() {
        unlock();
        program(0x100, 0x1234);
        bench.runFor(us(60));
        clear(CR, PG);
        erasePage(0x0800_0000L);
        fpec.reset(ResetKind.SOFTWARE);
        bench.runFor(ms(30));
        assertEquals(0x1234, half(0x100));
        assertEquals(0, fpec.read(SR, 4));
        assertEquals(LOCK, fpec.read(CR, 4));
    }
}
