/*
 * Minimal ARMv7-M system register map and core intrinsics (our own, no CMSIS).
 *
 * Addresses and bit positions: ARMv7-M Architecture Reference Manual (DDI 0403E)
 * chapter B3 "System Address Map", summarised in shared/design/facts-cortexm.md §1.
 * Only what the samples use is declared; add registers as they are needed.
 */
#ifndef CORTEXM_H
#define CORTEXM_H

#include <stdint.h>

#define REG32(addr) (*(volatile uint32_t *)(uintptr_t)(addr))
#define REG16(addr) (*(volatile uint16_t *)(uintptr_t)(addr))
#define REG8(addr)  (*(volatile uint8_t *)(uintptr_t)(addr))

/* ---- System control space, misc (B3.2.2) ---- */
#define SCS_ICTR   REG32(0xE000E004u)   /* interrupt controller type */
#define SCS_ACTLR  REG32(0xE000E008u)   /* auxiliary control */

/* ---- SysTick (B3.3) ---- */
#define SYST_CSR   REG32(0xE000E010u)
#define SYST_RVR   REG32(0xE000E014u)
#define SYST_CVR   REG32(0xE000E018u)
#define SYST_CALIB REG32(0xE000E01Cu)
#define SYST_CSR_ENABLE     (1u << 0)
#define SYST_CSR_TICKINT    (1u << 1)
#define SYST_CSR_CLKSOURCE  (1u << 2)   /* 1 = processor clock, 0 = reference (HCLK/8 on STM32) */
#define SYST_CSR_COUNTFLAG  (1u << 16)
#define SYST_CALIB_NOREF    (1u << 31)

/* ---- NVIC (B3.4) ---- */
#define NVIC_ISER(n)  REG32(0xE000E100u + 4u * (n))
#define NVIC_ICER(n)  REG32(0xE000E180u + 4u * (n))
#define NVIC_ISPR(n)  REG32(0xE000E200u + 4u * (n))
#define NVIC_ICPR(n)  REG32(0xE000E280u + 4u * (n))
#define NVIC_IABR(n)  REG32(0xE000E300u + 4u * (n))
#define NVIC_IPR_BASE 0xE000E400u
#define NVIC_IPR8(irq)  REG8(NVIC_IPR_BASE + (irq))          /* one byte per IRQ */
#define NVIC_IPR16(irq) REG16(NVIC_IPR_BASE + (irq))         /* irq must be even */
#define NVIC_IPR32(n)   REG32(NVIC_IPR_BASE + 4u * (n))      /* IRQs 4n..4n+3 */
#define NVIC_STIR     REG32(0xE000EF00u)                     /* write IRQ number to pend */

/* ---- System control block (B3.2) ---- */
#define SCB_CPUID  REG32(0xE000ED00u)
#define SCB_ICSR   REG32(0xE000ED04u)
#define SCB_VTOR   REG32(0xE000ED08u)
#define SCB_AIRCR  REG32(0xE000ED0Cu)
#define SCB_SCR    REG32(0xE000ED10u)
#define SCB_CCR    REG32(0xE000ED14u)
#define SCB_SHPR1  REG32(0xE000ED18u)
#define SCB_SHPR2  REG32(0xE000ED1Cu)
#define SCB_SHPR3  REG32(0xE000ED20u)
#define SCB_SHPR8(exc) REG8(0xE000ED18u + (exc) - 4u)        /* byte for exception 4..15 */
#define SCB_SHCSR  REG32(0xE000ED24u)
#define SCB_CFSR   REG32(0xE000ED28u)
#define SCB_HFSR   REG32(0xE000ED2Cu)
#define SCB_DFSR   REG32(0xE000ED30u)
#define SCB_MMFAR  REG32(0xE000ED34u)
#define SCB_BFAR   REG32(0xE000ED38u)
#define SCB_CPACR  REG32(0xE000ED88u)

#define ICSR_NMIPENDSET   (1u << 31)
#define ICSR_PENDSVSET    (1u << 28)
#define ICSR_PENDSVCLR    (1u << 27)
#define ICSR_PENDSTSET    (1u << 26)
#define ICSR_PENDSTCLR    (1u << 25)
#define ICSR_ISRPENDING   (1u << 22)
#define ICSR_VECTPENDING(icsr) (((icsr) >> 12) & 0x1FFu)
#define ICSR_RETTOBASE    (1u << 11)
#define ICSR_VECTACTIVE(icsr)  ((icsr) & 0x1FFu)

#define AIRCR_VECTKEY      (0x05FAu << 16)
#define AIRCR_SYSRESETREQ  (1u << 2)
#define AIRCR_PRIGROUP_POS 8
#define AIRCR_PRIGROUP_MSK (7u << 8)

#define SCR_SLEEPONEXIT (1u << 1)
#define SCR_SLEEPDEEP   (1u << 2)
#define SCR_SEVONPEND   (1u << 4)

#define CCR_NONBASETHRDENA (1u << 0)
#define CCR_USERSETMPEND   (1u << 1)
#define CCR_UNALIGN_TRP    (1u << 3)
#define CCR_DIV_0_TRP      (1u << 4)
#define CCR_BFHFNMIGN      (1u << 8)
#define CCR_STKALIGN       (1u << 9)

#define SHCSR_MEMFAULTACT  (1u << 0)
#define SHCSR_BUSFAULTACT  (1u << 1)
#define SHCSR_USGFAULTACT  (1u << 3)
#define SHCSR_SVCALLACT    (1u << 7)
#define SHCSR_MONITORACT   (1u << 8)
#define SHCSR_PENDSVACT    (1u << 10)
#define SHCSR_SYSTICKACT   (1u << 11)
#define SHCSR_USGFAULTPENDED (1u << 12)
#define SHCSR_MEMFAULTPENDED (1u << 13)
#define SHCSR_BUSFAULTPENDED (1u << 14)
#define SHCSR_SVCALLPENDED (1u << 15)
#define SHCSR_MEMFAULTENA  (1u << 16)
#define SHCSR_BUSFAULTENA  (1u << 17)
#define SHCSR_USGFAULTENA  (1u << 18)

/* CFSR = MMFSR [7:0] | BFSR [15:8] | UFSR [31:16] (B3.2.15) */
#define CFSR_IACCVIOL    (1u << 0)
#define CFSR_DACCVIOL    (1u << 1)
#define CFSR_MMARVALID   (1u << 7)
#define CFSR_IBUSERR     (1u << 8)
#define CFSR_PRECISERR   (1u << 9)
#define CFSR_IMPRECISERR (1u << 10)
#define CFSR_UNSTKERR    (1u << 11)
#define CFSR_STKERR      (1u << 12)
#define CFSR_BFARVALID   (1u << 15)
#define CFSR_UNDEFINSTR  (1u << 16)
#define CFSR_INVSTATE    (1u << 17)
#define CFSR_INVPC       (1u << 18)
#define CFSR_NOCP        (1u << 19)
#define CFSR_UNALIGNED   (1u << 24)
#define CFSR_DIVBYZERO   (1u << 25)

#define HFSR_VECTTBL  (1u << 1)
#define HFSR_FORCED   (1u << 30)
#define HFSR_DEBUGEVT (1u << 31)

/* ---- Floating-point extension (B3.2.20, Cortex-M4F only) ---- */
#define FPU_FPCCR  REG32(0xE000EF34u)
#define FPU_FPCAR  REG32(0xE000EF38u)
#define FPU_FPDSCR REG32(0xE000EF3Cu)
#define FPU_MVFR0  REG32(0xE000EF40u)
#define FPU_MVFR1  REG32(0xE000EF44u)
#define FPCCR_ASPEN  (1u << 31)
#define FPCCR_LSPEN  (1u << 30)
#define FPCCR_LSPACT (1u << 0)
#define CPACR_CP10_CP11_FULL (0xFu << 20)

/* CONTROL (B1.4.4) */
#define CONTROL_NPRIV (1u << 0)
#define CONTROL_SPSEL (1u << 1)
#define CONTROL_FPCA  (1u << 2)

/* Exception numbers (B1.5.2) */
enum {
    EXC_RESET = 1, EXC_NMI = 2, EXC_HARDFAULT = 3, EXC_MEMMANAGE = 4,
    EXC_BUSFAULT = 5, EXC_USAGEFAULT = 6, EXC_SVCALL = 11, EXC_DEBUGMON = 12,
    EXC_PENDSV = 14, EXC_SYSTICK = 15, EXC_IRQ0 = 16
};

/* EXC_RETURN values (B1.5.8; facts-cortexm §3 step 8) */
#define EXC_RETURN_HANDLER_MSP    0xFFFFFFF1u
#define EXC_RETURN_THREAD_MSP     0xFFFFFFF9u
#define EXC_RETURN_THREAD_PSP     0xFFFFFFFDu
#define EXC_RETURN_HANDLER_MSP_FP 0xFFFFFFE1u
#define EXC_RETURN_THREAD_MSP_FP  0xFFFFFFE9u
#define EXC_RETURN_THREAD_PSP_FP  0xFFFFFFEDu

/* ---- NVIC helpers ---- */
static inline void nvic_enable(unsigned irq)  { NVIC_ISER(irq >> 5) = 1u << (irq & 31u); }
static inline void nvic_disable(unsigned irq) { NVIC_ICER(irq >> 5) = 1u << (irq & 31u); }
static inline void nvic_pend(unsigned irq)    { NVIC_ISPR(irq >> 5) = 1u << (irq & 31u); }
static inline void nvic_unpend(unsigned irq)  { NVIC_ICPR(irq >> 5) = 1u << (irq & 31u); }
static inline int nvic_is_pending(unsigned irq) { return (NVIC_ISPR(irq >> 5) >> (irq & 31u)) & 1u; }
static inline int nvic_is_active(unsigned irq)  { return (NVIC_IABR(irq >> 5) >> (irq & 31u)) & 1u; }
static inline void nvic_set_priority(unsigned irq, uint8_t prio) { NVIC_IPR8(irq) = prio; }

/* ---- Core intrinsics ---- */
static inline void dsb(void) { __asm volatile("dsb" ::: "memory"); }
static inline void isb(void) { __asm volatile("isb" ::: "memory"); }
static inline void barrier(void) { __asm volatile("dsb\n\tisb" ::: "memory"); }
static inline void irq_disable(void) { __asm volatile("cpsid i" ::: "memory"); }
static inline void irq_enable(void)  { __asm volatile("cpsie i" ::: "memory"); }
static inline void fault_disable(void) { __asm volatile("cpsid f" ::: "memory"); }
static inline void fault_enable(void)  { __asm volatile("cpsie f" ::: "memory"); }
static inline void wfi(void) { __asm volatile("wfi" ::: "memory"); }
static inline void wfe(void) { __asm volatile("wfe" ::: "memory"); }
static inline void sev(void) { __asm volatile("sev" ::: "memory"); }

#define DEFINE_SPECIAL_REG(name)                                             \
    static inline uint32_t get_##name(void)                                  \
    {                                                                        \
        uint32_t v;                                                          \
        __asm volatile("mrs %0, " #name : "=r"(v)::"memory");                \
        return v;                                                            \
    }                                                                        \
    static inline void set_##name(uint32_t v)                                \
    {                                                                        \
        __asm volatile("msr " #name ", %0" ::"r"(v) : "memory");             \
    }
DEFINE_SPECIAL_REG(control)
DEFINE_SPECIAL_REG(primask)
DEFINE_SPECIAL_REG(faultmask)
DEFINE_SPECIAL_REG(basepri)
DEFINE_SPECIAL_REG(msp)
DEFINE_SPECIAL_REG(psp)
#undef DEFINE_SPECIAL_REG

static inline void set_basepri_max(uint32_t v)
{
    __asm volatile("msr basepri_max, %0" ::"r"(v) : "memory");
}
static inline uint32_t get_ipsr(void)
{
    uint32_t v;
    __asm volatile("mrs %0, ipsr" : "=r"(v));
    return v;
}
static inline uint32_t get_sp(void)
{
    uint32_t v;
    __asm volatile("mov %0, sp" : "=r"(v));
    return v;
}

#endif /* CORTEXM_H */
