/*
 * nvic_preempt: priorities, preemption and priority grouping in the NVIC
 * (ARMv7-M ARM B1.5.4 "Exception priorities and preemption", B3.4 NVIC,
 * B3.2.6 AIRCR; facts-cortexm §2).
 *
 *  1. IPR accepts byte, halfword and word accesses (B3.4, NVIC_IPRn;
 *     CMSIS and FreeRTOS use bytes). Values use bits [7:4] only; that the low bits
 *     read as zero is checked by nvic_prio_bits.
 *  2. A higher-priority IRQ pended (STIR) inside a lower-priority handler
 *     preempts it at once: order A-enter, B, A-exit.
 *  3. Equal priority does not preempt: B waits until A returns.
 *  4. PRIGROUP: with PRIGROUP = 5 (2 group bits) priorities 0x00 and 0x30
 *     share group 0, so the subpriority does not preempt; but when both are
 *     pending, the lower subpriority value is taken first.
 * Handler mode sees ICSR.VECTACTIVE = 16 + IRQ and IABR bits of active IRQs.
 */
#include "cortexm.h"
#include "exc.h"
#include "test.h"

const char test_name[] = "nvic_preempt";

#define IRQ_A 3u
#define IRQ_B 4u

enum { A_ENTER = 1, A_EXIT, B_RUN };

static volatile uint8_t order[8];
static volatile uint32_t order_len;
static volatile uint32_t a_vectactive, b_vectactive;
static volatile uint32_t a_sees_b_pending, b_sees_a_active;
static volatile int pend_b_in_a;

static void record(uint8_t event)
{
    if (order_len < sizeof order) {
        order[order_len] = event;
    }
    order_len++;
}

void IRQ3_Handler(void)
{
    record(A_ENTER);
    a_vectactive = ICSR_VECTACTIVE(SCB_ICSR);
    if (pend_b_in_a) {
        NVIC_STIR = IRQ_B;          /* software trigger: pends IRQ B */
        barrier();
        a_sees_b_pending = nvic_is_pending(IRQ_B);
    }
    record(A_EXIT);
}

void IRQ4_Handler(void)
{
    record(B_RUN);
    b_vectactive = ICSR_VECTACTIVE(SCB_ICSR);
    b_sees_a_active = nvic_is_active(IRQ_A);
}

static void reset_log(void)
{
    order_len = 0;
    for (unsigned i = 0; i < sizeof order; i++) {
        order[i] = 0;
    }
}

static void check_order(uint8_t e0, uint8_t e1, uint8_t e2, const char *what)
{
    if (order_len != 3 || order[0] != e0 || order[1] != e1 || order[2] != e2) {
        print("  order recorded:");
        for (unsigned i = 0; i < order_len && i < sizeof order; i++) {
            print(" ");
            print_udec(order[i]);
        }
        print("\n");
        fail(what);
    }
    check(1, what);
}

static void set_prigroup(uint32_t group)
{
    SCB_AIRCR = AIRCR_VECTKEY | (group << AIRCR_PRIGROUP_POS);
    barrier();
}

int main(void)
{
    print("nvic_preempt: IPR access, preemption, grouping\n");

    /* 1. IPR access widths. */
    NVIC_IPR8(1) = 0xA0;
    check_eq(NVIC_IPR8(1), 0xA0, "IPR byte write/read (IRQ1)");
    NVIC_IPR16(2) = 0x8070;                   /* IRQ2 = 0x70, IRQ3 = 0x80 */
    check_eq(NVIC_IPR16(2), 0x8070, "IPR halfword write/read (IRQ2, IRQ3)");
    check_eq(NVIC_IPR32(0), 0x8070A000u, "IPR0 word read (IRQ0..3)");
    NVIC_IPR32(1) = 0x10305070u;              /* IRQ4..7 */
    check_eq(NVIC_IPR32(1), 0x10305070u, "IPR1 word write/read (IRQ4..7)");
    check_eq(NVIC_IPR8(5), 0x50, "IPR byte read of IRQ5 after a word write");
    check_eq(NVIC_IPR16(6), 0x1030, "IPR halfword read of IRQ6/7 after a word write");
    NVIC_IPR32(0) = 0;
    NVIC_IPR32(1) = 0;

    nvic_enable(IRQ_A);
    nvic_enable(IRQ_B);
    check_eq(NVIC_ISER(0) & ((1u << IRQ_A) | (1u << IRQ_B)), (1u << IRQ_A) | (1u << IRQ_B),
             "ISER0 reads back the enabled IRQs");

    /* 2. Higher priority preempts. */
    nvic_set_priority(IRQ_A, 0xC0);
    nvic_set_priority(IRQ_B, 0x40);
    reset_log();
    pend_b_in_a = 1;
    nvic_pend(IRQ_A);
    barrier();
    check_order(A_ENTER, B_RUN, A_EXIT, "IRQ B (0x40) pended in IRQ A (0xC0) preempts it");
    check_eq(a_vectactive, 16 + IRQ_A, "ICSR.VECTACTIVE in IRQ A");
    check_eq(b_vectactive, 16 + IRQ_B, "ICSR.VECTACTIVE in IRQ B");
    check(b_sees_a_active, "IABR shows IRQ A active while B runs nested");
    check(!a_sees_b_pending, "IRQ B no longer pending when A resumes");
    check_eq(NVIC_IABR(0), 0, "no IRQ active after both returned");

    /* 3. Equal priority does not preempt. */
    nvic_set_priority(IRQ_A, 0x80);
    nvic_set_priority(IRQ_B, 0x80);
    reset_log();
    nvic_pend(IRQ_A);
    barrier();
    check_order(A_ENTER, A_EXIT, B_RUN, "equal priority: B waits until A returns");
    check(a_sees_b_pending, "ISPR shows IRQ B pending inside A");
    check(!b_sees_a_active, "IRQ A no longer active when B runs");

    /* 4a. PRIGROUP 0: priorities 0x30 and 0x00 are different groups. */
    nvic_set_priority(IRQ_A, 0x30);
    nvic_set_priority(IRQ_B, 0x00);
    reset_log();
    nvic_pend(IRQ_A);
    barrier();
    check_order(A_ENTER, B_RUN, A_EXIT, "PRIGROUP 0: 0x00 preempts 0x30");

    /* 4b. PRIGROUP 5: group = bits [7:6], so 0x30 and 0x00 are both group 0. */
    set_prigroup(5);
    check_eq(SCB_AIRCR, 0xFA050500u, "AIRCR reads VECTKEYSTAT and PRIGROUP 5");
    reset_log();
    nvic_pend(IRQ_A);
    barrier();
    check_order(A_ENTER, A_EXIT, B_RUN, "PRIGROUP 5: subpriority 0x00 does not preempt 0x30");

    /* 4c. Both pending at once: lower subpriority first. */
    pend_b_in_a = 0;
    reset_log();
    irq_disable();
    nvic_pend(IRQ_A);
    nvic_pend(IRQ_B);
    barrier();
    irq_enable();
    isb();
    check_order(B_RUN, A_ENTER, A_EXIT, "PRIGROUP 5: both pending, subpriority 0x00 taken first");

    /* A write without the key is ignored (B3.2.6). */
    SCB_AIRCR = 0x00000300u;
    barrier();
    check_eq(SCB_AIRCR, 0xFA050500u, "AIRCR write without VECTKEY ignored");
    set_prigroup(0);
    check_eq(SCB_AIRCR, 0xFA050000u, "PRIGROUP back to 0");

    nvic_disable(IRQ_A);
    nvic_disable(IRQ_B);
    check_eq(NVIC_ICER(0) & ((1u << IRQ_A) | (1u << IRQ_B)), 0, "ICER0 disabled both IRQs");
    pass();
}
