/*
 * STM32F1 USB full-speed device peripheral, endpoint 0 only
 * (RM0008 §23.4 "Functional description", §23.5 registers; facts-usb §4).
 *
 * Packet memory (USB offsets; CPU address 0x40006000 + 2 * offset):
 *   0x00  BTABLE: EP0 ADDR0_TX, COUNT0_TX, ADDR0_RX, COUNT0_RX
 *   0x40  EP0 TX buffer, 64 bytes
 *   0x80  EP0 RX buffer, 64 bytes (COUNT0_RX: BL_SIZE = 1, NUM_BLOCK = 1)
 *
 * Hardware behaviour this relies on (RM0008 §23.4.2-23.4.3):
 *  - after every successful transaction the peripheral sets the endpoint's
 *    STAT_RX or STAT_TX to NAK and raises CTR_RX or CTR_TX;
 *  - a SETUP is accepted whatever STAT_RX says (while CTR_RX = 0), sets
 *    SETUP, and leaves both DTOG bits at 1 and both STATs at NAK. So the data
 *    stage starts with DATA1 and the status stage is DATA1 without software
 *    touching the toggles.
 *
 * Control transfer stages (USB 2.0 §8.5.3):
 *   SETUP -> [DATA_IN ... -> STATUS_OUT]   device-to-host with data
 *         -> [DATA_OUT ... -> STATUS_IN]   host-to-device with data
 *         -> [STATUS_IN]                   no data
 * usb_control_done() runs when the status stage has been handshaken.
 */
#include "usb_fs.h"

#include "stm32f103.h"
#include "usb_fs_regs.h"

#define BTABLE_OFFSET  0x00u
#define EP0_TX_OFFSET  0x40u
#define EP0_RX_OFFSET  0x80u
/* COUNTn_RX: BL_SIZE = 1 (32-byte blocks), NUM_BLOCK = 1 -> 32 * (1 + 1) = 64 bytes. */
#define EP0_RX_BLOCKS  ((1u << 15) | (1u << 10))

/* BTABLE entry fields of endpoint register n (USB offsets). */
#define ADDR_TX(n)  (BTABLE_OFFSET + 8u * (n) + 0u)
#define COUNT_TX(n) (BTABLE_OFFSET + 8u * (n) + 2u)
#define ADDR_RX(n)  (BTABLE_OFFSET + 8u * (n) + 4u)
#define COUNT_RX(n) (BTABLE_OFFSET + 8u * (n) + 6u)
#define COUNT_RX_MSK 0x3FFu

#define STAT_RX_SHIFT 12
#define STAT_TX_SHIFT 4
#define TOGGLE_BITS (USB_EP_DTOG_RX | USB_EP_STAT_RX | USB_EP_DTOG_TX | USB_EP_STAT_TX)

enum ep0_stage { STAGE_IDLE, STAGE_DATA_IN, STAGE_DATA_OUT, STAGE_STATUS_IN, STAGE_STATUS_OUT };

static struct {
    struct usb_setup setup;
    enum ep0_stage stage;
    const uint8_t *in;          /* DATA_IN: next byte to send */
    uint16_t in_left;           /* DATA_IN: bytes not yet sent */
    uint8_t in_zlp;             /* DATA_IN: a zero-length packet ends the stage */
    uint8_t *out;               /* DATA_OUT: receive buffer */
    uint16_t out_got;           /* DATA_OUT: bytes received */
} ep0;

/* ---- EPnR write idioms (facts-usb §4.2) ----
 * A write stores EP_TYPE/EP_KIND/EA as written, toggles DTOG/STAT bits
 * written as 1, clears CTR_RX/CTR_TX written as 0 and keeps those written 1. */

/* Set STAT_RX and/or STAT_TX (masks select which) to the given codes; toggles and CTRs unchanged. */
static void ep_set_stat(unsigned ep, uint16_t which, unsigned rx, unsigned tx)
{
    uint16_t r = epr_read(ep);
    uint16_t target = (uint16_t)((rx << STAT_RX_SHIFT) | (tx << STAT_TX_SHIFT)) & which;
    uint16_t w = (uint16_t)(((r & (USB_EP_RW_MSK | which)) ^ target) | USB_EP_CTR_RX | USB_EP_CTR_TX);
    epr_write(ep, w);
}

static void ep0_stat_rx(unsigned stat)
{
    ep_set_stat(0, USB_EP_STAT_RX, stat, 0);
}

static void ep0_stat_tx(unsigned stat)
{
    ep_set_stat(0, USB_EP_STAT_TX, 0, stat);
}

static void ep_clear_ctr_rx(unsigned ep)
{
    epr_write(ep, (uint16_t)((epr_read(ep) & USB_EP_RW_MSK) | USB_EP_CTR_TX));
}

static void ep_clear_ctr_tx(unsigned ep)
{
    epr_write(ep, (uint16_t)((epr_read(ep) & USB_EP_RW_MSK) | USB_EP_CTR_RX));
}

/* ---- Packet memory ---- */

static void pma_copy_out(uint16_t offset, const uint8_t *src, uint16_t len)
{
    for (uint16_t i = 0; i < len; i += 2u) {
        uint16_t hw = src[i];
        if (i + 1u < len) {
            hw |= (uint16_t)(src[i + 1u] << 8);
        }
        pma_write16((uint16_t)(offset + i), hw);
    }
}

static void pma_copy_in(uint16_t offset, uint8_t *dst, uint16_t len)
{
    for (uint16_t i = 0; i < len; i += 2u) {
        uint16_t hw = pma_read16((uint16_t)(offset + i));
        dst[i] = (uint8_t)hw;
        if (i + 1u < len) {
            dst[i + 1u] = (uint8_t)(hw >> 8);
        }
    }
}

/* ---- Endpoint 0 ---- */

static void ep0_configure(void)
{
    USB_BTABLE = BTABLE_OFFSET;
    pma_write16(ADDR_TX(0), EP0_TX_OFFSET);
    pma_write16(COUNT_TX(0), 0);
    pma_write16(ADDR_RX(0), EP0_RX_OFFSET);
    pma_write16(COUNT_RX(0), EP0_RX_BLOCKS);
    /* Control endpoint, address 0, DTOG_RX = DTOG_TX = 0, RX VALID (ready
     * for a SETUP), TX NAK; CTR bits written 0 (cleared). The toggle fields
     * are written as (current XOR wanted). */
    uint16_t r = epr_read(0);
    uint16_t want = (uint16_t)((USB_STAT_VALID << STAT_RX_SHIFT) | (USB_STAT_NAK << STAT_TX_SHIFT));
    epr_write(0, (uint16_t)(USB_EP_CONTROL | ((r & TOGGLE_BITS) ^ want)));
    ep0.stage = STAGE_IDLE;
}

static void ep0_stall(void)
{
    ep_set_stat(0, USB_EP_STAT_RX | USB_EP_STAT_TX, USB_STAT_STALL, USB_STAT_STALL);
    ep0.stage = STAGE_IDLE;
}

/* Load the next IN packet (possibly zero-length) and mark TX VALID. */
static void ep0_send_next(void)
{
    uint16_t n = ep0.in_left < USB_EP0_SIZE ? ep0.in_left : (uint16_t)USB_EP0_SIZE;
    if (n == 0u) {
        ep0.in_zlp = 0;
    }
    pma_copy_out(EP0_TX_OFFSET, ep0.in, n);
    pma_write16(COUNT_TX(0), n);
    ep0.in += n;
    ep0.in_left = (uint16_t)(ep0.in_left - n);
    ep0_stat_tx(USB_STAT_VALID);
}

static void ep0_status_in(void)
{
    pma_write16(COUNT_TX(0), 0);
    ep0.stage = STAGE_STATUS_IN;
    ep0_stat_tx(USB_STAT_VALID);
}

static void ep0_setup(void)
{
    uint8_t raw[8];
    pma_copy_in(EP0_RX_OFFSET, raw, sizeof raw);
    ep_clear_ctr_rx(0);                 /* after reading: a new SETUP may land now */

    struct usb_setup *s = &ep0.setup;
    s->bmRequestType = raw[0];
    s->bRequest = raw[1];
    s->wValue = (uint16_t)(raw[2] | raw[3] << 8);
    s->wIndex = (uint16_t)(raw[4] | raw[5] << 8);
    s->wLength = (uint16_t)(raw[6] | raw[7] << 8);
    ep0.stage = STAGE_IDLE;

    struct usb_data data = {0};
    if (usb_control_setup(s, &data) != USB_OK) {
        ep0_stall();
        return;
    }
    if (s->wLength == 0u) {
        ep0_status_in();
    } else if (s->bmRequestType & USB_DIR_IN) {
        uint16_t len = data.in_len < s->wLength ? data.in_len : s->wLength;
        ep0.in = data.in;
        ep0.in_left = len;
        /* A short answer that fills its last packet needs a ZLP to end the stage (USB 2.0 §5.5.3). */
        ep0.in_zlp = len < s->wLength && len % USB_EP0_SIZE == 0u;
        ep0.stage = STAGE_DATA_IN;
        ep0_send_next();
    } else {
        if (data.out == 0 || data.out_size < s->wLength) {
            ep0_stall();
            return;
        }
        ep0.out = data.out;
        ep0.out_got = 0;
        ep0.stage = STAGE_DATA_OUT;
        ep0_stat_rx(USB_STAT_VALID);
    }
}

static void ep0_out(void)
{
    uint16_t count = pma_read16(COUNT_RX(0)) & COUNT_RX_MSK;
    switch (ep0.stage) {
    case STAGE_DATA_OUT: {
        uint16_t room = (uint16_t)(ep0.setup.wLength - ep0.out_got);
        uint16_t n = count < room ? count : room;
        pma_copy_in(EP0_RX_OFFSET, ep0.out + ep0.out_got, n);
        ep_clear_ctr_rx(0);
        ep0.out_got = (uint16_t)(ep0.out_got + n);
        if (ep0.out_got < ep0.setup.wLength && count == USB_EP0_SIZE) {
            ep0_stat_rx(USB_STAT_VALID);
        } else if (usb_control_out(&ep0.setup, ep0.out_got) == USB_OK) {
            ep0_status_in();
        } else {
            ep0_stall();
        }
        break;
    }
    case STAGE_STATUS_OUT:
        ep_clear_ctr_rx(0);
        ep0.stage = STAGE_IDLE;
        usb_control_done(&ep0.setup);
        break;
    default:
        ep_clear_ctr_rx(0);     /* unexpected OUT: leave RX NAKing */
        break;
    }
}

static void ep0_in(void)
{
    ep_clear_ctr_tx(0);
    switch (ep0.stage) {
    case STAGE_DATA_IN:
        if (ep0.in_left != 0u || ep0.in_zlp) {
            ep0_send_next();
        } else {
            ep0.stage = STAGE_STATUS_OUT;
            ep0_stat_rx(USB_STAT_VALID);
        }
        break;
    case STAGE_STATUS_IN:
        ep0.stage = STAGE_IDLE;
        usb_control_done(&ep0.setup);
        break;
    default:
        break;
    }
}

/* ---- Interrupt and control ---- */

void USB_LP_CAN1_RX0_IRQHandler(void)
{
    uint16_t istr = istr_read();
    if (istr & USB_ISTR_RESET) {
        istr_write((uint16_t)~USB_ISTR_RESET);      /* rc_w0: only RESET cleared */
        /* All EPnR were cleared by the reset (except CTR bits); the device
         * answers nothing until EP0 and DADDR.EF are set again (§23.4.2). */
        ep0_configure();
        USB_DADDR = USB_DADDR_EF;
        usb_bus_reset();
    }
    while ((istr = istr_read()) & USB_ISTR_CTR) {
        unsigned ep = istr & USB_ISTR_EP_ID;
        uint16_t r = epr_read(ep);
        if (ep != 0u) {
            /* No other endpoint is configured; clear and ignore. */
            epr_write(ep, (uint16_t)(r & USB_EP_RW_MSK));
            continue;
        }
        if (r & USB_EP_CTR_TX) {
            ep0_in();
        }
        if (r & USB_EP_CTR_RX) {
            if (r & USB_EP_SETUP) {
                ep0_setup();
            } else {
                ep0_out();
            }
        }
    }
}

void usb_fs_init(void)
{
    RCC_APB1ENR |= RCC_APB1_USB;
    (void)RCC_APB1ENR;
    RCC_APB1RSTR |= RCC_APB1_USB;
    RCC_APB1RSTR &= ~RCC_APB1_USB;

    /* Power-up (RM0008 §23.4.2 "System and power-on reset"): CNTR resets to
     * FRES | PDWN. Clear PDWN, wait t_STARTUP (1 us max), then clear FRES and
     * discard anything pending. */
    USB_CNTR = USB_CNTR_FRES;
    for (volatile uint32_t i = 0; i < 100u; i++) {
    }
    USB_CNTR = 0;
    istr_write(0);
    ep0_configure();
    USB_DADDR = USB_DADDR_EF;
    USB_CNTR = USB_CNTR_CTRM | USB_CNTR_RESETM;
    nvic_enable(USB_LP_CAN1_RX0_IRQn);
}

void usb_fs_stop(void)
{
    nvic_disable(USB_LP_CAN1_RX0_IRQn);
    USB_CNTR = USB_CNTR_FRES | USB_CNTR_PDWN;
    istr_write(0);
    nvic_unpend(USB_LP_CAN1_RX0_IRQn);
    RCC_APB1RSTR |= RCC_APB1_USB;
    RCC_APB1RSTR &= ~RCC_APB1_USB;
    RCC_APB1ENR &= ~RCC_APB1_USB;
}

void usb_fs_set_address(uint8_t address)
{
    USB_DADDR = USB_DADDR_EF | (address & 0x7Fu);
}
