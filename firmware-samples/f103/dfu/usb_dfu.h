/*
 * DFU 1.1 class with ST's DfuSe extensions (DFU 1.1 §6; ST AN3156; dfu-util
 * 0.11 as described in facts-usb §3), for interface 0, alternate setting 0
 * (internal flash). Memory operations go through dfu_mem.h.
 */
#ifndef USB_DFU_H
#define USB_DFU_H

#include <stdint.h>

#include "usb_fs.h"

/* Functional descriptor (DFU 1.1 §4.1.3 Table 4.2) */
#define DFU_DESCRIPTOR_TYPE   0x21u
#define DFU_ATTR_CAN_DNLOAD   (1u << 0)
#define DFU_ATTR_CAN_UPLOAD   (1u << 1)
#define DFU_ATTR_MANIFEST_TOL (1u << 2)
#define DFU_ATTR_WILL_DETACH  (1u << 3)
/* Download and upload; not manifestation tolerant (leaving resets into the
 * app, so no DFU request can follow); no WillDetach (USB/IP cannot show a
 * detach-attach by itself; the host resets the device instead). */
#define DFU_ATTRIBUTES        (DFU_ATTR_CAN_DNLOAD | DFU_ATTR_CAN_UPLOAD)
#define DFU_DETACH_TIMEOUT_MS 255u
#define DFU_VERSION_DFUSE     0x011Au

/* Class requests (DFU 1.1 Table 3.2) */
enum dfu_request {
    DFU_DETACH = 0, DFU_DNLOAD = 1, DFU_UPLOAD = 2, DFU_GETSTATUS = 3,
    DFU_CLRSTATUS = 4, DFU_GETSTATE = 5, DFU_ABORT = 6
};

/* bState (DFU 1.1 §6.1.2) */
enum dfu_state {
    appIDLE = 0, appDETACH = 1, dfuIDLE = 2, dfuDNLOAD_SYNC = 3, dfuDNBUSY = 4,
    dfuDNLOAD_IDLE = 5, dfuMANIFEST_SYNC = 6, dfuMANIFEST = 7,
    dfuMANIFEST_WAIT_RESET = 8, dfuUPLOAD_IDLE = 9, dfuERROR = 10
};

/* bStatus (DFU 1.1 §6.1.2) */
enum dfu_status {
    DFU_OK = 0x00, errTARGET = 0x01, errFILE = 0x02, errWRITE = 0x03, errERASE = 0x04,
    errCHECK_ERASED = 0x05, errPROG = 0x06, errVERIFY = 0x07, errADDRESS = 0x08,
    errNOTDONE = 0x09, errFIRMWARE = 0x0A, errVENDOR = 0x0B, errUSBR = 0x0C,
    errPOR = 0x0D, errUNKNOWN = 0x0E, errSTALLEDPKT = 0x0F
};

/* DfuSe commands in DNLOAD block 0 (AN3156 §6) */
#define DFUSE_CMD_GET_COMMANDS  0x00u
#define DFUSE_CMD_SET_ADDRESS   0x21u
#define DFUSE_CMD_ERASE         0x41u
#define DFUSE_CMD_READ_UNPROTECT 0x92u

/* Class requests to interface 0 (USB interrupt context), from usb_device.c. */
enum usb_result dfu_control_setup(const struct usb_setup *setup, struct usb_data *data);
enum usb_result dfu_control_out(const struct usb_setup *setup, uint16_t len);
void dfu_control_done(const struct usb_setup *setup);
/* Bus reset or a new configuration: back to dfuIDLE, status OK, pointer = APP_BASE. */
void dfu_reset(void);

/* Main loop: is an erase/program/leave waiting to run? Run it. */
int dfu_work_pending(void);
void dfu_poll(void);

/* Provided by the bootloader: leave DFU mode (stop USB, system reset). */
__attribute__((noreturn)) void dfu_board_leave(void);

/* For tests and logs */
enum dfu_state dfu_current_state(void);
uint32_t dfu_address_pointer(void);

#endif /* USB_DFU_H */
