/*
 * usbsim: runs the DfuSe bootloader's USB and DFU code (f103/dfu/usb_fs.c,
 * usb_device.c, usb_dfu.c, dfu_mem.c) on the host against
 *  - a model of the STM32F1 USB peripheral at transaction level: EPnR write
 *    semantics, automatic NAK after each transaction, SETUP handling, DATA0/1
 *    toggles checked against the host's, PMA with COUNTn_RX sizes, ISTR and
 *    the interrupt (RM0008 §23.4; facts-usb §4.2-4.5);
 *  - NOR-like flash (erase to 0xFF, programming needs 0xFFFF or writes 0x0000,
 *    else PGERR), in place of f103/flash.c;
 *  - a host that does what dfu-util 0.11 does (facts-usb §3.3-3.5): probe,
 *    DfuSe download with erase and write passes, upload, leave; plus the
 *    error paths and the chapter 9 requests.
 *
 * Build and run: `make check-host` (both boards). Exit 0 when every check passes.
 * This checks our firmware's logic against our reading of the hardware; the
 * emulator's own models are checked against the reference manual elsewhere.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dfu_config.h"
#include "dfu_mem.h"
#include "flash.h"
#include "usb_dfu.h"
#include "usb_fs.h"

void USB_LP_CAN1_RX0_IRQHandler(void);

/* ------------------------------------------------------------------ */
/* Checks */

static int failures, checks;

static void check(int cond, const char *fmt, ...)
{
    checks++;
    if (!cond) {
        va_list ap;
        va_start(ap, fmt);
        fprintf(stderr, "FAIL [%s] ", DFU_BOARD_NAME);
        vfprintf(stderr, fmt, ap);
        fprintf(stderr, "\n");
        va_end(ap);
        failures++;
    }
}

static void fatal(const char *what)
{
    fprintf(stderr, "FATAL [%s] %s\n", DFU_BOARD_NAME, what);
    exit(1);
}

/* ------------------------------------------------------------------ */
/* Simulated address space */

static uint8_t periph[0x30000];          /* 0x40000000.. */
static uint8_t sysmem[0x1000];           /* 0x1FFFF000.. (UID at 0x7E8) */
static uint8_t scs[0x1000];              /* 0xE000E000.. */
static uint8_t flash[FLASH_SIZE];        /* 0x08000000.. */

void *sim_mem(uint32_t addr, unsigned size)
{
    if ((addr >= 0x40005C00u && addr < 0x40005C20u) || addr == 0x40005C44u
        || (addr >= 0x40006000u && addr < 0x40006400u)) {
        fatal("EPnR, ISTR or the PMA accessed directly instead of through usb_fs_regs.h");
    }
    if (addr >= 0x40000000u && addr + size <= 0x40030000u) {
        return &periph[addr - 0x40000000u];
    }
    if (addr >= 0x1FFFF000u && addr + size <= 0x20000000u) {
        return &sysmem[addr - 0x1FFFF000u];
    }
    if (addr >= 0xE000E000u && addr + size <= 0xE000F000u) {
        return &scs[addr - 0xE000E000u];
    }
    if (addr >= FLASH_BASE && addr + size <= FLASH_END) {
        return &flash[addr - FLASH_BASE];
    }
    fprintf(stderr, "access to unmapped 0x%08x\n", addr);
    fatal("unmapped access");
    return NULL;
}

static uint32_t reg(uint32_t addr)
{
    return *(uint32_t *)sim_mem(addr, 4);
}

/* ------------------------------------------------------------------ */
/* Flash (replaces f103/flash.c) */

static int flash_locked = 1;
static int programs, erases;

int flash_unlock(void)
{
    flash_locked = 0;
    return 1;
}

void flash_lock(void)
{
    flash_locked = 1;
}

uint32_t flash_erase_page(uint32_t addr)
{
    if (flash_locked) {
        return 0;
    }
    uint32_t page = (addr - FLASH_BASE) & ~(FLASH_PAGE_SIZE - 1u);
    memset(&flash[page], 0xFF, FLASH_PAGE_SIZE);
    erases++;
    return FLASH_SR_EOP;
}

uint32_t flash_program_halfword(uint32_t addr, uint16_t value)
{
    if (flash_locked || (addr & 1u)) {
        return 0;
    }
    uint8_t *p = &flash[addr - FLASH_BASE];
    uint16_t old = (uint16_t)(p[0] | p[1] << 8);
    if (old != 0xFFFFu && value != 0u) {
        return FLASH_SR_PGERR;
    }
    p[0] = (uint8_t)value;
    p[1] = (uint8_t)(value >> 8);
    programs++;
    return FLASH_SR_EOP;
}

uint32_t flash_program(uint32_t addr, const uint8_t *data, uint32_t len)
{
    uint32_t sr = 0;
    for (uint32_t i = 0; i < len; i += 2u) {
        uint16_t hw = (uint16_t)(data[i] | (i + 1u < len ? data[i + 1u] : 0xFFu) << 8);
        sr |= flash_program_halfword(addr + i, hw);
        if (sr & FLASH_ERRORS) {
            break;
        }
    }
    return sr;
}

const uint8_t *flash_data(uint32_t addr)
{
    return &flash[addr - FLASH_BASE];
}

/* ------------------------------------------------------------------ */
/* The bootloader's "leave": stop USB and reset. */

static jmp_buf leave_jump;
static int left_dfu;

void dfu_board_leave(void)
{
    usb_fs_stop();
    left_dfu = 1;
    longjmp(leave_jump, 1);
}

/* The main loop: run whatever the interrupt handed over. Returns 1 if the bootloader left. */
static int main_loop(void)
{
    if (setjmp(leave_jump)) {
        return 1;
    }
    while (dfu_work_pending()) {
        dfu_poll();
    }
    return 0;
}

/* ------------------------------------------------------------------ */
/* USB peripheral model */

#define CTR_BITS    (USB_EP_CTR_RX | USB_EP_CTR_TX)
#define TOGGLE_BITS (USB_EP_DTOG_RX | USB_EP_STAT_RX | USB_EP_DTOG_TX | USB_EP_STAT_TX)

static uint16_t epr[8];
static uint16_t istr;
static uint16_t pma[256];

static unsigned stat_rx(unsigned ep) { return (epr[ep] >> 12) & 3u; }
static unsigned stat_tx(unsigned ep) { return (epr[ep] >> 4) & 3u; }
static uint16_t cntr(void) { return (uint16_t)reg(USB_BASE + 0x40u); }
static uint16_t daddr(void) { return (uint16_t)reg(USB_BASE + 0x4Cu); }
static uint16_t btable(void) { return (uint16_t)(reg(USB_BASE + 0x50u) & ~7u); }

static void update_istr(void)
{
    istr &= 0x7F00u;                    /* keep the rc_w0 event bits */
    for (unsigned ep = 0; ep < 8u; ep++) {
        if (epr[ep] & CTR_BITS) {
            istr |= USB_ISTR_CTR | ep | ((epr[ep] & USB_EP_CTR_RX) ? USB_ISTR_DIR : 0u);
            break;
        }
    }
}

uint16_t epr_read(unsigned ep)
{
    return epr[ep];
}

void epr_write(unsigned ep, uint16_t w)
{
    uint16_t old = epr[ep];
    uint16_t v = (uint16_t)((old & w & CTR_BITS)             /* rc_w0 */
                          | ((old ^ w) & TOGGLE_BITS)        /* toggle */
                          | (old & USB_EP_SETUP)             /* read-only */
                          | (w & USB_EP_RW_MSK));            /* plain */
    epr[ep] = v;
    update_istr();
}

uint16_t istr_read(void)
{
    return istr;
}

void istr_write(uint16_t w)
{
    istr = (uint16_t)(istr & (w | 0x80FFu));    /* bits 14:8 rc_w0, the rest computed */
    update_istr();
}

uint16_t pma_read16(uint16_t offset)
{
    if (offset & 1u || offset >= 512u) {
        fatal("PMA read offset");
    }
    return pma[offset / 2u];
}

void pma_write16(uint16_t offset, uint16_t value)
{
    if (offset & 1u || offset >= 512u) {
        fatal("PMA write offset");
    }
    pma[offset / 2u] = value;
}

static uint16_t bt(unsigned ep, unsigned field)
{
    return pma[(btable() + 8u * ep + field) / 2u];
}

static void interrupt(void)
{
    if ((istr & cntr() & 0xFF00u) && (reg(0xE000E100u) & (1u << USB_LP_CAN1_RX0_IRQn))) {
        USB_LP_CAN1_RX0_IRQHandler();
    }
}

static int find_ep(unsigned num)
{
    for (unsigned ep = 0; ep < 8u; ep++) {
        if ((epr[ep] & USB_EP_EA_MSK) == num && (epr[ep] & USB_EP_TYPE_MSK) == USB_EP_CONTROL) {
            return (int)ep;
        }
    }
    return -1;
}

static unsigned host_addr;             /* the USB address the host sends tokens to */

/* Enabled, powered, and the token is for this device's address (RM0008 §23.5.3 DADDR). */
static int device_ready(void)
{
    return (daddr() & USB_DADDR_EF) && (daddr() & 0x7Fu) == host_addr
        && !(cntr() & (USB_CNTR_FRES | USB_CNTR_PDWN));
}

static void bus_reset(void)
{
    for (unsigned ep = 0; ep < 8u; ep++) {
        epr[ep] &= CTR_BITS;
    }
    *(uint32_t *)sim_mem(USB_BASE + 0x4Cu, 4) = 0;     /* DADDR */
    host_addr = 0;
    istr |= USB_ISTR_RESET;
    update_istr();
    interrupt();
}

enum handshake { ACK, NAK, STALL, NONE };

static unsigned host_toggle_out, host_toggle_in;    /* expected DATA PIDs */
static int toggle_errors;

static enum handshake tx_setup(const uint8_t setup[8])
{
    int ep = find_ep(0);
    if (ep < 0 || !device_ready()) {
        return NONE;
    }
    if (stat_rx((unsigned)ep) == USB_STAT_DISABLED || (epr[ep] & USB_EP_CTR_RX)) {
        return NONE;                    /* no answer; a SETUP is dropped while CTR_RX is set */
    }
    uint16_t addr = bt((unsigned)ep, 4), count = bt((unsigned)ep, 6);
    for (unsigned i = 0; i < 8u; i += 2u) {
        pma[(addr + i) / 2u] = (uint16_t)(setup[i] | setup[i + 1u] << 8);
    }
    pma[(btable() + 8u * (unsigned)ep + 6u) / 2u] = (uint16_t)((count & 0xFC00u) | 8u);
    uint16_t v = epr[ep];
    v = (uint16_t)((v & ~(TOGGLE_BITS)) | USB_EP_DTOG_RX | USB_EP_DTOG_TX
                   | (USB_STAT_NAK << 12) | (USB_STAT_NAK << 4) | USB_EP_SETUP | USB_EP_CTR_RX);
    epr[ep] = v;
    host_toggle_out = 1;
    host_toggle_in = 1;
    update_istr();
    interrupt();
    return ACK;
}

static enum handshake tx_out(const uint8_t *data, unsigned len)
{
    int ep = find_ep(0);
    if (ep < 0 || !device_ready()) {
        return NONE;
    }
    switch (stat_rx((unsigned)ep)) {
    case USB_STAT_DISABLED: return NONE;
    case USB_STAT_STALL: return STALL;
    case USB_STAT_NAK: return NAK;
    default: break;
    }
    uint16_t count = bt((unsigned)ep, 6);
    unsigned size = (count & 0x8000u) ? 32u * (((count >> 10) & 0x1Fu) + 1u) : 2u * ((count >> 10) & 0x1Fu);
    if (len > size) {
        fatal("OUT packet larger than the RX buffer");
    }
    if (((epr[ep] & USB_EP_DTOG_RX) != 0) != (host_toggle_out != 0)) {
        toggle_errors++;
    }
    uint16_t addr = bt((unsigned)ep, 4);
    for (unsigned i = 0; i < len; i += 2u) {
        pma[(addr + i) / 2u] = (uint16_t)(data[i] | (i + 1u < len ? data[i + 1u] << 8 : 0));
    }
    pma[(btable() + 8u * (unsigned)ep + 6u) / 2u] = (uint16_t)((count & 0xFC00u) | len);
    uint16_t v = epr[ep];
    v ^= USB_EP_DTOG_RX;
    v = (uint16_t)((v & ~(USB_EP_STAT_RX | USB_EP_SETUP)) | (USB_STAT_NAK << 12) | USB_EP_CTR_RX);
    epr[ep] = v;
    host_toggle_out ^= 1u;
    update_istr();
    interrupt();
    return ACK;
}

static enum handshake tx_in(uint8_t *data, unsigned *len)
{
    int ep = find_ep(0);
    if (ep < 0 || !device_ready()) {
        return NONE;
    }
    switch (stat_tx((unsigned)ep)) {
    case USB_STAT_DISABLED: return NONE;
    case USB_STAT_STALL: return STALL;
    case USB_STAT_NAK: return NAK;
    default: break;
    }
    if (((epr[ep] & USB_EP_DTOG_TX) != 0) != (host_toggle_in != 0)) {
        toggle_errors++;
    }
    uint16_t addr = bt((unsigned)ep, 0);
    unsigned n = bt((unsigned)ep, 2) & 0x3FFu;
    if (n > 64u) {
        fatal("IN packet larger than bMaxPacketSize0");
    }
    for (unsigned i = 0; i < n; i++) {
        uint16_t hw = pma[(addr + (i & ~1u)) / 2u];
        data[i] = (uint8_t)(i & 1u ? hw >> 8 : hw);
    }
    *len = n;
    uint16_t v = epr[ep];
    v ^= USB_EP_DTOG_TX;
    v = (uint16_t)((v & ~USB_EP_STAT_TX) | (USB_STAT_NAK << 4) | USB_EP_CTR_TX);
    epr[ep] = v;
    host_toggle_in ^= 1u;
    update_istr();
    interrupt();
    return ACK;
}

/* ------------------------------------------------------------------ */
/* Host: control transfers (facts-usb §2.8) */

#define XFER_OK     0
#define XFER_STALL  (-32)
#define XFER_TIMEOUT (-62)
#define RETRIES 1000

static int zlp_seen;

/* Retry a NAKed transaction, letting the main loop run in between. */
#define RETRY(expr, hs)                                  \
    do {                                                 \
        int tries_ = 0;                                  \
        while (((hs) = (expr)) == NAK && ++tries_ < RETRIES) { \
            main_loop();                                 \
        }                                                \
    } while (0)

static int control(uint8_t type, uint8_t req, uint16_t value, uint16_t index,
                   uint8_t *data, uint16_t length, int *actual)
{
    uint8_t setup[8] = {type, req, (uint8_t)value, (uint8_t)(value >> 8),
                        (uint8_t)index, (uint8_t)(index >> 8), (uint8_t)length, (uint8_t)(length >> 8)};
    enum handshake hs;
    *actual = 0;
    zlp_seen = 0;
    if (tx_setup(setup) != ACK) {
        return XFER_TIMEOUT;
    }
    if (length > 0u && (type & 0x80u)) {
        for (;;) {
            uint8_t pkt[64];
            unsigned n = 0;
            RETRY(tx_in(pkt, &n), hs);
            if (hs == STALL) {
                return XFER_STALL;
            }
            if (hs != ACK) {
                return XFER_TIMEOUT;
            }
            if ((unsigned)*actual + n > length) {
                fatal("device sent more than wLength");
            }
            memcpy(data + *actual, pkt, n);
            *actual += (int)n;
            if (n == 0u) {
                zlp_seen = 1;
            }
            if (n < 64u || *actual == length) {
                break;
            }
        }
        /* The CPU runs its main loop while the host has the data but has
         * not sent the status stage yet: nothing may depend on the answer
         * having been delivered before that stage completes. */
        if (main_loop()) {
            return XFER_TIMEOUT;        /* the device reset under the host's feet */
        }
        RETRY(tx_out(NULL, 0), hs);     /* status stage: OUT ZLP */
    } else {
        for (unsigned off = 0; off < length; off += 64u) {
            unsigned n = length - off < 64u ? length - off : 64u;
            RETRY(tx_out(data + off, n), hs);
            if (hs == STALL) {
                return XFER_STALL;
            }
            if (hs != ACK) {
                return XFER_TIMEOUT;
            }
            *actual += (int)n;
        }
        uint8_t pkt[64];
        unsigned n = 0;
        RETRY(tx_in(pkt, &n), hs);      /* status stage: IN ZLP */
        if (hs == ACK && n != 0u) {
            fatal("status IN packet not zero-length");
        }
    }
    if (hs == STALL) {
        return XFER_STALL;
    }
    return hs == ACK ? XFER_OK : XFER_TIMEOUT;
}

/* ------------------------------------------------------------------ */
/* Host: DFU requests as dfu-util issues them */

struct status { int rc; uint8_t bStatus; uint32_t poll; uint8_t bState; };

static struct status get_status(void)
{
    uint8_t b[6] = {0};
    int n;
    struct status st = {0};
    st.rc = control(0xA1, DFU_GETSTATUS, 0, 0, b, 6, &n);
    if (st.rc == XFER_OK && n != 6) {
        fatal("GETSTATUS answered with other than 6 bytes");
    }
    st.bStatus = b[0];
    st.poll = (uint32_t)(b[1] | b[2] << 8 | b[3] << 16);
    st.bState = b[4];
    return st;
}

static int dnload(uint16_t block, const uint8_t *data, uint16_t len)
{
    uint8_t buf[4096];
    int n;
    if (len != 0u) {
        memcpy(buf, data, len);
    }
    int rc = control(0x21, DFU_DNLOAD, block, 0, buf, len, &n);
    return rc == XFER_OK ? n : rc;
}

static int simple(uint8_t req)
{
    int n;
    return control(0x21, req, 0, 0, NULL, 0, &n);
}

static uint32_t total_poll_ms;

/* dfuse_special_command(): the first GETSTATUS must say dfuDNBUSY, then poll while busy. */
static struct status special(uint8_t cmd, uint32_t addr, int with_addr)
{
    uint8_t b[5] = {cmd, (uint8_t)addr, (uint8_t)(addr >> 8), (uint8_t)(addr >> 16), (uint8_t)(addr >> 24)};
    struct status st = {0};
    int rc = dnload(0, b, with_addr ? 5 : 1);
    if (rc < 0) {
        st.rc = rc;
        return st;
    }
    int first = 1;
    do {
        st = get_status();
        if (st.rc != XFER_OK) {
            return st;
        }
        if (first) {
            check(st.bState == dfuDNBUSY, "command 0x%02x at 0x%08x: first GETSTATUS state %u, want dfuDNBUSY",
                  cmd, addr, st.bState);
            first = 0;
        }
        total_poll_ms += st.poll;
        main_loop();                    /* "sleep bwPollTimeout" while the device works */
    } while (st.bState == dfuDNBUSY);
    return st;
}

static struct status set_address(uint32_t addr)
{
    return special(DFUSE_CMD_SET_ADDRESS, addr, 1);
}

/* dfuse_dnload_chunk(): DNLOAD then GETSTATUS until DNLOAD-IDLE / ERROR / MANIFEST. */
static struct status dnload_chunk(uint16_t block, const uint8_t *data, uint16_t len)
{
    struct status st = {0};
    int rc = dnload(block, data, len);
    if (rc != (int)len) {
        st.rc = rc < 0 ? rc : -1;
        return st;
    }
    do {
        st = get_status();
        if (st.rc != XFER_OK) {
            return st;
        }
        total_poll_ms += st.poll;
        if (st.bState == dfuMANIFEST) {
            break;                      /* dfu-util stops here */
        }
        main_loop();
    } while (st.bState != dfuDNLOAD_IDLE && st.bState != dfuERROR && st.bState != dfuMANIFEST);
    return st;
}

/* dfu_abort_to_idle() */
static void abort_to_idle(void)
{
    check(simple(DFU_ABORT) == XFER_OK, "ABORT accepted");
    struct status st = get_status();
    check(st.rc == XFER_OK && st.bState == dfuIDLE, "state after ABORT %u, want dfuIDLE", st.bState);
}

static void clear_error(uint8_t want_status, const char *what)
{
    struct status st = get_status();
    check(st.bState == dfuERROR && st.bStatus == want_status,
          "%s: state %u status 0x%02x, want dfuERROR / 0x%02x", what, st.bState, st.bStatus, want_status);
    check(simple(DFU_CLRSTATUS) == XFER_OK, "%s: CLRSTATUS accepted", what);
    st = get_status();
    check(st.bState == dfuIDLE && st.bStatus == DFU_OK, "%s: dfuIDLE after CLRSTATUS", what);
}

/* The pages dfu-util erases for an element (dfuse_dnload_element), then writes it. */
static void dfuse_download(uint32_t base, const uint8_t *img, uint32_t size)
{
    uint32_t last_erased = 0xFFFFFFFFu;
    for (uint32_t p = 0; p < size; p += DFU_TRANSFER_SIZE) {
        uint32_t addr = base + p;
        uint32_t chunk = size - p < DFU_TRANSFER_SIZE ? size - p : DFU_TRANSFER_SIZE;
        for (uint32_t e = addr; e < addr + chunk; e += FLASH_PAGE_SIZE) {
            if ((e & ~(FLASH_PAGE_SIZE - 1u)) != last_erased) {
                struct status st = special(DFUSE_CMD_ERASE, e, 1);
                check(st.rc == XFER_OK && st.bStatus == DFU_OK && st.bState == dfuDNLOAD_IDLE,
                      "erase 0x%08x: state %u status 0x%02x", e, st.bState, st.bStatus);
                last_erased = e & ~(FLASH_PAGE_SIZE - 1u);
            }
        }
    }
    for (uint32_t p = 0; p < size; p += DFU_TRANSFER_SIZE) {
        uint32_t chunk = size - p < DFU_TRANSFER_SIZE ? size - p : DFU_TRANSFER_SIZE;
        struct status st = set_address(base + p);
        check(st.bStatus == DFU_OK && st.bState == dfuDNLOAD_IDLE, "SET_ADDRESS 0x%08x", base + p);
        st = dnload_chunk(2, img + p, (uint16_t)chunk);
        check(st.rc == XFER_OK && st.bStatus == DFU_OK && st.bState == dfuDNLOAD_IDLE,
              "write 0x%08x (%u bytes): rc %d state %u status 0x%02x", base + p, chunk, st.rc, st.bState, st.bStatus);
    }
    abort_to_idle();
}

/* dfuse_do_upload() with an address: SET_ADDRESS, abort, UPLOAD blocks 2, 3, ... */
static uint32_t dfuse_upload(uint32_t addr, uint8_t *out, uint32_t limit)
{
    struct status st = set_address(addr);
    check(st.bStatus == DFU_OK, "upload SET_ADDRESS 0x%08x", addr);
    abort_to_idle();
    uint32_t total = 0;
    uint16_t block = 2;
    for (;;) {
        uint16_t want = limit - total < DFU_TRANSFER_SIZE ? (uint16_t)(limit - total) : DFU_TRANSFER_SIZE;
        int n;
        int rc = control(0xA1, DFU_UPLOAD, block++, 0, out + total, want, &n);
        if (rc != XFER_OK) {
            check(0, "UPLOAD block %u failed (%d)", block - 1u, rc);
            break;
        }
        total += (uint32_t)n;
        if ((uint16_t)n < want || total >= limit) {
            break;
        }
    }
    abort_to_idle();
    return total;
}

/* ------------------------------------------------------------------ */
/* Expected descriptors (README.md lists the same bytes) */

static const uint8_t want_device[18] = {
    0x12, 0x01, 0x00, 0x02, 0x00, 0x00, 0x00, 0x40, 0x83, 0x04, 0x11, 0xDF, 0x00, 0x22, 0x01, 0x02, 0x03, 0x01
};
static const uint8_t want_config[27] = {
    0x09, 0x02, 0x1B, 0x00, 0x01, 0x01, 0x00, 0x80, 0x32,
    0x09, 0x04, 0x00, 0x00, 0x00, 0xFE, 0x01, 0x02, 0x04,
    0x09, 0x21, 0x03, 0xFF, 0x00, (uint8_t)DFU_TRANSFER_SIZE, (uint8_t)(DFU_TRANSFER_SIZE >> 8), 0x1A, 0x01
};

static void check_string(uint8_t index, const char *want)
{
    uint8_t b[255];
    int n;
    int rc = control(0x80, 0x06, (uint16_t)(0x0300u | index), 0x0409, b, 255, &n);
    size_t len = strlen(want);
    int ok = rc == XFER_OK && n == (int)(2u + 2u * len) && b[0] == n && b[1] == 3;
    for (size_t i = 0; ok && i < len; i++) {
        ok = b[2u + 2u * i] == (uint8_t)want[i] && b[3u + 2u * i] == 0;
    }
    check(ok, "string %u is \"%s\"", index, want);
}

static void hexdump(const char *name, const uint8_t *b, int n)
{
    printf("  %s (%d bytes):", name, n);
    for (int i = 0; i < n; i++) {
        printf(" %02x", b[i]);
    }
    printf("\n");
}

/* ------------------------------------------------------------------ */

static void enumerate(void)
{
    uint8_t b[256];
    int n;

    /* What the USB/IP bridge and the Linux hub driver do (facts-usb §2.3, §2.7). */
    bus_reset();
    check(daddr() == USB_DADDR_EF, "DADDR = EF after the bus reset");
    check(control(0x80, 0x06, 0x0100, 0, b, 64, &n) == XFER_OK && n == 18
          && memcmp(b, want_device, 18) == 0, "device descriptor (wLength 64)");
    hexdump("device descriptor", b, n);
    check(control(0x00, 0x05, 5, 0, NULL, 0, &n) == XFER_OK, "SET_ADDRESS 5 (status stage still at address 0)");
    host_addr = 5;
    check(daddr() == (USB_DADDR_EF | 5u), "DADDR = EF | 5 after the status stage (0x%02x)", daddr());
    check(control(0x80, 0x06, 0x0200, 0, b, 9, &n) == XFER_OK && n == 9 && memcmp(b, want_config, 9) == 0,
          "configuration descriptor, first 9 bytes");
    check(control(0x80, 0x06, 0x0200, 0, b, 255, &n) == XFER_OK && n == 27 && memcmp(b, want_config, 27) == 0,
          "configuration descriptor, 27 bytes");
    hexdump("configuration descriptor", b, n);
    check(control(0x80, 0x06, 0x0300, 0, b, 255, &n) == XFER_OK && n == 4
          && b[0] == 4 && b[1] == 3 && b[2] == 0x09 && b[3] == 0x04, "string 0: LANGID 0x0409");
    check_string(1, "stm32emu");
    check_string(2, "DfuSe bootloader (" DFU_BOARD_NAME ")");
    check_string(3, "0123ABCD4567EF0189ABCDEF");
    check_string(4, DFU_LAYOUT);

    /* Before SET_CONFIGURATION, class requests are refused. */
    check(control(0xA1, DFU_GETSTATUS, 0, 0, b, 6, &n) == XFER_STALL, "GETSTATUS stalls while unconfigured");
    check(control(0x00, 0x09, 1, 0, NULL, 0, &n) == XFER_OK, "SET_CONFIGURATION 1");
    check(control(0x80, 0x08, 0, 0, b, 1, &n) == XFER_OK && n == 1 && b[0] == 1, "GET_CONFIGURATION = 1");
    check(control(0x01, 0x0B, 0, 0, NULL, 0, &n) == XFER_OK, "SET_INTERFACE 0/0");
    check(control(0x01, 0x0B, 1, 0, NULL, 0, &n) == XFER_STALL, "SET_INTERFACE 0/1 stalls");
    check(control(0x81, 0x0A, 0, 0, b, 1, &n) == XFER_OK && n == 1 && b[0] == 0, "GET_INTERFACE = 0");
    check(control(0x80, 0x00, 0, 0, b, 2, &n) == XFER_OK && n == 2 && b[0] == 0 && b[1] == 0, "GET_STATUS(device) = 0");
    check(control(0x82, 0x00, 0, 0x81, b, 2, &n) == XFER_STALL, "GET_STATUS(endpoint 0x81) stalls");
    check(control(0x80, 0x06, 0x0600, 0, b, 10, &n) == XFER_STALL, "device qualifier stalls (full speed only)");
    check(control(0x81, 0x06, 0x2100, 0, b, 9, &n) == XFER_OK && n == 9 && memcmp(b, want_config + 18, 9) == 0,
          "DFU functional descriptor on its own");
    check(control(0x80, 0x06, 0x0305, 0, b, 255, &n) == XFER_STALL, "string 5 stalls");
    check(control(0x40, 0x01, 0, 0, NULL, 0, &n) == XFER_STALL, "vendor request stalls");
    check(control(0x80, 0x06, 0x0100, 0, b, 18, &n) == XFER_OK && n == 18, "a request after a STALL works");
}

static void fill_pattern(uint8_t *p, uint32_t n, uint32_t seed)
{
    for (uint32_t i = 0; i < n; i++) {
        seed = seed * 1103515245u + 12345u;
        p[i] = (uint8_t)(seed >> 16);
    }
}

static void dfu_session(void)
{
    static uint8_t img[40000], back[40000];
    uint8_t b[4096];
    int n;
    struct status st;

    /* dfu-util's start (facts-usb §3.3) */
    check(control(0x01, 0x0B, 0, 0, NULL, 0, &n) == XFER_OK, "SET_INTERFACE");
    st = get_status();
    check(st.rc == XFER_OK && st.bState == dfuIDLE && st.bStatus == DFU_OK, "initial state dfuIDLE / OK");
    check(control(0xA1, DFU_GETSTATE, 0, 0, b, 1, &n) == XFER_OK && n == 1 && b[0] == dfuIDLE, "GETSTATE = dfuIDLE");

    /* GET_COMMANDS */
    check(control(0xA1, DFU_UPLOAD, 0, 0, b, DFU_TRANSFER_SIZE, &n) == XFER_OK && n == 3
          && b[0] == 0x00 && b[1] == 0x21 && b[2] == 0x41, "GET_COMMANDS = 00 21 41");
    st = get_status();
    check(st.bState == dfuIDLE, "short GET_COMMANDS reply ends the upload (dfuIDLE)");

    /* Download an image that is not a multiple of the transfer size. */
    uint32_t size = 5u * DFU_TRANSFER_SIZE + 300u;
    fill_pattern(img, size, 1);
    memset(&flash[APP_BASE - FLASH_BASE], 0x00, FLASH_PAGE_SIZE * 7u);  /* dirty: must be erased first */
    total_poll_ms = 0;
    dfuse_download(APP_BASE, img, size);
    check(memcmp(&flash[APP_BASE - FLASH_BASE], img, size) == 0, "flash holds the downloaded image");
    printf("  download of %u bytes: %d erases, poll timeouts total %u ms\n", size, erases, total_poll_ms);

    /* Upload it back. */
    uint32_t got = dfuse_upload(APP_BASE, back, size);
    check(got == size && memcmp(back, img, size) == 0, "upload returns the image (%u bytes)", got);
    /* The bootloader area is readable. */
    got = dfuse_upload(FLASH_BASE, back, 64);
    check(got == 64 && memcmp(back, flash, 64) == 0, "bootloader area is readable");

    /* Upload at the end of flash: 64 bytes left, wLength 1024 -> 64 bytes + ZLP, then dfuIDLE. */
    set_address(FLASH_END - 64u);
    abort_to_idle();
    check(control(0xA1, DFU_UPLOAD, 2, 0, b, 1024, &n) == XFER_OK && n == 64 && zlp_seen,
          "upload of the last 64 bytes ends with a zero-length packet (got %d, zlp %d)", n, zlp_seen);
    st = get_status();
    check(st.bState == dfuIDLE, "short upload block ends the upload");
    /* Beyond flash: STALL, errADDRESS. */
    check(control(0xA1, DFU_UPLOAD, 3, 0, b, 1024, &n) == XFER_STALL, "upload beyond the end of flash stalls");
    clear_error(errADDRESS, "upload beyond flash");

    /* Erase inside the bootloader: errTARGET on the GETSTATUS after dfuDNBUSY. */
    st = special(DFUSE_CMD_ERASE, FLASH_BASE + 0x100u, 1);
    check(st.bState == dfuERROR && st.bStatus == errTARGET, "erase in the bootloader: errTARGET (%u/0x%02x)",
          st.bState, st.bStatus);
    clear_error(errTARGET, "erase in the bootloader");
    check(flash[0x100] == 0xB0u, "bootloader untouched");

    /* Write into the bootloader area: errTARGET. */
    set_address(FLASH_BASE);
    st = dnload_chunk(2, img, 64);
    check(st.bState == dfuERROR && st.bStatus == errTARGET, "write in the bootloader: errTARGET");
    clear_error(errTARGET, "write in the bootloader");

    /* Write beyond the end of flash (last page + 1 block): errTARGET. */
    set_address(FLASH_END - 16u);
    st = dnload_chunk(2, img, 64);
    check(st.bState == dfuERROR && st.bStatus == errTARGET, "write across the end of flash: errTARGET");
    clear_error(errTARGET, "write across the end of flash");

    /* SET_ADDRESS outside flash: errTARGET. */
    st = set_address(0x20000000u);
    check(st.bState == dfuERROR && st.bStatus == errTARGET, "SET_ADDRESS into SRAM: errTARGET");
    clear_error(errTARGET, "SET_ADDRESS into SRAM");
    check(dfu_address_pointer() != 0x20000000u, "pointer unchanged by a refused SET_ADDRESS");

    /* Programming over data without erasing: the controller refuses (PGERR) -> errWRITE. */
    set_address(APP_BASE);
    fill_pattern(b, 64, 7);
    st = dnload_chunk(2, b, 64);
    check(st.bState == dfuERROR && st.bStatus == errWRITE, "write over programmed flash: errWRITE (0x%02x)", st.bStatus);
    clear_error(errWRITE, "write over programmed flash");

    /* Odd address: the controller programs half-words only -> errADDRESS. */
    set_address(FLASH_END - FLASH_PAGE_SIZE + 1u);
    st = dnload_chunk(2, img, 16);
    check(st.bState == dfuERROR && st.bStatus == errADDRESS, "write at an odd address: errADDRESS (0x%02x)", st.bStatus);
    clear_error(errADDRESS, "write at an odd address");

    /* Block 1 is reserved; READ_UNPROTECT is not supported; both STALL with errSTALLEDPKT. */
    check(dnload(1, img, 16) == XFER_STALL, "DNLOAD block 1 stalls");
    clear_error(errSTALLEDPKT, "DNLOAD block 1");
    uint8_t unprotect = DFUSE_CMD_READ_UNPROTECT;
    check(dnload(0, &unprotect, 1) == XFER_STALL, "READ_UNPROTECT stalls");
    clear_error(errSTALLEDPKT, "READ_UNPROTECT");
    check(dnload(2, img, DFU_TRANSFER_SIZE) == DFU_TRANSFER_SIZE, "DNLOAD accepted in dfuIDLE");
    check(control(0xA1, DFU_UPLOAD, 2, 0, b, 16, &n) == XFER_STALL, "UPLOAD in dfuDNLOAD-SYNC stalls");
    clear_error(errSTALLEDPKT, "UPLOAD in dfuDNLOAD-SYNC");
    check(simple(DFU_CLRSTATUS) == XFER_STALL, "CLRSTATUS outside dfuERROR stalls");
    clear_error(errSTALLEDPKT, "CLRSTATUS outside dfuERROR");

    /* GETSTATUS asked again before the main loop ran the operation: still dfuDNBUSY. */
    uint32_t page = FLASH_END - FLASH_PAGE_SIZE;
    uint8_t erase_cmd[5] = {DFUSE_CMD_ERASE, (uint8_t)page, (uint8_t)(page >> 8), (uint8_t)(page >> 16),
                            (uint8_t)(page >> 24)};
    check(dnload(0, erase_cmd, 5) == 5, "ERASE command accepted");
    check(control(0xA1, DFU_GETSTATE, 0, 0, b, 1, &n) == XFER_OK && b[0] == dfuDNLOAD_SYNC, "GETSTATE = dfuDNLOAD-SYNC");
    st = get_status();
    check(st.bState == dfuDNBUSY && st.poll == DFU_POLL_ERASE_MS, "erase: dfuDNBUSY, %u ms", st.poll);
    st = get_status();
    check(st.bState == dfuDNBUSY && st.poll == DFU_POLL_BUSY_MS, "asked again before it ran: dfuDNBUSY, 5 ms");
    main_loop();
    check(control(0xA1, DFU_GETSTATE, 0, 0, b, 1, &n) == XFER_OK && b[0] == dfuDNLOAD_SYNC,
          "GETSTATE after the operation = dfuDNLOAD-SYNC");
    st = get_status();
    check(st.bState == dfuDNLOAD_IDLE && st.bStatus == DFU_OK, "then dfuDNLOAD-IDLE / OK");
    abort_to_idle();

    /* Write poll timeout: one full block. */
    set_address(page);
    check(dnload(2, img, DFU_TRANSFER_SIZE) == DFU_TRANSFER_SIZE, "full block accepted");
    st = get_status();
    check(st.bState == dfuDNBUSY && st.poll == dfu_mem_write_ms(DFU_TRANSFER_SIZE),
          "write: dfuDNBUSY, %u ms for %u bytes", st.poll, DFU_TRANSFER_SIZE);
    main_loop();
    st = get_status();
    check(st.bState == dfuDNLOAD_IDLE, "write done");
    check(memcmp(&flash[page - FLASH_BASE], img, DFU_TRANSFER_SIZE) == 0, "last page written");
    abort_to_idle();

    /* Mass erase: the application area only. */
    uint8_t boot_before[64];
    memcpy(boot_before, &flash[BOOT_SIZE - 64u], 64);
    st = special(DFUSE_CMD_ERASE, 0, 0);
    check(st.bStatus == DFU_OK && st.bState == dfuDNLOAD_IDLE, "mass erase done");
    int erased = 1;
    for (uint32_t i = BOOT_SIZE; i < FLASH_SIZE; i++) {
        erased &= flash[i] == 0xFFu;
    }
    check(erased, "mass erase: application area all 0xFF");
    check(memcmp(boot_before, &flash[BOOT_SIZE - 64u], 64) == 0, "mass erase: bootloader area kept");
    abort_to_idle();

    /* DETACH is accepted in DFU mode and keeps the device in dfuIDLE. */
    check(control(0x21, DFU_DETACH, 1000, 0, NULL, 0, &n) == XFER_OK, "DETACH accepted");
    st = get_status();
    check(st.bState == dfuIDLE, "dfuIDLE after DETACH");

    /* Download again and leave (dfu-util -s 0x08008000:leave). */
    fill_pattern(img, 3000, 3);
    dfuse_download(APP_BASE, img, 3000);
    set_address(APP_BASE);
    check(dnload(2, NULL, 0) == 0, "leave: zero-length DNLOAD accepted");
    st = get_status();
    check(st.rc == XFER_OK && st.bState == dfuMANIFEST && st.bStatus == DFU_OK,
          "leave: GETSTATUS answers dfuMANIFEST / OK (state %u)", st.bState);
    check(!left_dfu, "no reset before the main loop ran");
    check(main_loop() == 1 && left_dfu, "after the GETSTATUS completed: USB stopped, reset");
    check((cntr() & (USB_CNTR_FRES | USB_CNTR_PDWN)) == (USB_CNTR_FRES | USB_CNTR_PDWN), "USB powered down before the reset");
    check(memcmp(&flash[APP_BASE - FLASH_BASE], img, 3000) == 0, "app in flash");
}

int main(void)
{
    /* UID words as the board would define them: serial "0123ABCD4567EF0189ABCDEF". */
    *(uint32_t *)sim_mem(UID_BASE + 0u, 4) = 0x0123ABCDu;
    *(uint32_t *)sim_mem(UID_BASE + 4u, 4) = 0x4567EF01u;
    *(uint32_t *)sim_mem(UID_BASE + 8u, 4) = 0x89ABCDEFu;
    memset(flash, 0xFF, sizeof flash);
    memset(flash, 0xB0, BOOT_SIZE);     /* the bootloader itself */
    /* Peripheral state after reset: CNTR = FRES | PDWN. */
    *(uint32_t *)sim_mem(USB_BASE + 0x40u, 4) = USB_CNTR_FRES | USB_CNTR_PDWN;

    printf("usbsim [%s]: wTransferSize %u, page %u, layout %s\n", DFU_BOARD_NAME, DFU_TRANSFER_SIZE,
           FLASH_PAGE_SIZE, DFU_LAYOUT);
    usb_fs_init();
    check((cntr() & 0xFFu) == 0 && (cntr() & USB_CNTR_CTRM) && (cntr() & USB_CNTR_RESETM), "CNTR after init");
    check(reg(USB_BASE + 0x50u) == 0, "BTABLE = 0");
    check(bt(0, 0) == 0x40 && bt(0, 4) == 0x80 && bt(0, 6) == 0x8400, "EP0 buffers at 0x40/0x80, COUNT0_RX 0x8400");

    enumerate();
    dfu_session();

    check(toggle_errors == 0, "DATA0/DATA1 toggles always matched (%d mismatches)", toggle_errors);
    printf("usbsim [%s]: %d checks, %d failed\n", DFU_BOARD_NAME, checks, failures);
    return failures ? 1 : 0;
}
