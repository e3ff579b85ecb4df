# STM32F103 samples (see README.md, "STM32F103 samples"). Images land in
# build/f103/; the test list for runners is build/f103/tests.tsv.
#
# Boards: bluepill = STM32F103C8 (MD: 64 KiB flash in 1 KiB pages, 20 KiB
# SRAM, 43 IRQs); f103rc = STM32F103RC (HD: 256 KiB flash in 2 KiB pages,
# 48 KiB SRAM, 60 IRQs). Both: 8 MHz HSE crystal, LED on PC13, USB D+ pull-up
# fixed on PA12.

F103_CFLAGS_bluepill := -If103 -DBOARD_BLUEPILL
F103_CFLAGS_f103rc   := -If103 -DBOARD_F103RC -DSTM32F103_HD

F103_BASE_SRCS := f103/startup_stm32f103.c common/mem.c
F103_BOARD_SRCS := f103/clock.c f103/uart.c
F103_TEST_SRCS := $(F103_BASE_SRCS) f103/test_f103.c common/test.c common/semihosting.c common/print.c

# $(call f103_test,NAME,EXTRA_SOURCES,EXPECTED_EXIT,HARNESS)
#   A Blue Pill test image build/f103/NAME.elf reporting "PASS NAME" through
#   semihosting; HARNESS is what the runner must do (tests.tsv column).
F103_TESTS :=
define f103_test
$(eval $(call image,f103/$(1),f103/$(1).c $(2) $(F103_TEST_SRCS),$(CPU_m3),f103/bluepill.ld,$(F103_CFLAGS_bluepill)))
F103_TESTS += $(1)
F103_EXPECT.$(1) := $(3)
F103_HARNESS.$(1) := $(4)
endef

# ---- Phase 1: peripheral samples (issue 3) ----
$(eval $(call image,f103/blink,f103/blink.c $(F103_BOARD_SRCS) $(F103_BASE_SRCS),$(CPU_m3),f103/bluepill.ld,$(F103_CFLAGS_bluepill)))

$(eval $(call f103_test,flash_test,f103/flash.c,0,none))
$(eval $(call f103_test,flash_wrp_test,f103/flash.c,0,none (three boots: two SYSRESETREQ; option bytes are rewritten and restored)))
$(eval $(call f103_test,iwdg_test,,0,none (two boots: IWDG reset about 10 ms after it starts)))
$(eval $(call f103_test,bkp_test,,0,none (two boots: SYSRESETREQ)))
$(eval $(call f103_test,exti_test,,0,drive PA0 high once at 10..500 ms after reset and keep it high))
all: $(BUILD)/f103/tests.tsv

# image<TAB>board<TAB>exit<TAB>last_line<TAB>harness
$(BUILD)/f103/tests.tsv: $(MAKEFILE_LIST)
	@mkdir -p $(@D)
	@printf '%s\t%s\t%s\t%s\t%s\n' image board exit last_line harness $(foreach t,$(F103_TESTS),\
	  f103/$(t).elf bluepill $(F103_EXPECT.$(t)) "PASS $(t)" "$(F103_HARNESS.$(t))") > $@

# ---- Phase 2: DfuSe bootloader and the app it starts (issue 4) ----
# dfu-bootloader-<board>: the first 32 KiB (boot linker scripts enforce it).
DFU_BOOT_SRCS := f103/dfu/dfu_boot.c f103/dfu/usb_fs.c f103/dfu/usb_device.c f103/dfu/usb_dfu.c \
                 f103/dfu/dfu_mem.c f103/flash.c $(F103_BOARD_SRCS) $(F103_BASE_SRCS)

$(eval $(call image,f103/dfu-bootloader-bluepill,$(DFU_BOOT_SRCS),$(CPU_m3),f103/bluepill-boot.ld,$(F103_CFLAGS_bluepill) -If103/dfu))
$(eval $(call image,f103/dfu-bootloader-f103rc,$(DFU_BOOT_SRCS),$(CPU_m3),f103/f103rc-boot.ld,$(F103_CFLAGS_f103rc) -If103/dfu))

# blink-app-<board>: linked at 0x08008000, plus a DfuSe file for dfu-util -D.
BLINK_APP_SRCS := f103/blink_app.c $(F103_BOARD_SRCS) $(F103_BASE_SRCS)
$(eval $(call image,f103/blink-app-bluepill,$(BLINK_APP_SRCS),$(CPU_m3),f103/bluepill-app.ld,$(F103_CFLAGS_bluepill)))
$(eval $(call image,f103/blink-app-f103rc,$(BLINK_APP_SRCS),$(CPU_m3),f103/f103rc-app.ld,$(F103_CFLAGS_f103rc)))

$(BUILD)/f103/%.dfu: $(BUILD)/f103/%.bin $(DFUSE_PACK)
	$(call msg,DFUSE,$@)
	$(Q)$(DFUSE_PACK) -o $@ 0x08008000:$<

IMAGES += $(BUILD)/f103/blink-app-bluepill.dfu $(BUILD)/f103/blink-app-f103rc.dfu
