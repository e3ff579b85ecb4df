/*
 * systick: SysTick interrupt entry and return, and the counter's register
 * semantics (ARMv7-M ARM B3.3; facts-cortexm §6).
 *
 *  1. CSR = 7 (ENABLE | TICKINT | CLKSOURCE) with RVR: the handler runs and
 *     main sees the tick count rise; EXC_RETURN in the handler is
 *     0xFFFFFFF9 (Thread, MSP, basic frame - B1.5.8).
 *  2. r0-r3, r12, lr, r4-r11 and the APSR flags survive interrupts whose
 *     handler clobbers r0-r3/r12 and the flags (B1.5.6 stacking, B1.5.8 return).
 *  3. COUNTFLAG is set by the 1 -> 0 transition and cleared by reading CSR.
 *  4. Writing CVR (any value) clears it and COUNTFLAG.
 *  5. CLKSOURCE = 0 (reference clock = core/8 on STM32 and the generic
 *     machines) counts at 1/8 of CLKSOURCE = 1: with RVR scaled by 8 the
 *     tick counts over the same busy loop match, loosely (within 2x).
 */
#include "cortexm.h"
#include "exc.h"
#include "test.h"

const char test_name[] = "systick";

static volatile uint32_t ticks;
static volatile uint32_t last_exc_return;
static volatile uint32_t last_vectactive;

EXC_HANDLER(SysTick_Handler, systick_c)
void systick_c(struct exc_frame *frame, uint32_t exc_return)
{
    ticks++;
    last_exc_return = exc_return;
    last_vectactive = ICSR_VECTACTIVE(SCB_ICSR);
    /* Clobber the caller-saved registers and the flags: the hardware frame
     * must restore them on return. */
    __asm volatile("movs r0, #0\n\t"
                   "mov r1, r0\n\t"
                   "mov r2, r0\n\t"
                   "mov r3, r0\n\t"
                   "mov r12, r0\n\t"
                   "msr apsr_nzcvq, r0\n\t" ::: "r0", "r1", "r2", "r3", "r12", "cc");
}

/*
 * Fill r0-r12 and lr with patterns and the flags with N,C,V,Q set, then wait
 * (without flag-setting instructions) until *ticks_ptr reaches target, then
 * compare everything. Returns 0 if all survived, else a bit mask: bit n for
 * rn (n = 0..12), bit 14 for lr, bit 16 for APSR, bit 31 for the guard expiring.
 */
__attribute__((naked, noinline)) static uint32_t regs_survive_ticks(volatile uint32_t *ticks_ptr,
                                                                    uint32_t target)
{
    __asm volatile(
        "push {r4-r11, lr}\n\t"
        "mov r4, r0\n\t"                 /* r4 = &ticks  */
        "mov r5, r1\n\t"                 /* r5 = target  */
        "ldr r6, =20000000\n\t"          /* r6 = guard   */
        "ldr r0, =0x10000000\n\t"
        "ldr r1, =0x11111111\n\t"
        "ldr r2, =0x22222222\n\t"
        "ldr r3, =0x33333333\n\t"
        "ldr r8, =0x88888888\n\t"
        "ldr r9, =0x99999999\n\t"
        "ldr r10, =0xAAAAAAAA\n\t"
        "ldr r11, =0xBBBBBBBB\n\t"
        "ldr r12, =0xCCCCCCCC\n\t"
        "ldr lr, =0xEEEEEEEE\n\t"
        "ldr r7, =0xB8000000\n\t"        /* N, C, V, Q */
        "msr apsr_nzcvq, r7\n\t"
        "ldr r7, =0x77777777\n\t"
        "1:\n\t"
        "sub.w r6, r6, #1\n\t"           /* no flag-setting instructions in the loop */
        "cbz r6, 2f\n\t"
        "ldr.w r7, [r4]\n\t"
        "sub.w r7, r7, r5\n\t"
        "cbz r7, 3f\n\t"
        "b 1b\n\t"
        "2:\n\t"                         /* guard expired */
        "mov.w r7, #0x80000000\n\t"
        "b 9f\n\t"
        "3:\n\t"
        "mrs r6, apsr\n\t"
        "movs r7, #0\n\t"                /* result mask (flags are captured already) */
        "ldr r5, =0xB8000000\n\t"
        "cmp r6, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 16)\n\t"
        "ldr r5, =0x10000000\n\t"
        "cmp r0, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 0)\n\t"
        "ldr r5, =0x11111111\n\t"
        "cmp r1, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 1)\n\t"
        "ldr r5, =0x22222222\n\t"
        "cmp r2, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 2)\n\t"
        "ldr r5, =0x33333333\n\t"
        "cmp r3, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 3)\n\t"
        "ldr r5, =0x88888888\n\t"
        "cmp r8, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 8)\n\t"
        "ldr r5, =0x99999999\n\t"
        "cmp r9, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 9)\n\t"
        "ldr r5, =0xAAAAAAAA\n\t"
        "cmp r10, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 10)\n\t"
        "ldr r5, =0xBBBBBBBB\n\t"
        "cmp r11, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 11)\n\t"
        "ldr r5, =0xCCCCCCCC\n\t"
        "cmp r12, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 12)\n\t"
        "ldr r5, =0xEEEEEEEE\n\t"
        "cmp lr, r5\n\t"
        "it ne\n\t"
        "orrne r7, r7, #(1 << 14)\n\t"
        "9:\n\t"
        "mov r0, r7\n\t"
        "pop {r4-r11, pc}\n\t"
        ".ltorg\n\t");
}

/* Ticks counted while running the same busy loop with the given RVR and CSR. */
static uint32_t ticks_during_loop(uint32_t rvr, uint32_t csr, uint32_t loops)
{
    SYST_CSR = 0;
    SYST_RVR = rvr;
    SYST_CVR = 0;
    ticks = 0;
    SYST_CSR = csr;
    spin(loops);
    SYST_CSR = 0;
    return ticks;
}

/*
 * Wait for the counter to count down through 1 -> 0 and reload (CVR
 * increases). A CVR of 0 after a CVR write or enable reloads without a
 * 1 -> 0 transition, so first wait for a non-zero value. Returns 0 on guard expiry.
 */
static int wait_wrap(void)
{
    uint32_t i = 0;
    while (SYST_CVR == 0) {
        if (++i == GUARD_LOOPS) {
            return 0;
        }
    }
    uint32_t prev = SYST_CVR;
    for (i = 0; i < GUARD_LOOPS; i++) {
        uint32_t cur = SYST_CVR;
        if (cur > prev) {
            return 1;
        }
        prev = cur;
    }
    return 0;
}

int main(void)
{
    print("systick: SysTick interrupt, return and counter semantics\n");

    /* 1. Interrupt and return. */
    SYST_CSR = 0;
    SYST_RVR = 19999;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    check_eq(SYST_CSR & 7u, 7u, "CSR reads back ENABLE|TICKINT|CLKSOURCE");
    check(wait_for_count(&ticks, 10, GUARD_LOOPS), "10 SysTick interrupts taken and returned");
    check_eq(last_exc_return, EXC_RETURN_THREAD_MSP, "EXC_RETURN in SysTick handler");
    check_eq(last_vectactive, EXC_SYSTICK, "ICSR.VECTACTIVE in SysTick handler");
    check_eq(ICSR_VECTACTIVE(SCB_ICSR), 0, "ICSR.VECTACTIVE back in Thread mode");

    /* 2. Registers survive interrupts (several ticks, so several entries). */
    uint32_t bad = regs_survive_ticks(&ticks, ticks + 5);
    check_eq(bad, 0, "r0-r12, lr, APSR preserved across 5 interrupts (mask of bad registers)");

    /* 3. COUNTFLAG: set by the wrap, cleared by the read. */
    SYST_CSR = 0;
    SYST_RVR = 99999;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_CLKSOURCE;        /* no TICKINT */
    check(wait_wrap(), "counter wrapped (CVR reloaded from RVR)");
    uint32_t first = SYST_CSR;
    uint32_t second = SYST_CSR;
    check(first & SYST_CSR_COUNTFLAG, "COUNTFLAG set after the wrap");
    check(!(second & SYST_CSR_COUNTFLAG), "COUNTFLAG cleared by the previous CSR read");
    check(!(SCB_ICSR & ICSR_PENDSTSET), "no SysTick pending with TICKINT = 0");

    /* 4. A CVR write clears the counter and COUNTFLAG. */
    check(wait_wrap(), "counter wrapped again");
    SYST_CVR = 0x1234;
    uint32_t cvr = SYST_CVR;
    uint32_t csr = SYST_CSR;
    check(!(csr & SYST_CSR_COUNTFLAG), "COUNTFLAG cleared by the CVR write");
    check(cvr == 0 || cvr > 99999u / 2, "CVR write cleared the counter (reads 0 or reloaded from RVR)");
    check_eq(SYST_RVR, 99999, "RVR unchanged by the CVR write");
    SYST_RVR = 0xFFFFFFFFu;
    check_eq(SYST_RVR, 0x00FFFFFFu, "RVR keeps 24 bits");
    SYST_CSR = 0;

    /* 5. CLKSOURCE = 0 counts at 1/8 of CLKSOURCE = 1. */
    uint32_t calib = SYST_CALIB;
    info_hex("CALIB", calib);
    if (calib & SYST_CALIB_NOREF) {
        fail("CALIB.NOREF = 1: no reference clock, but the generic machines have core/8");
    }
    SYST_CSR = SYST_CSR_TICKINT;
    check_eq(SYST_CSR & SYST_CSR_CLKSOURCE, 0, "CLKSOURCE = 0 reads back 0");
    /*
     * Period 8000 core clocks both ways: RVR 7999 on the core clock, RVR 999
     * on core/8. The tick counts over the same loop then match; a reference
     * clock at the core rate (or both at core/8) would differ 8x. Five pairs,
     * a majority must agree within 2x: QEMU's SysTick runs on host time, so a
     * single pair can be disturbed by host scheduling.
     */
    const uint32_t on_core = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    const uint32_t on_ref = SYST_CSR_ENABLE | SYST_CSR_TICKINT;
    (void)ticks_during_loop(7999, on_core, 200000); /* warm-up */
    uint32_t agree = 0;
    for (int pair = 0; pair < 5; pair++) {
        uint32_t fast = ticks_during_loop(7999, on_core, 1000000);
        uint32_t slow = ticks_during_loop(999, on_ref, 1000000);
        print("  info ticks over the same loop: CLKSOURCE=1 RVR=7999: ");
        print_udec(fast);
        print(", CLKSOURCE=0 RVR=999: ");
        print_udec(slow);
        print("\n");
        if (slow >= 4 && fast >= 4 && slow <= 2 * fast && fast <= 2 * slow) {
            agree++;
        }
    }
    check(agree >= 3, "CLKSOURCE = 0 counts at 1/8 of the core clock (3 of 5 pairs within 2x)");

    pass();
}
