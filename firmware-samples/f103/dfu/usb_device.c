/*
 * The bootloader's USB device: descriptors and the standard requests
 * (USB 2.0 §9.4, §9.6), class requests passed to the DFU class.
 *
 * One configuration (1), one interface (0) with one alternate setting (0):
 * DFU mode, class FE/01/02, followed by the DFU functional descriptor.
 * VID:PID 0483:DF11 as ST's DFU bootloaders, bcdDevice 0x2200.
 * The byte-exact descriptors are listed in firmware-samples/README.md.
 */
#include "dfu_config.h"
#include "usb_dfu.h"
#include "usb_fs.h"

#define USB_VID        0x0483u
#define USB_PID        0xDF11u
#define USB_BCD_DEVICE 0x2200u

#define LO(x) ((uint8_t)((x) & 0xFFu))
#define HI(x) ((uint8_t)(((x) >> 8) & 0xFFu))

enum { STR_LANGID, STR_MANUFACTURER, STR_PRODUCT, STR_SERIAL, STR_INTERFACE, STR_COUNT };

/* USB 2.0 Table 9-8 */
static const uint8_t device_descriptor[18] = {
    18, 0x01,                           /* bLength, DEVICE */
    LO(0x0200), HI(0x0200),             /* bcdUSB 2.00 (full speed only: no qualifier, no BOS) */
    0x00, 0x00, 0x00,                   /* class per interface */
    USB_EP0_SIZE,                       /* bMaxPacketSize0 */
    LO(USB_VID), HI(USB_VID),
    LO(USB_PID), HI(USB_PID),
    LO(USB_BCD_DEVICE), HI(USB_BCD_DEVICE),
    STR_MANUFACTURER, STR_PRODUCT, STR_SERIAL,
    1                                   /* bNumConfigurations */
};

#define CONFIG_TOTAL_LENGTH (9u + 9u + 9u)

/* USB 2.0 Tables 9-10 and 9-12, DFU 1.1 §4.2.3 and Table 4.2 */
static const uint8_t config_descriptor[CONFIG_TOTAL_LENGTH] = {
    9, 0x02, LO(CONFIG_TOTAL_LENGTH), HI(CONFIG_TOTAL_LENGTH),
    1,                                  /* bNumInterfaces */
    1,                                  /* bConfigurationValue */
    0,                                  /* iConfiguration */
    0x80,                               /* bmAttributes: bus powered, no remote wakeup */
    50,                                 /* bMaxPower: 100 mA */
    /* interface 0, alternate setting 0: DFU mode, internal flash */
    9, 0x04, 0, 0, 0, 0xFE, 0x01, 0x02, STR_INTERFACE,
    /* DFU functional descriptor */
    9, DFU_DESCRIPTOR_TYPE, DFU_ATTRIBUTES,
    LO(DFU_DETACH_TIMEOUT_MS), HI(DFU_DETACH_TIMEOUT_MS),
    LO(DFU_TRANSFER_SIZE), HI(DFU_TRANSFER_SIZE),
    LO(DFU_VERSION_DFUSE), HI(DFU_VERSION_DFUSE),
};
#define DFU_FUNCTIONAL (&config_descriptor[18])

static const char manufacturer[] = "stm32emu";
static const char product[] = "DfuSe bootloader (" DFU_BOARD_NAME ")";
static const char layout[] = DFU_LAYOUT;

static uint8_t configuration;
static uint8_t reply[2];
static uint8_t string_buf[2u + 2u * 126u];

/* String descriptor (USB 2.0 §9.6.7) from ASCII, UTF-16LE. */
static uint16_t string_descriptor(const char *s)
{
    uint16_t n = 0;
    while (s[n] != '\0' && n < 126u) {
        string_buf[2u + 2u * n] = (uint8_t)s[n];
        string_buf[3u + 2u * n] = 0;
        n++;
    }
    string_buf[0] = (uint8_t)(2u + 2u * n);
    string_buf[1] = 0x03;
    return (uint16_t)(2u + 2u * n);
}

/* Serial number: the 96-bit unique ID (RM0008 §30.2) as 24 upper-case hex
 * digits, the words at 0x1FFFF7E8, +4, +8 in that order, each MSB first. */
static uint16_t serial_descriptor(void)
{
    static const char hex[] = "0123456789ABCDEF";
    char s[25];
    for (unsigned w = 0; w < 3u; w++) {
        uint32_t v = UID_WORD(w);
        for (unsigned i = 0; i < 8u; i++) {
            s[8u * w + i] = hex[(v >> (28u - 4u * i)) & 0xFu];
        }
    }
    s[24] = '\0';
    return string_descriptor(s);
}

static enum usb_result get_descriptor(const struct usb_setup *s, struct usb_data *d)
{
    uint8_t type = HI(s->wValue), index = LO(s->wValue);
    switch (type) {
    case 0x01:
        if (s->bmRequestType != 0x80u) {
            return USB_STALL;
        }
        d->in = device_descriptor;
        d->in_len = sizeof device_descriptor;
        return USB_OK;
    case 0x02:
        if (s->bmRequestType != 0x80u || index != 0u) {
            return USB_STALL;
        }
        d->in = config_descriptor;
        d->in_len = sizeof config_descriptor;
        return USB_OK;
    case 0x03:
        if (s->bmRequestType != 0x80u) {
            return USB_STALL;
        }
        switch (index) {
        case STR_LANGID:
            string_buf[0] = 4;
            string_buf[1] = 0x03;
            string_buf[2] = LO(0x0409);         /* English (United States) */
            string_buf[3] = HI(0x0409);
            d->in_len = 4;
            break;
        case STR_MANUFACTURER:
            d->in_len = string_descriptor(manufacturer);
            break;
        case STR_PRODUCT:
            d->in_len = string_descriptor(product);
            break;
        case STR_SERIAL:
            d->in_len = serial_descriptor();
            break;
        case STR_INTERFACE:
            d->in_len = string_descriptor(layout);
            break;
        default:
            return USB_STALL;
        }
        d->in = string_buf;
        return USB_OK;
    case DFU_DESCRIPTOR_TYPE:           /* DFU 1.1 §6.2: also readable on its own */
        if ((s->bmRequestType != 0x80u && s->bmRequestType != 0x81u) || index != 0u) {
            return USB_STALL;
        }
        d->in = DFU_FUNCTIONAL;
        d->in_len = 9;
        return USB_OK;
    default:                            /* device qualifier, BOS, ...: request error */
        return USB_STALL;
    }
}

static enum usb_result reply_bytes(struct usb_data *d, uint8_t b0, uint8_t b1, uint16_t len)
{
    reply[0] = b0;
    reply[1] = b1;
    d->in = reply;
    d->in_len = len;
    return USB_OK;
}

static enum usb_result standard_request(const struct usb_setup *s, struct usb_data *d)
{
    switch (s->bRequest) {
    case 0x00:                          /* GET_STATUS (§9.4.5) */
        if (s->wValue != 0u || s->wLength != 2u) {
            return USB_STALL;
        }
        if (s->bmRequestType == 0x80u) {
            return reply_bytes(d, 0, 0, 2);     /* bus powered, no remote wakeup */
        }
        if (s->bmRequestType == 0x81u && s->wIndex == 0u && configuration != 0u) {
            return reply_bytes(d, 0, 0, 2);
        }
        if (s->bmRequestType == 0x82u && (s->wIndex & 0x7Fu) == 0u) {
            return reply_bytes(d, 0, 0, 2);     /* EP0 is never halted */
        }
        return USB_STALL;
    case 0x01:                          /* CLEAR_FEATURE (§9.4.1) */
    case 0x03:                          /* SET_FEATURE (§9.4.9) */
        /* ENDPOINT_HALT on EP0: accepted, no effect (§9.4.5 note). No remote
         * wakeup, no test mode, no other endpoint. */
        if (s->bmRequestType == 0x02u && s->wValue == 0u && (s->wIndex & 0x7Fu) == 0u) {
            return USB_OK;
        }
        return USB_STALL;
    case 0x05:                          /* SET_ADDRESS (§9.4.6): applied in usb_control_done */
        if (s->bmRequestType != 0x00u || s->wValue > 127u || s->wIndex != 0u || s->wLength != 0u) {
            return USB_STALL;
        }
        return USB_OK;
    case 0x06:                          /* GET_DESCRIPTOR (§9.4.3) */
        return get_descriptor(s, d);
    case 0x08:                          /* GET_CONFIGURATION (§9.4.2) */
        if (s->bmRequestType != 0x80u) {
            return USB_STALL;
        }
        return reply_bytes(d, configuration, 0, 1);
    case 0x09:                          /* SET_CONFIGURATION (§9.4.7) */
        if (s->bmRequestType != 0x00u || s->wValue > 1u) {
            return USB_STALL;
        }
        if (configuration != (uint8_t)s->wValue) {
            configuration = (uint8_t)s->wValue;
            dfu_reset();                /* a new configuration starts the class afresh */
        }
        return USB_OK;
    case 0x0A:                          /* GET_INTERFACE (§9.4.4) */
        if (s->bmRequestType != 0x81u || s->wIndex != 0u || configuration == 0u) {
            return USB_STALL;
        }
        return reply_bytes(d, 0, 0, 1);
    case 0x0B:                          /* SET_INTERFACE (§9.4.10): only alternate setting 0 */
        if (s->bmRequestType != 0x01u || s->wIndex != 0u || s->wValue != 0u || configuration == 0u) {
            return USB_STALL;
        }
        return USB_OK;
    default:                            /* SYNCH_FRAME and unknown requests */
        return USB_STALL;
    }
}

static int is_dfu_request(const struct usb_setup *s)
{
    return (s->bmRequestType & USB_TYPE_MASK) == USB_TYPE_CLASS
        && (s->bmRequestType & USB_RECIP_MASK) == USB_RECIP_IFACE;
}

enum usb_result usb_control_setup(const struct usb_setup *setup, struct usb_data *data)
{
    if ((setup->bmRequestType & USB_TYPE_MASK) == USB_TYPE_STANDARD) {
        return standard_request(setup, data);
    }
    /* Interface requests are valid only in the Configured state (§9.4). */
    if (is_dfu_request(setup) && setup->wIndex == 0u && configuration != 0u) {
        return dfu_control_setup(setup, data);
    }
    return USB_STALL;
}

enum usb_result usb_control_out(const struct usb_setup *setup, uint16_t len)
{
    if (is_dfu_request(setup)) {
        return dfu_control_out(setup, len);
    }
    return USB_STALL;
}

void usb_control_done(const struct usb_setup *setup)
{
    if (setup->bmRequestType == 0x00u && setup->bRequest == 0x05u) {
        usb_fs_set_address((uint8_t)setup->wValue);
        if (setup->wValue == 0u) {
            configuration = 0;          /* back to the Default state */
        }
    } else if (is_dfu_request(setup)) {
        dfu_control_done(setup);
    }
}

void usb_bus_reset(void)
{
    configuration = 0;
    dfu_reset();
}
