#include "print.h"
#include "semihosting.h"

void print(const char *s)
{
    sh_write0(s);
}

void print_hex(uint32_t v)
{
    static const char digits[] = "0123456789abcdef";
    char buf[11];
    buf[0] = '0';
    buf[1] = 'x';
    for (int i = 0; i < 8; i++) {
        buf[2 + i] = digits[(v >> (28 - 4 * i)) & 0xFu];
    }
    buf[10] = '\0';
    sh_write0(buf);
}

void print_udec(uint32_t v)
{
    char buf[11];
    int i = 10;
    buf[i] = '\0';
    do {
        buf[--i] = (char)('0' + v % 10u);
        v /= 10u;
    } while (v != 0u);
    sh_write0(&buf[i]);
}

void print_dec(int32_t v)
{
    if (v < 0) {
        sh_write0("-");
        print_udec(0u - (uint32_t)v);
    } else {
        print_udec((uint32_t)v);
    }
}

void print_kv_hex(const char *label, uint32_t v)
{
    print(label);
    print_hex(v);
    print("\n");
}

void print_kv_dec(const char *label, uint32_t v)
{
    print(label);
    print_udec(v);
    print("\n");
}
