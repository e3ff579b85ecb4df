# CPU tests for the generic Cortex-M3/M4 machines (see README.md):
# cpu/<test>.c becomes build/cpu/<test>-m3.elf (-mcpu=cortex-m3) and
# build/cpu/<test>-m4.elf (-mcpu=cortex-m4, hard float), plus .bin, .hex, .map.

CPU_TESTS_M3_M4 := \
    systick pendsv_svc nvic_preempt nvic_prio_bits tail_chain masking \
    psp_unprivileged scs_unpriv_fault hardfault_udf hardfault_busfault escalation \
    vtor_relocate sysreset_marker wfi_sleep bitband_sram reset_state \
    semihost_exit semihost_sys_exit sleeponexit
CPU_TESTS_M4 := fp_context

# Exit codes other than 0 (PASS), per test.
CPU_EXPECT.semihost_exit := 42

# Images that fail on QEMU 7.2 because QEMU differs from silicon
# (README.md, "Known to fail on QEMU").
CPU_QEMU_XFAIL := \
    reset_state-m3 reset_state-m4 nvic_prio_bits-m3 nvic_prio_bits-m4 \
    semihost_exit-m3 semihost_exit-m4 scs_unpriv_fault-m3 hardfault_busfault-m3 \
    sleeponexit-m3 sleeponexit-m4

# $(call cpu_test,TEST,VARIANT)
define cpu_test
$(eval $(call image,cpu/$(1)-$(2),cpu/$(1).c $(GENERIC_COMMON_SRCS),$(CPU_$(2)),common/generic.ld))
$(eval $(call qemu_test,cpu/$(1)-$(2),$(QEMU_MACHINE_$(2)),$(or $(CPU_EXPECT.$(1)),0),$(1),$(filter $(1)-$(2),$(CPU_QEMU_XFAIL))))
endef

$(foreach t,$(CPU_TESTS_M3_M4),$(foreach v,m3 m4,$(call cpu_test,$(t),$(v))))
$(foreach t,$(CPU_TESTS_M4),$(call cpu_test,$(t),m4))
