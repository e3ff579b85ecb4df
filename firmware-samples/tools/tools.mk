# Host tools, built with the host C compiler into build/tools/.
#   dfuse-pack: raw binaries -> DfuSe .dfu file (tools/dfuse-pack.c)

HOSTCC ?= cc
HOST_CFLAGS ?= -std=c11 -O2 -Wall -Wextra -Werror

ifneq ($(if $(MAKECMDGOALS),$(filter-out clean help,$(MAKECMDGOALS)),all),)
ifeq ($(shell command -v $(HOSTCC) 2>/dev/null),)
$(error host C compiler '$(HOSTCC)' not found: install gcc (apt-get install gcc))
endif
endif

DFUSE_PACK := $(BUILD)/tools/dfuse-pack

$(DFUSE_PACK): $(FW_ROOT)/tools/dfuse-pack.c $(FW_ROOT)/tools/tools.mk
	@mkdir -p $(@D)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOSTCC) $(HOST_CFLAGS) -o $@ $<

IMAGES += $(DFUSE_PACK)

# usbsim: the bootloader's USB/DFU code on the host against a simulated USB
# peripheral and a dfu-util-like host (tools/usbsim/usbsim.c). `make check-host`.
USBSIM_SRCS := tools/usbsim/usbsim.c f103/dfu/usb_fs.c f103/dfu/usb_device.c f103/dfu/usb_dfu.c f103/dfu/dfu_mem.c
USBSIM_BOARDS := bluepill f103rc
USBSIM_FLAGS.bluepill := -DBOARD_BLUEPILL
USBSIM_FLAGS.f103rc   := -DBOARD_F103RC -DSTM32F103_HD

$(BUILD)/tools/usbsim-%: $(addprefix $(FW_ROOT)/,$(USBSIM_SRCS)) $(FW_ROOT)/tools/usbsim/usbsim_hw.h \
                         $(wildcard $(FW_ROOT)/f103/dfu/*.h) $(FW_ROOT)/f103/stm32f103.h $(FW_ROOT)/f103/flash.h
	@mkdir -p $(@D)
	$(call msg,HOSTCC,$@)
	$(Q)$(HOSTCC) -std=gnu11 -O1 -g -Wall -Wextra -Werror -Wno-unused-function \
	  -include $(FW_ROOT)/tools/usbsim/usbsim_hw.h -I$(FW_ROOT)/f103/dfu -I$(FW_ROOT)/f103 -I$(FW_ROOT)/common \
	  $(USBSIM_FLAGS.$*) -o $@ $(addprefix $(FW_ROOT)/,$(USBSIM_SRCS))

check-host: $(foreach b,$(USBSIM_BOARDS),$(BUILD)/tools/usbsim-$(b))
	@for b in $(USBSIM_BOARDS); do $(BUILD)/tools/usbsim-$$b || exit 1; done

.PHONY: check-host
