/*
 * The 16 ARMv7-M system vectors shared by every startup file (ARMv7-M ARM
 * B1.5.2, Table B1-4): the handlers are weak aliases of the including file's
 * Default_Handler, so an image overrides one by defining a function of that
 * name. Include once, from a startup file that defines Reset_Handler and
 * Default_Handler, then open its vector table with CORE_VECTORS(stack_top).
 */
#ifndef CORE_VECTORS_H
#define CORE_VECTORS_H

typedef void (*vector_t)(void);

void Reset_Handler(void);
void Default_Handler(void);

#define WEAK_DEFAULT __attribute__((weak, alias("Default_Handler")))
void NMI_Handler(void) WEAK_DEFAULT;
void HardFault_Handler(void) WEAK_DEFAULT;
void MemManage_Handler(void) WEAK_DEFAULT;
void BusFault_Handler(void) WEAK_DEFAULT;
void UsageFault_Handler(void) WEAK_DEFAULT;
void SVC_Handler(void) WEAK_DEFAULT;
void DebugMon_Handler(void) WEAK_DEFAULT;
void PendSV_Handler(void) WEAK_DEFAULT;
void SysTick_Handler(void) WEAK_DEFAULT;

/* Entries 0-15: initial MSP, reset, the system exceptions; 7-10 and 13 reserved. */
#define CORE_VECTORS(stack_top)                                                \
    (vector_t)(uintptr_t)(stack_top), Reset_Handler, NMI_Handler,              \
    HardFault_Handler, MemManage_Handler, BusFault_Handler,                    \
    UsageFault_Handler, 0, 0, 0, 0, SVC_Handler, DebugMon_Handler, 0,          \
    PendSV_Handler, SysTick_Handler

#endif /* CORE_VECTORS_H */
