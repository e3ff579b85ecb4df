/*
 * semihost_sys_exit: the legacy 32-bit SYS_EXIT (0x18) with R1 = the reason
 * code ADP_Stopped_ApplicationExit (0x20026) itself, no parameter block.
 * Hosts map that reason to exit status 0 (facts-cortexm §9.2, exit-code mapping).
 */
#include "semihosting.h"
#include "test.h"

const char test_name[] = "semihost_sys_exit";

int main(void)
{
    print("semihost_sys_exit: leaving through SYS_EXIT(ADP_Stopped_ApplicationExit)\n");
    print("PASS ");
    print(test_name);
    print("\n");
    sh_exit(ADP_STOPPED_APPLICATION_EXIT);
}
