/*
 * STM32F1 USB full-speed device driver: the peripheral and the control
 * pipe on endpoint 0 (USB 2.0 §5.5, §8.5.3, §9.3; RM0008 §23).
 *
 * usb_fs.c splits control transfers into 64-byte packets, adds the
 * zero-length packet when a short answer is a multiple of 64, runs the
 * status stage and stalls refused requests. The device layer answers the
 * requests through the callbacks below (usb_device.c), all called from the
 * USB_LP_CAN1_RX0 interrupt (IRQ 20).
 */
#ifndef USB_FS_H
#define USB_FS_H

#include <stdint.h>

#define USB_EP0_SIZE 64u

/* A SETUP packet, fields as in USB 2.0 Table 9-2 (little-endian on the wire). */
struct usb_setup {
    uint8_t bmRequestType;
    uint8_t bRequest;
    uint16_t wValue;
    uint16_t wIndex;
    uint16_t wLength;
};

#define USB_DIR_IN        0x80u
#define USB_TYPE_MASK     0x60u
#define USB_TYPE_STANDARD 0x00u
#define USB_TYPE_CLASS    0x20u
#define USB_RECIP_MASK    0x1Fu
#define USB_RECIP_DEVICE  0x00u
#define USB_RECIP_IFACE   0x01u
#define USB_RECIP_EP      0x02u

enum usb_result {
    USB_STALL = 0,      /* refuse: STALL the data or status stage */
    USB_OK = 1
};

/*
 * How a request proceeds, filled in by usb_control_setup():
 * device-to-host: `in` and `in_len` (the driver sends min(in_len, wLength));
 * host-to-device with data: `out`, a buffer of `out_size` bytes for wLength bytes.
 * The data must stay valid until usb_control_done() (static buffers).
 */
struct usb_data {
    const uint8_t *in;
    uint16_t in_len;
    uint8_t *out;
    uint16_t out_size;
};

/* Device layer callbacks (USB interrupt context). */
enum usb_result usb_control_setup(const struct usb_setup *setup, struct usb_data *data);
/* All wLength bytes of an OUT data stage are in data->out. */
enum usb_result usb_control_out(const struct usb_setup *setup, uint16_t len);
/* The status stage has completed (handshake done): the host has its answer. */
void usb_control_done(const struct usb_setup *setup);
/* USB bus reset seen (or the peripheral was just started). */
void usb_bus_reset(void);

/* Clock on, power up, BTABLE and EP0, interrupts on (CTRM, RESETM; NVIC IRQ 20). */
void usb_fs_init(void);
/* Interrupts off, peripheral in reset and powered down, clock off (before a jump or reset). */
void usb_fs_stop(void);
/* DADDR = EF | address; call once the SET_ADDRESS status stage is done (USB 2.0 §9.4.6). */
void usb_fs_set_address(uint8_t address);

#endif /* USB_FS_H */
