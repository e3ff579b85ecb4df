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
