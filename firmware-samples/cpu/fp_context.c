/*
 * fp_context (Cortex-M4F only): floating-point context across exceptions
 * (ARMv7-M ARM B1.4 CONTROL.FPCA and FP state, B1.5.6/B1.5.7 extended
 * frames and their alignment, B3.2 CPACR, FPCCR, FPCAR; facts-cortexm §3.1).
 *
 *  1. CPACR is 0 at reset. On silicon an FP instruction is then a NOCP
 *     UsageFault; stm32emu cannot trap it (unicorn 2.0.1 never raises NOCP on
 *     an M4, see docs/DEVIATIONS.md), so the test only reports what happened
 *     and does not execute FP code before enabling CP10/CP11 = full access +
 *     DSB/ISB, as real firmware (SystemInit) does.
 *  2. CONTROL.FPCA is 0 until the first FP instruction, then 1 (FPCCR.ASPEN).
 *  3. s0-s15 and FPSCR hold patterns while IRQ 14 interrupts; its handler
 *     clobbers s0-s15 and FPSCR. After return all are intact.
 *  4. In the handler: EXC_RETURN = 0xFFFFFFE9 (Thread, MSP, extended frame),
 *     CONTROL.FPCA = 0 on entry, FPCAR = frame + 0x20, the first FP
 *     instruction sees FPSCR = FPDSCR (0, a new FP context), and the frame
 *     holds the thread's s0-s15 at +0x20 and FPSCR at +0x60 (written lazily
 *     by that first FP instruction, or at entry - indistinguishable).
 *  5. The same on PSP: EXC_RETURN = 0xFFFFFFED.
 *  6. After return CONTROL.FPCA = 1 again (restored from EXC_RETURN bit 4).
 */
#include "cortexm.h"
#include "exc.h"
#include "fault.h"
#include "test.h"

const char test_name[] = "fp_context";

#if !defined(__ARM_FP)
#error "fp_context needs an FPU build (-mfpu=fpv4-sp-d16 -mfloat-abi=hard)"
#endif

#define IRQ_FP 14u
#define S_BASE 0x3F800000u                 /* s_i = S_BASE + i */
#define FPSCR_PATTERN 0xA1C0009Du          /* N C, FZ, RMode=RZ, IDC IXC UFC OFC IOC */

static uint64_t psp_stack[128];

static volatile uint32_t flag;
static volatile uint32_t h_exc_return, h_frame, h_control_entry, h_control_after, h_fpcar,
    h_fpccr, h_fpscr_new, h_frame_fpscr;
static volatile uint32_t h_frame_s[16];

EXC_HANDLER(HardFault_Handler, fault_record_skip)

EXC_HANDLER(IRQ14_Handler, fp_irq_c)
void fp_irq_c(struct exc_frame *frame, uint32_t exc_return)
{
    uint32_t v;
    h_exc_return = exc_return;
    h_frame = (uint32_t)(uintptr_t)frame;
    h_control_entry = get_control();
    h_fpcar = FPU_FPCAR;
    h_fpccr = FPU_FPCCR;
    __asm volatile("vmrs %0, fpscr" : "=r"(v)::"memory");     /* first FP instruction */
    h_fpscr_new = v;
    h_control_after = get_control();
    for (int i = 0; i < 16; i++) {
        h_frame_s[i] = frame->s[i];
    }
    h_frame_fpscr = frame->fpscr;
    /* Clobber the caller-saved FP registers and FPSCR. */
    __asm volatile("ldr r0, =0xDEAD0000\n\t"
                   ".irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
                   "vmov s\\i, r0\n\t"
                   ".endr\n\t"
                   "movs r0, #0\n\t"
                   "vmsr fpscr, r0\n\t" ::: "r0", "memory");
    flag = 1;
}

/*
 * Load s0-s15 and FPSCR with patterns, pend IRQ 14 through STIR, wait for
 * the handler (no FP instructions while waiting), compare. If psp_top != 0
 * run on PSP. Returns 0 if all intact; bit i = s_i wrong, bit 16 = FPSCR,
 * bit 31 = handler never ran.
 */
__attribute__((naked, noinline)) static uint32_t fp_survives_irq(volatile uint32_t *flag_ptr,
                                                                  uint32_t psp_top)
{
    __asm volatile(
        "push {r4-r7, lr}\n\t"
        "mov r5, r0\n\t"                   /* r5 = flag */
        "mov r4, r1\n\t"                   /* r4 = psp_top or 0 */
        "cbz r4, 1f\n\t"
        "msr psp, r4\n\t"
        "mrs r3, control\n\t"
        "orr r3, r3, #2\n\t"               /* SPSEL, keep FPCA */
        "msr control, r3\n\t"
        "isb\n\t"
        "1:\n\t"
        "ldr r2, =0x3F800000\n\t"
        ".irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
        "add r3, r2, #\\i\n\t"
        "vmov s\\i, r3\n\t"
        ".endr\n\t"
        "ldr r3, =0xA1C0009D\n\t"
        "vmsr fpscr, r3\n\t"
        "ldr r3, =0xE000EF00\n\t"          /* STIR */
        "movs r6, #14\n\t"
        "str r6, [r3]\n\t"
        "dsb\n\t"
        "isb\n\t"
        "ldr r6, =10000000\n\t"
        "2:\n\t"
        "ldr r7, [r5]\n\t"
        "cbnz r7, 3f\n\t"
        "subs r6, r6, #1\n\t"
        "bne 2b\n\t"
        "mov r0, #0x80000000\n\t"
        "b 9f\n\t"
        "3:\n\t"
        "movs r0, #0\n\t"
        ".irp i, 0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15\n\t"
        "vmov r3, s\\i\n\t"
        "add r7, r2, #\\i\n\t"
        "cmp r3, r7\n\t"
        "it ne\n\t"
        "orrne r0, r0, #(1 << \\i)\n\t"
        ".endr\n\t"
        "vmrs r3, fpscr\n\t"
        "ldr r7, =0xA1C0009D\n\t"
        "cmp r3, r7\n\t"
        "it ne\n\t"
        "orrne r0, r0, #(1 << 16)\n\t"
        "9:\n\t"
        "cbz r4, 4f\n\t"
        "mrs r3, control\n\t"
        "bic r3, r3, #2\n\t"               /* back to MSP */
        "msr control, r3\n\t"
        "isb\n\t"
        "4:\n\t"
        "pop {r4-r7, pc}\n\t"
        ".ltorg\n\t");
}

static void check_handler_view(uint32_t want_exc_return, uint32_t lo, uint32_t hi)
{
    check_eq(h_exc_return, want_exc_return, "EXC_RETURN in the handler");
    check(h_frame >= lo && h_frame < hi, "frame on the expected stack");
    check_eq(h_control_entry & CONTROL_FPCA, 0, "CONTROL.FPCA = 0 on handler entry");
    check_eq(h_fpcar, h_frame + 0x20u, "FPCAR = frame + 0x20");
    info_hex("FPCCR on handler entry", h_fpccr);
    check_eq(h_fpscr_new, 0, "handler's first FP instruction sees FPSCR = FPDSCR = 0");
    check(h_control_after & CONTROL_FPCA, "CONTROL.FPCA = 1 after the handler's FP instruction");
    uint32_t bad = 0;
    for (uint32_t i = 0; i < 16; i++) {
        if (h_frame_s[i] != S_BASE + i) {
            bad |= 1u << i;
        }
    }
    check_eq(bad, 0, "frame +0x20..+0x5C holds the thread's s0-s15 (mask of bad slots)");
    check_eq(h_frame_fpscr, FPSCR_PATTERN, "frame +0x60 holds the thread's FPSCR");
}

int main(void)
{
    print("fp_context: FP registers across interrupts on the Cortex-M4F\n");

    /* 1. FP disabled at reset. (Silicon would take NOCP on an FP instruction
     *    here; the emulator cannot trap it - docs/DEVIATIONS.md.) */
    check_eq(SCB_CPACR, 0, "CPACR = 0 at reset");
    check_eq(get_control() & CONTROL_FPCA, 0, "CONTROL.FPCA = 0 before any FP instruction");

    SCB_CPACR |= CPACR_CP10_CP11_FULL;
    barrier();
    check_eq(SCB_CPACR, CPACR_CP10_CP11_FULL, "CPACR CP10/CP11 full access");
    check_eq(FPU_FPCCR & (FPCCR_ASPEN | FPCCR_LSPEN), FPCCR_ASPEN | FPCCR_LSPEN, "FPCCR.ASPEN and LSPEN set");

    /* 2. FPCA set by the first FP instruction. */
    uint32_t v = FPSCR_PATTERN;
    __asm volatile("vmsr fpscr, %0\n\tvmrs %0, fpscr" : "+r"(v)::"memory");
    check_eq(v, FPSCR_PATTERN, "FPSCR pattern reads back");
    check(get_control() & CONTROL_FPCA, "CONTROL.FPCA = 1 after the first FP instruction");

    nvic_enable(IRQ_FP);

    /* 3, 4. On MSP. */
    flag = 0;
    uint32_t msp = get_msp();
    uint32_t bad = fp_survives_irq(&flag, 0);
    check_eq(bad, 0, "MSP: s0-s15 and FPSCR intact after the interrupt (mask of bad registers)");
    check_handler_view(EXC_RETURN_THREAD_MSP_FP, msp - 0x200u, msp);
    check(get_control() & CONTROL_FPCA, "CONTROL.FPCA = 1 again after the return");

    /* 5. On PSP. */
    flag = 0;
    uint32_t lo = (uint32_t)(uintptr_t)&psp_stack[0];
    uint32_t hi = (uint32_t)(uintptr_t)&psp_stack[128];
    bad = fp_survives_irq(&flag, hi);
    check_eq(bad, 0, "PSP: s0-s15 and FPSCR intact after the interrupt (mask of bad registers)");
    check_handler_view(EXC_RETURN_THREAD_PSP_FP, lo, hi);
    check_eq(get_control() & (CONTROL_SPSEL | CONTROL_NPRIV), 0, "back on MSP, privileged");

    pass();
}
