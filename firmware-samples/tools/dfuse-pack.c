/*
 * dfuse-pack: wrap raw binaries into a DfuSe file (ST UM0391 "DfuSe File
 * Format Specification") with a DFU 1.1 suffix (DFU 1.1 Appendix B), as
 * dfu-util and ST's tools read it.
 *
 *   dfuse-pack [-v VID] [-p PID] [-d bcdDevice] [-a alt] [-n name] -o out.dfu ADDR:file.bin ...
 *
 * Defaults: VID 0x0483, PID 0xDF11, bcdDevice 0xFFFF (any), alternate
 * setting 0, target name "Internal Flash". One target, one element per
 * ADDR:file argument. Layout (all integers little-endian):
 *
 *   prefix (11)     "DfuSe", bVersion 0x01, DFUImageSize (u32: file size
 *                   without the suffix), bTargets (u8)
 *   target (274)    "Target", bAlternateSetting (u8), bTargetNamed (u32 1),
 *                   szTargetName (255, NUL padded), dwTargetSize (u32: size
 *                   of the elements with their headers), dwNbElements (u32)
 *   element (8+n)   dwElementAddress, dwElementSize, data
 *   suffix (16)     bcdDevice, idProduct, idVendor, bcdDFU 0x011A, "UFD",
 *                   bLength 16, dwCRC
 *
 * dwCRC is dfu-util's: the reflected CRC-32 (polynomial 0xEDB88320) started
 * at 0xFFFFFFFF over every byte before dwCRC, without the final inversion.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_ELEMENTS 16
#define TARGET_NAME_LEN 255

struct element {
    uint32_t address;
    uint8_t *data;
    uint32_t size;
};

struct buf {
    uint8_t *p;
    size_t len, cap;
};

static void die(const char *fmt, const char *arg)
{
    fprintf(stderr, "dfuse-pack: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n");
    exit(2);
}

static void put(struct buf *b, const void *src, size_t n)
{
    if (b->len + n > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->len + n) {
            cap *= 2;
        }
        uint8_t *p = realloc(b->p, cap);
        if (p == NULL) {
            die("%s", "out of memory");
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->len, src, n);
    b->len += n;
}

static void put_u8(struct buf *b, uint8_t v)
{
    put(b, &v, 1);
}

static void put_u16(struct buf *b, uint16_t v)
{
    uint8_t x[2] = {(uint8_t)v, (uint8_t)(v >> 8)};
    put(b, x, 2);
}

static void put_u32(struct buf *b, uint32_t v)
{
    uint8_t x[4] = {(uint8_t)v, (uint8_t)(v >> 8), (uint8_t)(v >> 16), (uint8_t)(v >> 24)};
    put(b, x, 4);
}

static void set_u32(struct buf *b, size_t at, uint32_t v)
{
    for (int i = 0; i < 4; i++) {
        b->p[at + i] = (uint8_t)(v >> (8 * i));
    }
}

static uint32_t dfu_crc(const uint8_t *p, size_t n)
{
    uint32_t crc = 0xFFFFFFFFu;
    while (n--) {
        crc ^= *p++;
        for (int k = 0; k < 8; k++) {
            crc = (crc >> 1) ^ (0xEDB88320u & (0u - (crc & 1u)));
        }
    }
    return crc;
}

static unsigned long parse_number(const char *s, unsigned long max, const char *what)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 0);
    if (errno != 0 || end == s || *end != '\0' || v > max) {
        die(what, s);
    }
    return v;
}

static void read_element(const char *arg, struct element *e)
{
    const char *colon = strchr(arg, ':');
    if (colon == NULL || colon == arg) {
        die("element '%s' is not ADDRESS:FILE", arg);
    }
    char addr[32];
    size_t alen = (size_t)(colon - arg);
    if (alen >= sizeof addr) {
        die("bad address in '%s'", arg);
    }
    memcpy(addr, arg, alen);
    addr[alen] = '\0';
    e->address = (uint32_t)parse_number(addr, 0xFFFFFFFFul, "bad address '%s'");

    const char *path = colon + 1;
    FILE *f = fopen(path, "rb");
    if (f == NULL) {
        die("cannot open %s", path);
    }
    struct buf b = {0};
    uint8_t chunk[4096];
    size_t n;
    while ((n = fread(chunk, 1, sizeof chunk, f)) > 0) {
        put(&b, chunk, n);
    }
    if (ferror(f)) {
        die("cannot read %s", path);
    }
    fclose(f);
    if (b.len == 0 || b.len > 0xFFFFFFFFu) {
        die("%s is empty or too large", path);
    }
    e->data = b.p;
    e->size = (uint32_t)b.len;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: dfuse-pack [-v VID] [-p PID] [-d bcdDevice] [-a alt] [-n name] -o out.dfu ADDR:file.bin ...\n");
    exit(2);
}

int main(int argc, char **argv)
{
    uint16_t vid = 0x0483, pid = 0xDF11, bcd_device = 0xFFFF;
    uint8_t alt = 0;
    const char *name = "Internal Flash";
    const char *out = NULL;
    struct element elements[MAX_ELEMENTS];
    unsigned count = 0;

    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        if (a[0] == '-' && a[1] != '\0' && a[2] == '\0') {
            if (i + 1 >= argc) {
                usage();
            }
            const char *v = argv[++i];
            switch (a[1]) {
            case 'v': vid = (uint16_t)parse_number(v, 0xFFFF, "bad VID '%s'"); break;
            case 'p': pid = (uint16_t)parse_number(v, 0xFFFF, "bad PID '%s'"); break;
            case 'd': bcd_device = (uint16_t)parse_number(v, 0xFFFF, "bad bcdDevice '%s'"); break;
            case 'a': alt = (uint8_t)parse_number(v, 0xFF, "bad alternate setting '%s'"); break;
            case 'n':
                if (strlen(v) >= TARGET_NAME_LEN) {
                    die("target name '%s' is longer than 254 characters", v);
                }
                name = v;
                break;
            case 'o': out = v; break;
            default: usage();
            }
        } else {
            if (count == MAX_ELEMENTS) {
                die("more than %s elements", "16");
            }
            read_element(a, &elements[count++]);
        }
    }
    if (out == NULL || count == 0) {
        usage();
    }

    struct buf b = {0};
    put(&b, "DfuSe", 5);
    put_u8(&b, 0x01);
    size_t image_size_at = b.len;
    put_u32(&b, 0);                     /* DFUImageSize, patched below */
    put_u8(&b, 1);                      /* bTargets */

    put(&b, "Target", 6);
    put_u8(&b, alt);
    put_u32(&b, 1);                     /* bTargetNamed */
    uint8_t tname[TARGET_NAME_LEN] = {0};
    memcpy(tname, name, strlen(name));
    put(&b, tname, sizeof tname);
    uint32_t target_size = 0;
    for (unsigned i = 0; i < count; i++) {
        target_size += 8u + elements[i].size;
    }
    put_u32(&b, target_size);
    put_u32(&b, count);

    for (unsigned i = 0; i < count; i++) {
        put_u32(&b, elements[i].address);
        put_u32(&b, elements[i].size);
        put(&b, elements[i].data, elements[i].size);
    }
    set_u32(&b, image_size_at, (uint32_t)b.len);

    put_u16(&b, bcd_device);
    put_u16(&b, pid);
    put_u16(&b, vid);
    put_u16(&b, 0x011A);                /* bcdDFU: DfuSe */
    put(&b, "UFD", 3);
    put_u8(&b, 16);                     /* bLength of the suffix */
    put_u32(&b, dfu_crc(b.p, b.len));

    FILE *f = fopen(out, "wb");
    if (f == NULL) {
        die("cannot create %s", out);
    }
    if (fwrite(b.p, 1, b.len, f) != b.len || fclose(f) != 0) {
        die("cannot write %s", out);
    }
    for (unsigned i = 0; i < count; i++) {
        free(elements[i].data);
    }
    free(b.p);
    return 0;
}
