/*
 * STM32F103 register map: our own definitions, named as in RM0008 (Rev 21)
 * and PM0075 (flash programming). Only the blocks the f103/ samples use.
 * Addresses and bits: RM0008 §3.3 (memory map) and the register maps at the
 * end of each chapter; summarised in shared/design/facts-stm32f1.md.
 *
 * Density: MD (F103C8/CB, "bluepill") by default; define STM32F103_HD for
 * the high-density parts (F103RC/RD/RE, "f103rc"), which adds IRQs 43-59,
 * 2 KiB flash pages and BKP DR11-DR42.
 */
#ifndef STM32F103_H
#define STM32F103_H

#include <stdint.h>

#include "cortexm.h"

/* ---- Memory (RM0008 §3.3, §30.1, §30.2) ---- */
#define FLASH_BASE      0x08000000u
#define SRAM_BASE       0x20000000u
#define F_SIZE          REG16(0x1FFFF7E0u)      /* flash size in KiB */
#define UID_BASE        0x1FFFF7E8u             /* 96-bit unique ID, 3 words */
#define UID_WORD(n)     REG32(UID_BASE + 4u * (n))
#define OB_BASE         0x1FFFF800u             /* option bytes, 8 half-words */

#ifdef STM32F103_HD
#define FLASH_PAGE_SIZE 2048u
#else
#define FLASH_PAGE_SIZE 1024u
#endif

/* ---- RCC (RM0008 §7.3) ---- */
#define RCC_BASE     0x40021000u
#define RCC_CR       REG32(RCC_BASE + 0x00u)
#define RCC_CFGR     REG32(RCC_BASE + 0x04u)
#define RCC_CIR      REG32(RCC_BASE + 0x08u)
#define RCC_APB2RSTR REG32(RCC_BASE + 0x0Cu)
#define RCC_APB1RSTR REG32(RCC_BASE + 0x10u)
#define RCC_AHBENR   REG32(RCC_BASE + 0x14u)
#define RCC_APB2ENR  REG32(RCC_BASE + 0x18u)
#define RCC_APB1ENR  REG32(RCC_BASE + 0x1Cu)
#define RCC_BDCR     REG32(RCC_BASE + 0x20u)
#define RCC_CSR      REG32(RCC_BASE + 0x24u)

#define RCC_CR_HSION   (1u << 0)
#define RCC_CR_HSIRDY  (1u << 1)
#define RCC_CR_HSEON   (1u << 16)
#define RCC_CR_HSERDY  (1u << 17)
#define RCC_CR_HSEBYP  (1u << 18)
#define RCC_CR_CSSON   (1u << 19)
#define RCC_CR_PLLON   (1u << 24)
#define RCC_CR_PLLRDY  (1u << 25)

#define RCC_CFGR_SW_MSK      (3u << 0)
#define RCC_CFGR_SW_HSI      (0u << 0)
#define RCC_CFGR_SW_HSE      (1u << 0)
#define RCC_CFGR_SW_PLL      (2u << 0)
#define RCC_CFGR_SWS_MSK     (3u << 2)
#define RCC_CFGR_SWS_HSI     (0u << 2)
#define RCC_CFGR_SWS_PLL     (2u << 2)
#define RCC_CFGR_HPRE_MSK    (0xFu << 4)
#define RCC_CFGR_HPRE_DIV1   (0u << 4)
#define RCC_CFGR_PPRE1_MSK   (7u << 8)
#define RCC_CFGR_PPRE1_DIV2  (4u << 8)
#define RCC_CFGR_PPRE2_MSK   (7u << 11)
#define RCC_CFGR_PPRE2_DIV1  (0u << 11)
#define RCC_CFGR_ADCPRE_MSK  (3u << 14)
#define RCC_CFGR_PLLSRC      (1u << 16)          /* 1 = HSE (through PLLXTPRE) */
#define RCC_CFGR_PLLXTPRE    (1u << 17)          /* 1 = HSE / 2 */
#define RCC_CFGR_PLLMUL_MSK  (0xFu << 18)
#define RCC_CFGR_PLLMUL(x)   ((uint32_t)((x) - 2u) << 18)   /* x2 .. x16 */
#define RCC_CFGR_USBPRE      (1u << 22)          /* 0 = PLL / 1.5 (72 -> 48 MHz) */
#define RCC_CFGR_MCO_MSK     (7u << 24)

/* APB2 enable / reset bits */
#define RCC_APB2_AFIO   (1u << 0)
#define RCC_APB2_IOPA   (1u << 2)
#define RCC_APB2_IOPB   (1u << 3)
#define RCC_APB2_IOPC   (1u << 4)
#define RCC_APB2_USART1 (1u << 14)
/* APB1 enable / reset bits */
#define RCC_APB1_USB    (1u << 23)
#define RCC_APB1_BKP    (1u << 27)
#define RCC_APB1_PWR    (1u << 28)

#define RCC_CSR_LSION    (1u << 0)
#define RCC_CSR_LSIRDY   (1u << 1)
#define RCC_CSR_RMVF     (1u << 24)
#define RCC_CSR_PINRSTF  (1u << 26)
#define RCC_CSR_PORRSTF  (1u << 27)
#define RCC_CSR_SFTRSTF  (1u << 28)
#define RCC_CSR_IWDGRSTF (1u << 29)
#define RCC_CSR_WWDGRSTF (1u << 30)
#define RCC_CSR_LPWRRSTF (1u << 31)
#define RCC_CSR_RSTF_ALL (0xFCu << 24)

/* ---- FLASH interface (RM0008 §3.3.3; PM0075 §3) ---- */
#define FLASH_R_BASE  0x40022000u
#define FLASH_ACR     REG32(FLASH_R_BASE + 0x00u)
#define FLASH_KEYR    REG32(FLASH_R_BASE + 0x04u)
#define FLASH_OPTKEYR REG32(FLASH_R_BASE + 0x08u)
#define FLASH_SR      REG32(FLASH_R_BASE + 0x0Cu)
#define FLASH_CR      REG32(FLASH_R_BASE + 0x10u)
#define FLASH_AR      REG32(FLASH_R_BASE + 0x14u)
#define FLASH_OBR     REG32(FLASH_R_BASE + 0x1Cu)
#define FLASH_WRPR    REG32(FLASH_R_BASE + 0x20u)

#define FLASH_ACR_LATENCY_MSK (7u << 0)
#define FLASH_ACR_LATENCY(n)  ((uint32_t)(n) << 0)
#define FLASH_ACR_HLFCYA      (1u << 3)
#define FLASH_ACR_PRFTBE      (1u << 4)
#define FLASH_ACR_PRFTBS      (1u << 5)
#define FLASH_ACR_RESET       0x00000030u

#define FLASH_KEY1 0x45670123u
#define FLASH_KEY2 0xCDEF89ABu

#define FLASH_SR_BSY      (1u << 0)
#define FLASH_SR_PGERR    (1u << 2)
#define FLASH_SR_WRPRTERR (1u << 4)
#define FLASH_SR_EOP      (1u << 5)

#define FLASH_CR_PG     (1u << 0)
#define FLASH_CR_PER    (1u << 1)
#define FLASH_CR_MER    (1u << 2)
#define FLASH_CR_OPTPG  (1u << 4)
#define FLASH_CR_OPTER  (1u << 5)
#define FLASH_CR_STRT   (1u << 6)
#define FLASH_CR_LOCK   (1u << 7)
#define FLASH_CR_OPTWRE (1u << 9)
#define FLASH_CR_ERRIE  (1u << 10)
#define FLASH_CR_EOPIE  (1u << 12)

#define FLASH_OBR_OPTERR (1u << 0)
#define FLASH_OBR_RDPRT  (1u << 1)

/* Option bytes (RM0008 §3.3.3 / PM0075 §2.5): each half-word is byte | ~byte << 8 */
#define OB_RDP   REG16(OB_BASE + 0x0u)
#define OB_USER  REG16(OB_BASE + 0x2u)
#define OB_DATA0 REG16(OB_BASE + 0x4u)
#define OB_DATA1 REG16(OB_BASE + 0x6u)
#define OB_WRP(n) REG16(OB_BASE + 0x8u + 2u * (n))    /* WRP0..WRP3 */
#define OB_RDP_KEY 0x00A5u                            /* RDP value "unprotected" */

/* ---- GPIO (RM0008 §9.2) ---- */
#define GPIOA_BASE 0x40010800u
#define GPIOB_BASE 0x40010C00u
#define GPIOC_BASE 0x40011000u
#define GPIO_CRL(p)  REG32((p) + 0x00u)
#define GPIO_CRH(p)  REG32((p) + 0x04u)
#define GPIO_IDR(p)  REG32((p) + 0x08u)
#define GPIO_ODR(p)  REG32((p) + 0x0Cu)
#define GPIO_BSRR(p) REG32((p) + 0x10u)
#define GPIO_BRR(p)  REG32((p) + 0x14u)
#define GPIO_LCKR(p) REG32((p) + 0x18u)

/* One 4-bit CNF[1:0]:MODE[1:0] nibble per pin, in CRL (pins 0-7) / CRH (8-15). */
#define GPIO_MODE_INPUT    0x0u
#define GPIO_MODE_OUT_10M  0x1u
#define GPIO_MODE_OUT_2M   0x2u
#define GPIO_MODE_OUT_50M  0x3u
#define GPIO_CNF_IN_ANALOG   (0x0u << 2)
#define GPIO_CNF_IN_FLOAT    (0x1u << 2)     /* reset state: nibble 0x4 */
#define GPIO_CNF_IN_PULL     (0x2u << 2)     /* ODR bit: 1 = pull-up, 0 = pull-down */
#define GPIO_CNF_OUT_PP      (0x0u << 2)
#define GPIO_CNF_OUT_OD      (0x1u << 2)
#define GPIO_CNF_AF_PP       (0x2u << 2)
#define GPIO_CNF_AF_OD       (0x3u << 2)

/* Set pin's nibble in CRL/CRH to cfg (read-modify-write). */
static inline void gpio_config(uint32_t port, unsigned pin, uint32_t cfg)
{
    volatile uint32_t *cr = pin < 8u ? &GPIO_CRL(port) : &GPIO_CRH(port);
    unsigned shift = 4u * (pin & 7u);
    *cr = (*cr & ~(0xFu << shift)) | ((cfg & 0xFu) << shift);
}

/* ---- AFIO and EXTI (RM0008 §9.4, §10.3) ---- */
#define AFIO_BASE     0x40010000u
#define AFIO_EVCR     REG32(AFIO_BASE + 0x00u)
#define AFIO_MAPR     REG32(AFIO_BASE + 0x04u)
#define AFIO_EXTICR(n) REG32(AFIO_BASE + 0x08u + 4u * ((n) - 1u))   /* EXTICR1..4 */

#define EXTI_BASE  0x40010400u
#define EXTI_IMR   REG32(EXTI_BASE + 0x00u)
#define EXTI_EMR   REG32(EXTI_BASE + 0x04u)
#define EXTI_RTSR  REG32(EXTI_BASE + 0x08u)
#define EXTI_FTSR  REG32(EXTI_BASE + 0x0Cu)
#define EXTI_SWIER REG32(EXTI_BASE + 0x10u)
#define EXTI_PR    REG32(EXTI_BASE + 0x14u)   /* rc_w1 */

/* ---- USART (RM0008 §27.6) ---- */
#define USART1_BASE 0x40013800u
#define USART_SR(u)   REG32((u) + 0x00u)
#define USART_DR(u)   REG32((u) + 0x04u)
#define USART_BRR(u)  REG32((u) + 0x08u)
#define USART_CR1(u)  REG32((u) + 0x0Cu)
#define USART_CR2(u)  REG32((u) + 0x10u)
#define USART_CR3(u)  REG32((u) + 0x14u)

#define USART_SR_RXNE (1u << 5)
#define USART_SR_TC   (1u << 6)
#define USART_SR_TXE  (1u << 7)
#define USART_CR1_RE  (1u << 2)
#define USART_CR1_TE  (1u << 3)
#define USART_CR1_UE  (1u << 13)

/* ---- IWDG (RM0008 §19.4) ---- */
#define IWDG_BASE 0x40003000u
#define IWDG_KR   REG32(IWDG_BASE + 0x00u)
#define IWDG_PR   REG32(IWDG_BASE + 0x04u)
#define IWDG_RLR  REG32(IWDG_BASE + 0x08u)
#define IWDG_SR   REG32(IWDG_BASE + 0x0Cu)
#define IWDG_KEY_RELOAD 0xAAAAu
#define IWDG_KEY_ACCESS 0x5555u
#define IWDG_KEY_START  0xCCCCu
#define IWDG_SR_PVU (1u << 0)
#define IWDG_SR_RVU (1u << 1)

/* ---- PWR and BKP (RM0008 §5.4, §6.4) ---- */
#define PWR_BASE   0x40007000u
#define PWR_CR     REG32(PWR_BASE + 0x00u)
#define PWR_CSR    REG32(PWR_BASE + 0x04u)
#define PWR_CR_DBP (1u << 8)

#define BKP_BASE   0x40006C00u
/* DR1..DR10 at 0x04..0x28; DR11..DR42 (HD only) at 0x40..0xBC. 16 bits used. */
#define BKP_DR(n)  REG32(BKP_BASE + ((n) <= 10u ? 4u * (n) : 0x40u + 4u * ((n) - 11u)))

/* ---- USB full-speed device (RM0008 §23.5) ---- */
#define USB_BASE   0x40005C00u
#define USB_EPR(n) REG32(USB_BASE + 4u * (n))   /* EP0R..EP7R, 16 bits used */
#define USB_CNTR   REG32(USB_BASE + 0x40u)
#define USB_ISTR   REG32(USB_BASE + 0x44u)
#define USB_FNR    REG32(USB_BASE + 0x48u)
#define USB_DADDR  REG32(USB_BASE + 0x4Cu)
#define USB_BTABLE REG32(USB_BASE + 0x50u)
/* Packet memory: 512 bytes; USB offset b (even) is the half-word at PMA_BASE + 2*b. */
#define USB_PMA_BASE 0x40006000u

#define USB_EP_CTR_RX    (1u << 15)   /* rc_w0 */
#define USB_EP_DTOG_RX   (1u << 14)   /* toggle */
#define USB_EP_STAT_RX   (3u << 12)   /* toggle */
#define USB_EP_SETUP     (1u << 11)   /* read-only */
#define USB_EP_TYPE_MSK  (3u << 9)
#define USB_EP_CONTROL   (1u << 9)
#define USB_EP_KIND      (1u << 8)
#define USB_EP_CTR_TX    (1u << 7)    /* rc_w0 */
#define USB_EP_DTOG_TX   (1u << 6)    /* toggle */
#define USB_EP_STAT_TX   (3u << 4)    /* toggle */
#define USB_EP_EA_MSK    0xFu
/* Plain read/write bits: EP_TYPE, EP_KIND, EA */
#define USB_EP_RW_MSK    (USB_EP_TYPE_MSK | USB_EP_KIND | USB_EP_EA_MSK)
/* STAT_RX / STAT_TX codes, at bit 0; shift by 12 (RX) or 4 (TX) */
#define USB_STAT_DISABLED 0u
#define USB_STAT_STALL    1u
#define USB_STAT_NAK      2u
#define USB_STAT_VALID    3u

#define USB_CNTR_FRES   (1u << 0)
#define USB_CNTR_PDWN   (1u << 1)
#define USB_CNTR_RESETM (1u << 10)
#define USB_CNTR_SUSPM  (1u << 11)
#define USB_CNTR_WKUPM  (1u << 12)
#define USB_CNTR_CTRM   (1u << 15)

#define USB_ISTR_EP_ID  0xFu
#define USB_ISTR_DIR    (1u << 4)
#define USB_ISTR_RESET  (1u << 10)
#define USB_ISTR_SUSP   (1u << 11)
#define USB_ISTR_WKUP   (1u << 12)
#define USB_ISTR_CTR    (1u << 15)

#define USB_DADDR_EF    (1u << 7)

/* ---- Interrupt numbers (RM0008 Table 63) ---- */
enum {
    WWDG_IRQn = 0, PVD_IRQn = 1, TAMPER_IRQn = 2, RTC_IRQn = 3, FLASH_IRQn = 4,
    RCC_IRQn = 5, EXTI0_IRQn = 6, EXTI1_IRQn = 7, EXTI2_IRQn = 8, EXTI3_IRQn = 9,
    EXTI4_IRQn = 10, USB_HP_CAN1_TX_IRQn = 19, USB_LP_CAN1_RX0_IRQn = 20,
    EXTI9_5_IRQn = 23, USART1_IRQn = 37, EXTI15_10_IRQn = 40, USBWakeUp_IRQn = 42
};

#ifdef STM32F103_HD
#define F103_IRQ_COUNT 60
#else
#define F103_IRQ_COUNT 43
#endif

#endif /* STM32F103_H */
