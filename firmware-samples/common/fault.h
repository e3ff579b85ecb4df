/*
 * Recording fault handlers for tests that provoke faults on purpose.
 *
 *   EXC_HANDLER(HardFault_Handler, fault_record_skip)
 *
 * records the exception number, HFSR, CFSR, BFAR, MMFAR, the stacked PC and
 * EXC_RETURN, clears CFSR/HFSR (write-one-to-clear, B3.2.15/B3.2.16), and
 * for fault_record_skip advances the stacked PC past the faulting
 * instruction so the exception return resumes after it (precise faults and
 * UDF stack the faulting instruction's address, B1.5.6).
 * fault_record leaves the stacked PC alone.
 */
#ifndef FAULT_H
#define FAULT_H

#include <stdint.h>

#include "exc.h"

#define FAULT_LOG_SIZE 8

struct fault_record {
    uint32_t exc, hfsr, cfsr, bfar, mmfar, pc, exc_return, frame;
};

extern volatile struct fault_record fault_log[FAULT_LOG_SIZE];
extern volatile uint32_t fault_count;

void fault_record_skip(struct exc_frame *frame, uint32_t exc_return);
void fault_record(struct exc_frame *frame, uint32_t exc_return);
/* "  info fault <i>: exception .. HFSR .. CFSR .. BFAR .. pc .. EXC_RETURN .." */
void fault_print(uint32_t i);

#endif /* FAULT_H */
