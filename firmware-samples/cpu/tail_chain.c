/*
 * tail_chain: exceptions pending at the same time run back to back in
 * priority order, the second tail-chained on the first one's frame
 * (ARMv7-M ARM B1.5.4 "Exception priorities and preemption", B1.5.8
 * "Exception return behavior"; facts-cortexm §4 step 4).
 *
 *  1. IRQ X (0x80) and IRQ Y (0x40) pended while PRIMASK = 1; after cpsie i
 *     Y runs first, then X.
 *  2. Both handlers see the same EXC_RETURN (0xFFFFFFF9: Thread, MSP) and the
 *     same frame address: the second one runs on the frame stacked for the
 *     first, not on a new one.
 *  3. The same with system exceptions: SysTick (PENDSTSET, priority 0x00) and
 *     PendSV (priority 0xF0).
 */
#include "cortexm.h"
#include "exc.h"
#include "test.h"

const char test_name[] = "tail_chain";

#define IRQ_X 7u
#define IRQ_Y 8u

struct visit {
    uint32_t exc;
    uint32_t exc_return;
    uint32_t frame;
    uint32_t rettobase;
};

static volatile struct visit visits[4];
static volatile uint32_t n_visits;

static void record(struct exc_frame *frame, uint32_t exc_return)
{
    uint32_t i = n_visits;
    if (i < 4) {
        visits[i].exc = get_ipsr() & 0x1FFu;
        visits[i].exc_return = exc_return;
        visits[i].frame = (uint32_t)(uintptr_t)frame;
        visits[i].rettobase = (SCB_ICSR & ICSR_RETTOBASE) != 0;
    }
    n_visits = i + 1;
}

EXC_HANDLER(IRQ7_Handler, irq_x_c)
void irq_x_c(struct exc_frame *frame, uint32_t exc_return) { record(frame, exc_return); }
EXC_HANDLER(IRQ8_Handler, irq_y_c)
void irq_y_c(struct exc_frame *frame, uint32_t exc_return) { record(frame, exc_return); }
EXC_HANDLER(SysTick_Handler, systick_c)
void systick_c(struct exc_frame *frame, uint32_t exc_return) { record(frame, exc_return); }
EXC_HANDLER(PendSV_Handler, pendsv_c)
void pendsv_c(struct exc_frame *frame, uint32_t exc_return) { record(frame, exc_return); }

static void check_pair(uint32_t first, uint32_t second, const char *what)
{
    print("  info ");
    print(what);
    print(": ");
    for (uint32_t i = 0; i < n_visits && i < 4; i++) {
        print(" exc ");
        print_udec(visits[i].exc);
        print(" lr ");
        print_hex(visits[i].exc_return);
        print(" frame ");
        print_hex(visits[i].frame);
        print(";");
    }
    print("\n");
    check_eq(n_visits, 2, "two handlers ran");
    check_eq(visits[0].exc, first, "first: the higher priority exception");
    check_eq(visits[1].exc, second, "second: the lower priority exception");
    check_eq(visits[0].exc_return, EXC_RETURN_THREAD_MSP, "EXC_RETURN of the first handler");
    check_eq(visits[1].exc_return, visits[0].exc_return, "second handler's EXC_RETURN equals the first's");
    check_eq(visits[1].frame, visits[0].frame, "second handler sees the same stacked frame");
    check(visits[0].rettobase && visits[1].rettobase, "ICSR.RETTOBASE = 1 in both (one active at a time)");
}

int main(void)
{
    print("tail_chain: back-to-back exceptions in priority order\n");

    /* 1, 2: external IRQs. */
    nvic_set_priority(IRQ_X, 0x80);
    nvic_set_priority(IRQ_Y, 0x40);
    nvic_enable(IRQ_X);
    nvic_enable(IRQ_Y);
    irq_disable();
    nvic_pend(IRQ_X);           /* the lower priority one first */
    nvic_pend(IRQ_Y);
    barrier();
    check(nvic_is_pending(IRQ_X) && nvic_is_pending(IRQ_Y), "both IRQs pending under PRIMASK");
    check_eq(ICSR_VECTPENDING(SCB_ICSR), 16 + IRQ_Y, "ICSR.VECTPENDING = the higher priority IRQ");
    n_visits = 0;
    irq_enable();
    isb();
    check_pair(16 + IRQ_Y, 16 + IRQ_X, "IRQs");

    /* 3: SysTick and PendSV. */
    SCB_SHPR3 = (0x00u << 24) | (0xF0u << 16);   /* SysTick 0x00, PendSV 0xF0 */
    irq_disable();
    SCB_ICSR = ICSR_PENDSVSET;
    SCB_ICSR = ICSR_PENDSTSET;
    barrier();
    n_visits = 0;
    irq_enable();
    isb();
    check_pair(EXC_SYSTICK, EXC_PENDSV, "SysTick + PendSV");

    pass();
}
