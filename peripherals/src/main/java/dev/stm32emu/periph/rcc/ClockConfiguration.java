package dev.stm32emu.periph.rcc;

import dev.stm32emu.core.reg.Access;
import dev.stm32emu.core.reg.Field;
import dev.stm32emu.core.reg.Flag;
import dev.stm32emu.core.reg.Register;

/**
 * RCC_CFGR's fields and the clock-tree arithmetic they select (RM0008 §7.3.2 and the
 * clock tree of §7.2; the same arithmetic as HAL_RCC_GetSysClockFreq, facts-stm32f1.md
 * §3.3). {@link Stm32f1Rcc} owns the switching and the write protections.
 */
final class ClockConfiguration {
    /** HPRE codes 1000..1111; there is no /32. */
    private static final int[] AHB_DIVIDERS = {2, 4, 8, 16, 64, 128, 256, 512};

    final Field sw;
    final Field sws;
    final Flag pllSrc;
    final Flag pllXtpre;
    final Field pllMul;
    private final Field hpre;
    private final Field ppre1;
    private final Field ppre2;
    private final Field adcpre;
    private final Flag usbPre;

    ClockConfiguration(Register cfgr) {
        sw = cfgr.field("SW", 0, 2, Access.RW);
        sws = cfgr.field("SWS", 2, 2, Access.R);
        hpre = cfgr.field("HPRE", 4, 4, Access.RW);
        ppre1 = cfgr.field("PPRE1", 8, 3, Access.RW);
        ppre2 = cfgr.field("PPRE2", 11, 3, Access.RW);
        adcpre = cfgr.field("ADCPRE", 14, 2, Access.RW);
        pllSrc = cfgr.flag("PLLSRC", 16, Access.RW);
        pllXtpre = cfgr.flag("PLLXTPRE", 17, Access.RW);
        pllMul = cfgr.field("PLLMUL", 18, 4, Access.RW);
        usbPre = cfgr.flag("USBPRE", 22, Access.RW);
        cfgr.unimplemented("MCO", 24, 3); // the clock output on PA8 is not modelled
    }

    /** PLL input: HSI/2 (PLLSRC=0) or HSE, halved when PLLXTPRE=1. */
    long pllInputHz(long hsiHz, long hseHz) {
        return pllSrc.isSet() ? hseHz / (pllXtpre.isSet() ? 2 : 1) : hsiHz / 2;
    }

    /** PLLMUL code c multiplies by c+2, and 1110 and 1111 both by 16. */
    int pllMultiplier() {
        return Math.min(pllMul.get() + 2, 16);
    }

    long hclkHz(long sysclkHz) {
        int code = hpre.get();
        return code < 8 ? sysclkHz : sysclkHz / AHB_DIVIDERS[code - 8];
    }

    /** PCLK1 or PCLK2: PPREx codes 0xx /1, 100 /2, 101 /4, 110 /8, 111 /16. */
    long pclkHz(int apb, long hclkHz) {
        return hclkHz / apbDivider(apb);
    }

    /** TIMxCLK: PCLK x1 if the APB prescaler is 1, else x2 (RM0008 §7.2). */
    long timerClockHz(int apb, long hclkHz) {
        long pclk = pclkHz(apb, hclkHz);
        return apbDivider(apb) == 1 ? pclk : pclk * 2;
    }

    /** ADCCLK = PCLK2 / 2, 4, 6 or 8. */
    long adcClockHz(long pclk2Hz) {
        return pclk2Hz / (2L * (adcpre.get() + 1));
    }

    /** USBCLK = PLLCLK / 1.5 (USBPRE=0) or PLLCLK (USBPRE=1). */
    long usbClockHz(long pllHz) {
        return usbPre.isSet() ? pllHz : pllHz * 2 / 3;
    }

    private int apbDivider(int apb) {
        int code = apb == 1 ? ppre1.get() : ppre2.get();
        return code < 4 ? 1 : 2 << (code - 4);
    }
}
