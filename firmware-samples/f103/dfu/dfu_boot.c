/*
 * DfuSe bootloader for the F103 boards (bluepill, f103rc), in the first
 * 32 KiB of flash, designed like the STM32Cube DFU bootloader of the classic
 * tutorials:
 *
 *  1. Clock: 72 MHz from the 8 MHz HSE (also gives the USB its 48 MHz).
 *  2. BOOT1 (PB2, input, floating as at reset; the board's jumper pulls it
 *     through 100 kOhm) is read. If it is high and the first word of the
 *     application at 0x08008000 looks like a stack pointer
 *     ((word & 0x2FFC0000) == 0x20000000), the bootloader undoes what it set
 *     up (GPIOB/USART1 reset, SysTick off, NVIC cleared, RCC back to HSI),
 *     sets VTOR = 0x08008000, MSP = that word and jumps to the reset handler
 *     stored at 0x08008004.
 *  3. Otherwise DFU: PA12 (USB D+) is driven low for 10 ms while the USB
 *     peripheral is still off, so that on a real board with a fixed 1.5 kOhm
 *     pull-up the host sees a disconnect after a software reset; then the pin
 *     is released, the USB peripheral started and the main loop sleeps in WFI,
 *     running flash operations the USB interrupt hands it (usb_dfu.c).
 *
 * USART1 (PA9, 115200) gets one line per decision:
 *   "dfu-bootloader: <board>: starting app at 0x08008000"
 *   "dfu-bootloader: <board>: DFU mode (BOOT1 low)" | "(no app at 0x08008000)"
 *   "dfu-bootloader: <board>: leaving DFU, reset"
 */
#include "board.h"
#include "dfu_config.h"
#include "usb_dfu.h"
#include "usb_fs.h"

#define BOOT1_PIN 2u        /* PB2 */
#define DP_PIN    12u       /* PA12, USB D+ */

static void say(const char *what)
{
    uart1_puts("dfu-bootloader: " DFU_BOARD_NAME ": ");
    uart1_puts(what);
    uart1_puts("\r\n");
    uart1_flush();
}

static int app_present(void)
{
    uint32_t sp = *(const volatile uint32_t *)APP_BASE;
    return (sp & 0x2FFC0000u) == 0x20000000u;
}

static int boot1_high(void)
{
    RCC_APB2ENR |= RCC_APB2_IOPB;
    (void)RCC_APB2ENR;
    /* PB2 stays an input, floating (the reset configuration); a few cycles for the input to be sampled. */
    for (volatile int i = 0; i < 16; i++) {
    }
    int high = (GPIO_IDR(GPIOB_BASE) >> BOOT1_PIN) & 1u;
    RCC_APB2RSTR |= RCC_APB2_IOPB;
    RCC_APB2RSTR &= ~RCC_APB2_IOPB;
    RCC_APB2ENR &= ~RCC_APB2_IOPB;
    return high;
}

/* MSP = sp, then branch to pc (Thumb bit set in the vector). */
__attribute__((naked, noreturn)) static void start_app(uint32_t sp, uint32_t pc)
{
    __asm volatile("msr msp, r0\n\t"
                   "bx r1\n\t");
}

__attribute__((noreturn)) static void jump_to_app(void)
{
    const volatile uint32_t *vectors = (const volatile uint32_t *)APP_BASE;

    /* Undo everything the bootloader touched, so the app starts as after reset. */
    irq_disable();
    systick_stop();
    for (unsigned i = 0; i < (F103_IRQ_COUNT + 31u) / 32u; i++) {
        NVIC_ICER(i) = 0xFFFFFFFFu;
        NVIC_ICPR(i) = 0xFFFFFFFFu;
    }
    RCC_APB2RSTR |= RCC_APB2_USART1 | RCC_APB2_IOPA;
    RCC_APB2RSTR &= ~(RCC_APB2_USART1 | RCC_APB2_IOPA);
    RCC_APB2ENR &= ~(RCC_APB2_USART1 | RCC_APB2_IOPA);
    clock_reset_to_hsi();

    SCB_VTOR = APP_BASE;
    dsb();
    isb();
    irq_enable();                       /* PRIMASK = 0 as after reset; nothing is enabled */
    start_app(vectors[0], vectors[1]);
}

void dfu_board_leave(void)
{
    usb_fs_stop();
    say("leaving DFU, reset");
    system_reset();
}

int main(void)
{
    enum clock_error clock = clock_setup_72mhz();
    uint32_t pclk2 = clock == CLOCK_OK ? PCLK2_HZ : HSI_HZ;
    if (clock != CLOCK_OK) {
        clock_reset_to_hsi();
    }
    uart1_init(pclk2, 115200u);

    int boot1 = boot1_high();
    int app = app_present();
    if (boot1 && app) {
        say("starting app at 0x08008000");
        jump_to_app();
    }
    say(boot1 ? "DFU mode (no app at 0x08008000)" : "DFU mode (BOOT1 low)");
    if (clock != CLOCK_OK) {
        say("no 72 MHz clock: USB cannot run");
        for (;;) {
            wfi();
        }
    }

    /* D+ low for 10 ms before the USB peripheral owns the pin. */
    GPIO_BRR(GPIOA_BASE) = 1u << DP_PIN;
    gpio_config(GPIOA_BASE, DP_PIN, GPIO_MODE_OUT_2M | GPIO_CNF_OUT_PP);
    delay_ms(HCLK_HZ, 10);
    gpio_config(GPIOA_BASE, DP_PIN, GPIO_MODE_INPUT | GPIO_CNF_IN_FLOAT);

    usb_fs_init();
    for (;;) {
        /* Sleep unless work is waiting; a pending interrupt still ends WFI
         * with PRIMASK = 1 and is taken at cpsie (ARMv7-M B1.5.19). */
        irq_disable();
        if (!dfu_work_pending()) {
            wfi();
        }
        irq_enable();
        dfu_poll();
    }
}
