/*
 * DFU 1.1 class with ST's DfuSe extensions, DFU mode only (DFU 1.1 §6,
 * Appendix A state diagram; ST AN3156 "USB DFU protocol used in the STM32
 * bootloader"; dfu-util 0.11's expectations in facts-usb §3).
 *
 * Requests (interface 0, called from the USB interrupt):
 *   DNLOAD  (0x21, 1)  dfuIDLE / dfuDNLOAD-IDLE only.
 *     wLength = 0      leave: -> dfuMANIFEST-SYNC
 *     block 0          DfuSe command: 21 a0..a3 SET_ADDRESS, 41 a0..a3 ERASE
 *                      page, 41 mass erase (application pages) -> dfuDNLOAD-SYNC
 *     block 1          reserved: STALL, errSTALLEDPKT
 *     block n >= 2     data for pointer + (n - 2) * wTransferSize -> dfuDNLOAD-SYNC
 *     0x92 READ_UNPROTECT and unknown commands: STALL, errSTALLEDPKT.
 *   UPLOAD  (0xA1, 2)  dfuIDLE / dfuUPLOAD-IDLE only.
 *     block 0          GET_COMMANDS: 00 21 41
 *     block n >= 2     flash at pointer + (n - 2) * wTransferSize; a short
 *                      block (end of flash) ends the upload -> dfuIDLE;
 *                      nothing readable there: STALL, errADDRESS.
 *   GETSTATUS (0xA1, 3) 6 bytes: bStatus, bwPollTimeout (24 bits LE), bState, iString 0.
 *     dfuDNLOAD-SYNC with a command or block pending -> answers dfuDNBUSY with
 *       the operation's poll timeout; the operation runs in the main loop once
 *       this GETSTATUS has completed on the wire (its status stage), like ST's
 *       EP0_TxReady. Success -> dfuDNLOAD-SYNC, and the next GETSTATUS
 *       answers dfuDNLOAD-IDLE; failure -> dfuERROR with the error status.
 *     dfuDNBUSY (asked again before the operation finished) -> dfuDNBUSY, 5 ms.
 *     dfuMANIFEST-SYNC -> answers dfuMANIFEST; once that answer's status stage
 *       is done the main loop stops USB and resets the chip (not manifestation
 *       tolerant: dfuMANIFEST-WAIT-RESET is the reset itself).
 *   CLRSTATUS (0x21, 4) dfuERROR -> dfuIDLE, status OK.
 *   GETSTATE (0xA1, 5)  1 byte, any state.
 *   ABORT   (0x21, 6)  dfuIDLE, dfuDNLOAD-SYNC/-IDLE, dfuMANIFEST-SYNC,
 *                      dfuUPLOAD-IDLE -> dfuIDLE (a pending command is dropped).
 *   DETACH  (0x21, 0)  as ST's DfuSe devices: accepted in every state; from
 *                      the idle-like states above back to dfuIDLE.
 * Any other request, or one in a state that does not allow it (DFU 1.1
 * Appendix A): STALL, and dfuERROR with errSTALLEDPKT (in dfuERROR the
 * status is kept).
 */
#include "usb_dfu.h"

#include "dfu_config.h"
#include "dfu_mem.h"

enum op_kind { OP_NONE, OP_SET_ADDRESS, OP_ERASE, OP_MASS_ERASE, OP_WRITE, OP_LEAVE };

/* IDLE: not reported yet; WAITING: reported busy, waiting for that GETSTATUS
 * to complete; RUN: the main loop may run it (and owns it until done). */
enum op_phase { PHASE_IDLE, PHASE_WAITING, PHASE_RUN };

static volatile uint8_t state = dfuIDLE;
static volatile uint8_t status = DFU_OK;
static uint32_t pointer = APP_BASE;

static volatile struct {
    uint8_t kind;
    uint8_t phase;
    uint32_t addr;
    uint16_t len;
} op;

static uint8_t buffer[DFU_TRANSFER_SIZE];
static uint8_t reply[6];
static const uint8_t commands[] = {DFUSE_CMD_GET_COMMANDS, DFUSE_CMD_SET_ADDRESS, DFUSE_CMD_ERASE};

static enum usb_result refuse(void)
{
    if (state != dfuERROR) {
        state = dfuERROR;
        status = errSTALLEDPKT;
    }
    return USB_STALL;
}

static int idle_like(void)
{
    return state == dfuIDLE || state == dfuDNLOAD_SYNC || state == dfuDNLOAD_IDLE
        || state == dfuMANIFEST_SYNC || state == dfuUPLOAD_IDLE;
}

static void drop_op(void)
{
    if (op.phase != PHASE_RUN) {
        op.kind = OP_NONE;
        op.phase = PHASE_IDLE;
    }
}

static uint32_t le32(const uint8_t *p)
{
    return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint32_t op_poll_ms(void)
{
    switch (op.kind) {
    case OP_SET_ADDRESS:
        return DFU_POLL_SET_ADDRESS_MS;
    case OP_ERASE:
        return DFU_POLL_ERASE_MS;
    case OP_MASS_ERASE:
        return DFU_POLL_MASS_ERASE_MS;
    case OP_WRITE:
        return dfu_mem_write_ms(op.len);
    default:
        return DFU_POLL_MANIFEST_MS;
    }
}

static enum usb_result get_status(struct usb_data *data)
{
    uint32_t poll = 0;
    switch (state) {
    case dfuDNLOAD_SYNC:
        if (op.kind != OP_NONE && op.phase == PHASE_IDLE) {
            state = dfuDNBUSY;
            poll = op_poll_ms();
            op.phase = PHASE_WAITING;
        } else {
            state = dfuDNLOAD_IDLE;     /* the last block or command is complete */
        }
        break;
    case dfuDNBUSY:
        poll = DFU_POLL_BUSY_MS;
        break;
    case dfuMANIFEST_SYNC:
        state = dfuMANIFEST;
        poll = DFU_POLL_MANIFEST_MS;
        op.phase = PHASE_WAITING;
        break;
    case dfuMANIFEST:
        poll = DFU_POLL_MANIFEST_MS;
        break;
    default:
        break;
    }
    reply[0] = status;
    reply[1] = (uint8_t)poll;
    reply[2] = (uint8_t)(poll >> 8);
    reply[3] = (uint8_t)(poll >> 16);
    reply[4] = state;
    reply[5] = 0;                       /* iString */
    data->in = reply;
    data->in_len = 6;
    return USB_OK;
}

static enum usb_result upload(const struct usb_setup *s, struct usb_data *data)
{
    if ((state != dfuIDLE && state != dfuUPLOAD_IDLE) || s->wLength == 0u
        || s->wLength > DFU_TRANSFER_SIZE || s->wValue == 1u) {
        return refuse();
    }
    if (s->wValue == 0u) {
        data->in = commands;
        data->in_len = sizeof commands;
    } else {
        uint32_t addr = pointer + (uint32_t)(s->wValue - 2u) * DFU_TRANSFER_SIZE;
        enum dfu_status st = dfu_mem_read(addr, s->wLength, &data->in, &data->in_len);
        if (st != DFU_OK) {
            state = dfuERROR;
            status = st;
            return USB_STALL;
        }
    }
    /* A short frame ends the upload (DFU 1.1 §6.2). */
    state = data->in_len < s->wLength ? dfuIDLE : dfuUPLOAD_IDLE;
    return USB_OK;
}

static enum usb_result dnload_setup(const struct usb_setup *s, struct usb_data *data)
{
    if ((state != dfuIDLE && state != dfuDNLOAD_IDLE) || op.phase != PHASE_IDLE
        || s->wLength > DFU_TRANSFER_SIZE) {
        return refuse();
    }
    if (s->wLength == 0u) {
        op.kind = OP_LEAVE;             /* DfuSe "leave" / DFU 1.1 end of download */
        state = dfuMANIFEST_SYNC;
        return USB_OK;
    }
    data->out = buffer;
    data->out_size = sizeof buffer;
    return USB_OK;
}

enum usb_result dfu_control_out(const struct usb_setup *s, uint16_t len)
{
    if (s->bRequest != DFU_DNLOAD || len != s->wLength) {
        return refuse();
    }
    if (s->wValue == 0u) {
        if (len == 5u && buffer[0] == DFUSE_CMD_SET_ADDRESS) {
            op.kind = OP_SET_ADDRESS;
        } else if (len == 5u && buffer[0] == DFUSE_CMD_ERASE) {
            op.kind = OP_ERASE;
        } else if (len == 1u && buffer[0] == DFUSE_CMD_ERASE) {
            op.kind = OP_MASS_ERASE;
        } else {
            return refuse();            /* READ_UNPROTECT and unknown commands */
        }
        op.addr = len == 5u ? le32(&buffer[1]) : 0;
    } else if (s->wValue == 1u) {
        return refuse();
    } else {
        op.kind = OP_WRITE;
        op.addr = pointer + (uint32_t)(s->wValue - 2u) * DFU_TRANSFER_SIZE;
        op.len = len;
    }
    op.phase = PHASE_IDLE;
    state = dfuDNLOAD_SYNC;
    return USB_OK;
}

enum usb_result dfu_control_setup(const struct usb_setup *s, struct usb_data *data)
{
    int out = s->bmRequestType == 0x21u, in = s->bmRequestType == 0xA1u;
    switch (s->bRequest) {
    case DFU_DNLOAD:
        return out ? dnload_setup(s, data) : refuse();
    case DFU_UPLOAD:
        return in ? upload(s, data) : refuse();
    case DFU_GETSTATUS:
        return in ? get_status(data) : refuse();
    case DFU_CLRSTATUS:
        if (!out || state != dfuERROR) {
            return refuse();
        }
        state = dfuIDLE;
        status = DFU_OK;
        return USB_OK;
    case DFU_GETSTATE:
        if (!in) {
            return refuse();
        }
        reply[0] = state;
        data->in = reply;
        data->in_len = 1;
        return USB_OK;
    case DFU_ABORT:
        if (!out || !idle_like()) {
            return refuse();
        }
        drop_op();
        state = dfuIDLE;
        return USB_OK;
    case DFU_DETACH:
        if (!out) {
            return refuse();
        }
        if (idle_like()) {
            drop_op();
            state = dfuIDLE;
        }
        return USB_OK;
    default:
        return refuse();
    }
}

void dfu_control_done(const struct usb_setup *s)
{
    /* The GETSTATUS that reported dfuDNBUSY / dfuMANIFEST is now complete on
     * the wire: the operation may start. */
    if (s->bRequest == DFU_GETSTATUS && op.phase == PHASE_WAITING
        && (state == dfuDNBUSY || state == dfuMANIFEST)) {
        op.phase = PHASE_RUN;
    }
}

void dfu_reset(void)
{
    drop_op();
    state = dfuIDLE;
    status = DFU_OK;
    pointer = APP_BASE;
}

int dfu_work_pending(void)
{
    return op.phase == PHASE_RUN;
}

void dfu_poll(void)
{
    if (op.phase != PHASE_RUN) {
        return;
    }
    enum dfu_status st = DFU_OK;
    switch (op.kind) {
    case OP_SET_ADDRESS:
        st = dfu_mem_check_pointer(op.addr);
        break;
    case OP_ERASE:
        st = dfu_mem_erase(op.addr);
        break;
    case OP_MASS_ERASE:
        st = dfu_mem_mass_erase();
        break;
    case OP_WRITE:
        st = dfu_mem_write(op.addr, buffer, op.len);
        break;
    case OP_LEAVE:
        dfu_board_leave();
    default:
        break;
    }
    irq_disable();
    if (state == dfuDNBUSY) {           /* not reset or aborted meanwhile */
        if (st == DFU_OK) {
            if (op.kind == OP_SET_ADDRESS) {
                pointer = op.addr;
            }
            state = dfuDNLOAD_SYNC;
        } else {
            state = dfuERROR;
            status = st;
        }
    }
    op.kind = OP_NONE;
    op.phase = PHASE_IDLE;
    irq_enable();
}

enum dfu_state dfu_current_state(void)
{
    return (enum dfu_state)state;
}

uint32_t dfu_address_pointer(void)
{
    return pointer;
}
