/*
 * sleeponexit: SCR.SLEEPONEXIT (ARMv7-M ARM B1.5.17 "Power management";
 * facts-cortexm §4 "SLEEPONEXIT").
 *
 * With SLEEPONEXIT set, returning from the last active exception to Thread
 * mode puts the core back to sleep instead of running Thread code. main()
 * enables SysTick and sleeps once; the handler counts ticks and clears
 * SLEEPONEXIT on the fifth. Thread code after the WFI must therefore run
 * only once, after five ticks - not after the first.
 */
#include "cortexm.h"
#include "test.h"

const char test_name[] = "sleeponexit";

static volatile uint32_t ticks;
static volatile uint32_t thread_ran;

void SysTick_Handler(void)
{
    ticks++;
    if (thread_ran) {
        return;                 /* late ticks after the check: ignore */
    }
    if (ticks == 5) {
        SCB_SCR &= ~SCR_SLEEPONEXIT;
    }
}

int main(void)
{
    print("sleeponexit: the core sleeps again on return to Thread mode\n");
    check_eq(SCB_SCR, 0, "SCR resets to 0");
    SYST_RVR = 9999;
    SYST_CVR = 0;
    SCB_SCR |= SCR_SLEEPONEXIT;
    check_eq(SCB_SCR, SCR_SLEEPONEXIT, "SCR.SLEEPONEXIT reads back");
    SYST_CSR = SYST_CSR_ENABLE | SYST_CSR_TICKINT | SYST_CSR_CLKSOURCE;
    wfi();
    thread_ran = 1;
    uint32_t seen = ticks;
    SYST_CSR = 0;
    check_eq(seen, 5, "Thread code resumed only after the handler cleared SLEEPONEXIT (ticks)");
    pass();
}
