/*
 * ARM semihosting for M-profile: BKPT 0xAB, R0 = operation, R1 = parameter,
 * result in R0 (ARM semihosting spec 2020Q4, "Semihosting operations";
 * facts-cortexm §9). Only the calls the samples need.
 */
#ifndef SEMIHOSTING_H
#define SEMIHOSTING_H

#include <stddef.h>
#include <stdint.h>

#define SYS_OPEN          0x01u
#define SYS_WRITEC        0x03u
#define SYS_WRITE0        0x04u
#define SYS_WRITE         0x05u
#define SYS_CLOCK         0x10u
#define SYS_EXIT          0x18u
#define SYS_EXIT_EXTENDED 0x20u

#define ADP_STOPPED_APPLICATION_EXIT 0x20026u
#define ADP_STOPPED_RUNTIME_ERROR    0x20023u

#define SH_STDOUT 1   /* handle 1 = stdout, as the brief of stm32emu defines it */

uint32_t sh_call(uint32_t op, const void *arg);

void sh_writec(char c);                     /* SYS_WRITEC: R1 points at the char */
void sh_write0(const char *s);              /* SYS_WRITE0: NUL-terminated string */
uint32_t sh_write(uint32_t handle, const void *buf, size_t len); /* returns bytes NOT written */
int32_t sh_open(const char *name, uint32_t mode);                /* SYS_OPEN, -1 on error */
int32_t sh_clock(void);                     /* SYS_CLOCK: centiseconds, -1 on error */
__attribute__((noreturn)) void sh_exit_extended(uint32_t code); /* {ApplicationExit, code} */
__attribute__((noreturn)) void sh_exit(uint32_t reason);        /* SYS_EXIT, R1 = reason */

#endif /* SEMIHOSTING_H */
