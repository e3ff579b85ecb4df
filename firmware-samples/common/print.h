/* Tiny printf-like helpers on top of semihosting SYS_WRITE0 (no newlib stdio). */
#ifndef PRINT_H
#define PRINT_H

#include <stdint.h>

void print(const char *s);
void print_hex(uint32_t v);      /* 0x%08x */
void print_udec(uint32_t v);     /* %u */
void print_dec(int32_t v);       /* %d */
/* "<label><0x........>\n" and "<label><decimal>\n" in one call */
void print_kv_hex(const char *label, uint32_t v);
void print_kv_dec(const char *label, uint32_t v);

#endif /* PRINT_H */
