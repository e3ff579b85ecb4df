/*
 * psp_unprivileged: Thread mode on the process stack, unprivileged
 * (ARMv7-M ARM B1.4.4 CONTROL, B1.5.6/B1.5.8 EXC_RETURN, B3.2.1 SCS access
 * rules, B5.2.3 MSR; facts-cortexm §1 "Access rules", §3, §5.2).
 *
 *  1. CONTROL = 3 + ISB: SP is PSP, CONTROL reads 3.
 *  2. Unprivileged writes to PRIMASK (cpsid i), BASEPRI and CONTROL are ignored.
 *  3. SVC from unprivileged code works: EXC_RETURN 0xFFFFFFFD, the frame is
 *     on PSP, the handler runs privileged on MSP with CONTROL = 1 (SPSEL
 *     cleared on entry, nPRIV unchanged), and the result comes back in r0.
 *  4. SysTick interrupts Thread/PSP code and returns there (EXC_RETURN
 *     0xFFFFFFFD, frame on PSP).
 *  5. With CCR.USERSETMPEND = 1 unprivileged code may write STIR.
 *  6. SVC #1 drops back to privileged; CONTROL = 0 returns to MSP.
 * Unprivileged accesses to the SCS fault: see scs_unpriv_fault.
 * The unprivileged part only records results: QEMU ignores semihosting
 * BKPTs from unprivileged code, so all printing happens afterwards.
 */
#include "cortexm.h"
#include "exc.h"
#include "test.h"
#include "unpriv.h"

const char test_name[] = "psp_unprivileged";

#define IRQ_USER 10u

static uint64_t psp_stack[256];   /* 2 KiB, 8-byte aligned */
#define PSP_LO ((uint32_t)(uintptr_t)&psp_stack[0])
#define PSP_HI ((uint32_t)(uintptr_t)&psp_stack[256])

static volatile uint32_t ticks, tick_exc_return, tick_frame;
static volatile uint32_t svc_exc_return, svc_frame, svc_control;
static volatile uint32_t irq_runs;

/* What the unprivileged code saw. */
static volatile uint32_t u_control, u_sp, u_primask, u_basepri, u_control_after_write;
static volatile uint32_t u_svc_result, u_ticks_ok, u_tick_exc_return, u_tick_frame, u_irq_runs;

EXC_HANDLER(SysTick_Handler, systick_c)
void systick_c(struct exc_frame *frame, uint32_t exc_return)
{
    ticks++;
    tick_exc_return = exc_return;
    tick_frame = (uint32_t)(uintptr_t)frame;
}

EXC_HANDLER(SVC_Handler, svc_c)
void svc_c(struct exc_frame *frame, uint32_t exc_return)
{
    uint8_t number = *(const uint8_t *)(uintptr_t)(frame->pc - 2u);
    if (number == 1) {
        unpriv_svc1_make_privileged();
    } else if (number == 2) {
        svc_exc_return = exc_return;
        svc_frame = (uint32_t)(uintptr_t)frame;
        svc_control = get_control();
        frame->r0 = frame->r0 * 3u + frame->r1;
    }
}

void IRQ10_Handler(void)
{
    irq_runs++;
}

static uint32_t svc2(uint32_t a, uint32_t b)
{
    register uint32_t r0 __asm("r0") = a;
    register uint32_t r1 __asm("r1") = b;
    __asm volatile("svc #2" : "+r"(r0) : "r"(r1) : "memory");
    return r0;
}

/* Runs unprivileged on PSP. Must not print (see above). */
static uint32_t unprivileged_main(void)
{
    u_control = get_control();
    u_sp = get_sp();

    irq_disable();                      /* CPS is ignored when unprivileged */
    u_primask = get_primask();
    irq_enable();
    set_basepri(0x40);                  /* MSR BASEPRI ignored */
    u_basepri = get_basepri();
    set_control(0);                     /* MSR CONTROL ignored */
    isb();
    u_control_after_write = get_control();

    u_svc_result = svc2(1000, 7);

    uint32_t start = ticks;
    u_ticks_ok = wait_for_count(&ticks, start + 3, GUARD_LOOPS);
    u_tick_exc_return = tick_exc_return;    /* SysTick keeps running later: copy now */
    u_tick_frame = tick_frame;

    NVIC_STIR = IRQ_USER;               /* allowed: CCR.USERSETMPEND = 1 */
    dsb();
    isb();
    u_irq_runs = irq_runs;
    return 0x600DF00Du;
}

int main(void)
{
    print("psp_unprivileged: PSP, unprivileged Thread mode, SVC, SysTick\n");
    check_eq(get_control(), 0, "CONTROL = 0 at reset (privileged, MSP)");

    SCB_CCR |= CCR_USERSETMPEND;
    nvic_enable(IRQ_USER);
    SYST_RVR = 9999;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    uint32_t msp_before = get_msp();

    uint32_t r = run_unprivileged(unprivileged_main, PSP_HI);
    SYST_CSR = 0;

    check_eq(r, 0x600DF00Du, "unprivileged code ran and returned");
    check_eq(get_control(), 0, "CONTROL = 0 again after SVC #1 and MSR");
    check_eq(get_msp(), msp_before, "MSP the same as before");

    check_eq(u_control, 3, "CONTROL read unprivileged on PSP");
    check(u_sp >= PSP_LO && u_sp < PSP_HI, "SP was in the PSP stack");
    check_eq(u_primask, 0, "cpsid i ignored when unprivileged");
    check_eq(u_basepri, 0, "MSR BASEPRI ignored when unprivileged");
    check_eq(u_control_after_write, 3, "MSR CONTROL ignored when unprivileged");

    check_eq(u_svc_result, 3007, "SVC #2 result from unprivileged code");
    check_eq(svc_exc_return, EXC_RETURN_THREAD_PSP, "EXC_RETURN in SVC from PSP");
    check(svc_frame >= PSP_LO && svc_frame < PSP_HI, "SVC frame stacked on PSP");
    check_eq(svc_control, CONTROL_NPRIV, "CONTROL in the handler: SPSEL 0, nPRIV 1");

    check(u_ticks_ok, "3 SysTick interrupts while on PSP");
    check_eq(u_tick_exc_return, EXC_RETURN_THREAD_PSP, "EXC_RETURN in SysTick from PSP");
    check(u_tick_frame >= PSP_LO && u_tick_frame < PSP_HI, "SysTick frame stacked on PSP");

    check_eq(u_irq_runs, 1, "unprivileged STIR write pended the IRQ (USERSETMPEND)");
    pass();
}
