# Shared build rules for firmware-samples (and bench/crc32, via FW_ROOT).
#
# A per-directory makefile declares images with
#
#   $(eval $(call image,NAME,SOURCES,CPU,LDSCRIPT[,EXTRA_CFLAGS]))
#
#   NAME         output path below $(BUILD) without extension, e.g. cpu/systick-m3;
#                produces $(BUILD)/NAME.elf, .bin, .hex and .map
#   SOURCES      .c/.S files relative to $(FW_ROOT) (../ is allowed, e.g.
#                ../bench/crc32/crc32.c from bench/crc32 with FW_ROOT = firmware-samples)
#   CPU          cpu flags, e.g. $(CPU_m3) or $(CPU_m4)
#   LDSCRIPT     linker script; `INCLUDE sections.ld` works in it (-L common)
#   EXTRA_CFLAGS optional, e.g. -DAPP_BASE=0x08008000 -Ipath
#
# and registers QEMU runs for `make qemu-check` with
#
#   $(eval $(call qemu_test,NAME,MACHINE,EXPECTED_EXIT,TEST_NAME[,xfail]))
#
#   TEST_NAME    the name in the final "PASS <test>" line
#   xfail        any non-empty word: known to fail on QEMU (README says why)
#
# Objects go to $(BUILD)/obj/NAME/..., so one source can be built with
# several CPU/flag sets in one tree, and -j works.

FW_ROOT ?= .
BUILD   ?= $(FW_ROOT)/build

CROSS   ?= arm-none-eabi-
CC      := $(CROSS)gcc
OBJCOPY := $(CROSS)objcopy

# Fail loudly, naming the Debian packages, unless we are only cleaning.
ifneq ($(if $(MAKECMDGOALS),$(filter-out clean help,$(MAKECMDGOALS)),all),)
ifeq ($(shell command -v $(CC) 2>/dev/null),)
$(error $(CC) not found: install gcc-arm-none-eabi libnewlib-arm-none-eabi (apt-get install gcc-arm-none-eabi libnewlib-arm-none-eabi))
endif
endif

CPU_m3 := -mcpu=cortex-m3 -mthumb -mfloat-abi=soft
CPU_m4 := -mcpu=cortex-m4 -mthumb -mfloat-abi=hard -mfpu=fpv4-sp-d16

# `make V=1` prints the full compiler command lines.
Q   := $(if $(V),,@)
msg  = $(if $(V),,@printf '  %-7s %s\n' $(1) $(2))

OPT    ?= -O2
CFLAGS_COMMON := -std=gnu11 $(OPT) -g3 -Wall -Wextra -Wno-unused-parameter \
                 -ffreestanding -fno-builtin -fno-common -fno-tree-loop-distribute-patterns \
                 -ffunction-sections -fdata-sections -I$(FW_ROOT)/common
LDFLAGS_COMMON := -nostdlib -nostartfiles -Wl,--gc-sections -L$(FW_ROOT)/common

# Files every image on a generic machine links.
GENERIC_COMMON_SRCS := common/startup_generic.c common/semihosting.c common/print.c \
                       common/test.c common/mem.c common/fault.c

IMAGES :=
DEPS   :=
QEMU_TESTS :=

# Object path for source $(2) of image $(1).
obj_of = $(BUILD)/obj/$(1)/$(basename $(subst ../,__/,$(2))).o

define image_object
$(call obj_of,$(1),$(2)): $(FW_ROOT)/$(2) $(FW_ROOT)/common/rules.mk
	@mkdir -p $$(@D)
	$$(call msg,CC,$$@)
	$(Q)$(CC) $(3) $(CFLAGS_COMMON) $(5) -MMD -MP -c -o $$@ $$<
DEPS += $(basename $(call obj_of,$(1),$(2))).d
endef

define image
$(foreach s,$(2),$(eval $(call image_object,$(1),$(s),$(3),$(4),$(5))))
$(BUILD)/$(1).elf: $(foreach s,$(2),$(call obj_of,$(1),$(s))) $(FW_ROOT)/$(4) $(FW_ROOT)/common/sections.ld
	@mkdir -p $$(@D)
	$$(call msg,LD,$$@)
	$(Q)$(CC) $(3) $(LDFLAGS_COMMON) -T$(FW_ROOT)/$(4) -Wl,-Map=$(BUILD)/$(1).map -o $$@ $$(filter %.o,$$^) -lgcc
$(BUILD)/$(1).bin: $(BUILD)/$(1).elf
	$$(call msg,BIN,$$@)
	$(Q)$(OBJCOPY) -O binary $$< $$@
$(BUILD)/$(1).hex: $(BUILD)/$(1).elf
	$$(call msg,HEX,$$@)
	$(Q)$(OBJCOPY) -O ihex $$< $$@
IMAGES += $(BUILD)/$(1).elf $(BUILD)/$(1).bin $(BUILD)/$(1).hex
endef

define qemu_test
QEMU_TESTS += $(1)
QEMU_MACHINE.$(1) := $(2)
QEMU_EXPECT.$(1) := $(3)
TEST_NAME.$(1) := $(4)
QEMU_XFAIL.$(1) := $(if $(5),xfail,-)
endef

# QEMU stand-ins for the generic machines (facts: netduino2 = STM32F205,
# Cortex-M3; netduinoplus2 = STM32F405, Cortex-M4F; both 1 MiB flash at
# 0x08000000 aliased at 0 and 128 KiB SRAM at 0x20000000).
QEMU_MACHINE_m3 := netduino2
QEMU_MACHINE_m4 := netduinoplus2
