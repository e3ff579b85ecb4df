#include "fault.h"
#include "cortexm.h"
#include "test.h"

volatile struct fault_record fault_log[FAULT_LOG_SIZE];
volatile uint32_t fault_count;

static void record(struct exc_frame *frame, uint32_t exc_return)
{
    uint32_t i = fault_count++;
    if (i >= FAULT_LOG_SIZE) {
        fail("too many faults");
    }
    uint32_t cfsr = SCB_CFSR;
    uint32_t hfsr = SCB_HFSR;
    fault_log[i].exc = get_ipsr() & 0x1FFu;
    fault_log[i].hfsr = hfsr;
    fault_log[i].cfsr = cfsr;
    fault_log[i].bfar = SCB_BFAR;
    fault_log[i].mmfar = SCB_MMFAR;
    fault_log[i].pc = frame->pc;
    fault_log[i].exc_return = exc_return;
    fault_log[i].frame = (uint32_t)(uintptr_t)frame;
    SCB_CFSR = cfsr;
    SCB_HFSR = hfsr;
}

void fault_record_skip(struct exc_frame *frame, uint32_t exc_return)
{
    record(frame, exc_return);
    frame->pc += thumb_insn_size(frame->pc);
}

void fault_record(struct exc_frame *frame, uint32_t exc_return)
{
    record(frame, exc_return);
}

void fault_print(uint32_t i)
{
    print("  info fault ");
    print_udec(i);
    print(": exception ");
    print_udec(fault_log[i].exc);
    print(" HFSR ");
    print_hex(fault_log[i].hfsr);
    print(" CFSR ");
    print_hex(fault_log[i].cfsr);
    print(" BFAR ");
    print_hex(fault_log[i].bfar);
    print(" pc ");
    print_hex(fault_log[i].pc);
    print(" EXC_RETURN ");
    print_hex(fault_log[i].exc_return);
    print("\n");
}
