/*
 * vtor_relocate: moving the vector table (ARMv7-M ARM B1.5.3 "The vector
 * table", B3.2.5 VTOR; facts-cortexm §1.3).
 *
 *  1. VTOR reads 0 at reset (the flash alias at 0 holds the boot table).
 *  2. A second table in flash, 512-byte aligned: after VTOR = its address
 *     (+ DSB/ISB) SysTick (PENDSTSET) and IRQ 11 use its handlers.
 *  3. A copy in SRAM (512-byte aligned, so VTOR bit 29 is set): SysTick
 *     ticks from the running counter and IRQ 11 go to the SRAM table's
 *     handlers; patching an entry in SRAM takes effect.
 *  4. VTOR bits [6:0] are not writable.
 *  5. VTOR = 0 again: the boot table's handlers run.
 */
#include "cortexm.h"
#include "generic.h"
#include "test.h"

const char test_name[] = "vtor_relocate";

#define IRQ_N 11u

typedef void (*vector_t)(void);
extern const vector_t vector_table[GENERIC_VECTOR_COUNT];

static volatile uint32_t boot_systick, boot_irq, flash_systick, flash_irq, ram_systick, ram_irq,
    ram_irq_patched;

void SysTick_Handler(void) { boot_systick++; }
void IRQ11_Handler(void) { boot_irq++; }
static void flash_systick_handler(void) { flash_systick++; }
static void flash_irq_handler(void) { flash_irq++; }
static void ram_systick_handler(void) { ram_systick++; }
static void ram_irq_handler(void) { ram_irq++; }
static void ram_irq_patched_handler(void) { ram_irq_patched++; }
void Default_Handler(void);
void Reset_Handler(void);

/* A complete second table in flash (.rodata), aligned for VTOR. */
extern uint32_t _estack[];
#define D Default_Handler
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Woverride-init"   /* IRQ 11 overrides the range default */
__attribute__((aligned(512))) static const vector_t flash_table[GENERIC_VECTOR_COUNT] = {
    [0] = (vector_t)(uintptr_t)_estack,
    [1] = Reset_Handler,
    [2 ... 6] = D,
    [11 ... 12] = D,
    [14] = D,
    [EXC_SYSTICK] = flash_systick_handler,
    [16 ... GENERIC_VECTOR_COUNT - 1] = D,
    [16 + IRQ_N] = flash_irq_handler,
};
#pragma GCC diagnostic pop

/* SRAM copy (.bss), aligned for VTOR. */
__attribute__((aligned(512))) static vector_t ram_table[GENERIC_VECTOR_COUNT];

static void set_vtor(uint32_t addr)
{
    irq_disable();
    SCB_VTOR = addr;
    barrier();
    irq_enable();
    isb();
}

static void pend_both(void)
{
    SCB_ICSR = ICSR_PENDSTSET;
    nvic_pend(IRQ_N);
    barrier();
}

int main(void)
{
    print("vtor_relocate: vector tables in flash and SRAM\n");
    check_eq(SCB_VTOR, 0, "VTOR at reset");
    nvic_enable(IRQ_N);

    pend_both();
    check(boot_systick == 1 && boot_irq == 1, "boot table handlers run with VTOR = 0");

    /* 2. Flash table. */
    uint32_t flash_addr = (uint32_t)(uintptr_t)flash_table;
    info_hex("flash table at", flash_addr);
    set_vtor(flash_addr);
    check_eq(SCB_VTOR, flash_addr, "VTOR reads back the flash table address");
    pend_both();
    check(flash_systick == 1 && flash_irq == 1, "flash table handlers run (SysTick, IRQ 11)");
    check(boot_systick == 1 && boot_irq == 1, "boot table handlers did not run");

    /* 3. SRAM table. */
    for (unsigned i = 0; i < GENERIC_VECTOR_COUNT; i++) {
        ram_table[i] = vector_table[i];
    }
    ram_table[EXC_SYSTICK] = ram_systick_handler;
    ram_table[16 + IRQ_N] = ram_irq_handler;
    uint32_t ram_addr = (uint32_t)(uintptr_t)ram_table;
    info_hex("SRAM table at", ram_addr);
    set_vtor(ram_addr);
    check_eq(SCB_VTOR, ram_addr, "VTOR reads back the SRAM table address (bit 29 set)");
    SYST_RVR = 9999;
    SYST_CVR = 0;
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    check(wait_for_count(&ram_systick, 5, GUARD_LOOPS), "5 SysTick interrupts through the SRAM table");
    SYST_CSR = 0;
    nvic_pend(IRQ_N);
    barrier();
    check_eq(ram_irq, 1, "IRQ 11 through the SRAM table");
    ram_table[16 + IRQ_N] = ram_irq_patched_handler;
    dsb();
    nvic_pend(IRQ_N);
    barrier();
    check(ram_irq == 1 && ram_irq_patched == 1, "patched SRAM entry takes effect");
    check(flash_systick == 1 && flash_irq == 1 && boot_systick == 1 && boot_irq == 1,
          "no other table's handlers ran");

    /* 4. Low bits. */
    irq_disable();
    SCB_VTOR = ram_addr | 0x7Fu;
    uint32_t v = SCB_VTOR;
    SCB_VTOR = ram_addr;
    barrier();
    irq_enable();
    check_eq(v, ram_addr, "VTOR bits [6:0] read as zero");

    /* 5. Back to the boot table. */
    set_vtor(0);
    pend_both();
    check(boot_systick == 2 && boot_irq == 2, "boot table handlers run again with VTOR = 0");
    pass();
}
