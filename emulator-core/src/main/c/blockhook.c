/*
 * stm32emu native block hook: the time-keeping half of the CPU backend, in C.
 *
 * Every executed translation block passes through a UC_HOOK_BLOCK callback. Doing that
 * in Java costs an upcall per block (~25 ns, facts-unicorn.md §4: 165-195 MIPS); this
 * hook counts the block's instructions and stops the engine at the instruction budget
 * without leaving C, and calls back into Java only when Java asked for attention (a stop
 * request, a block-boundary callback, or a masked-interrupt probe). The semantics are
 * the Java hook's (UnicornBackend.onBlock): a block on which the run stops is not
 * executed and not counted, so both give the same cycle counts.
 *
 * The layout of struct hook_state is mirrored in NativeBlockHook.java.
 */
#include <stdint.h>
#include <string.h>
#include <unicorn/unicorn.h>

#define CACHE_SIZE (1u << 16) /* entries; power of two */

struct hook_state {
    int64_t budget;            /*  0: stop at the first block boundary at or after this */
    int64_t executed;          /*  8: instructions counted in this run */
    volatile int32_t attention;/* 16: non-zero: call java_slow before anything else */
    int32_t stop_cause;        /* 20: 0 running, 1 budget, 2 stopped by Java */
    uint64_t block_address;    /* 24: the block executing now */
    uint32_t block_size;       /* 32 */
    volatile int32_t clear;    /* 36: non-zero: drop the instruction-count cache */
    void (*java_slow)(uc_engine *, uint64_t, uint32_t, void *); /* 40 */
    uint64_t keys[CACHE_SIZE]; /* 48: address | size << 32, 0 = empty */
    uint32_t counts[CACHE_SIZE];
};

size_t stm32emu_block_hook_state_size(void)
{
    return sizeof(struct hook_state);
}

static uint32_t instruction_count(struct hook_state *s, uc_engine *uc, uint64_t address, uint32_t size)
{
    uint64_t key = (address & 0xFFFFFFFFu) | ((uint64_t)(size & 0xFFFFu) << 32);
    uint32_t i = (uint32_t)(address >> 1) & (CACHE_SIZE - 1);
    uint32_t probes;
    if (s->clear) {
        memset(s->keys, 0, sizeof s->keys);
        s->clear = 0;
    }
    for (probes = 0; probes < 16; probes++, i = (i + 1) & (CACHE_SIZE - 1)) {
        if (s->keys[i] == key) {
            return s->counts[i];
        }
        if (s->keys[i] == 0) {
            break;
        }
    }
    {
        /* Ask the engine; it wants the address without the Thumb bit (measured). */
        uc_tb tb;
        uint32_t count = size / 2 ? size / 2 : 1;
        if (uc_ctl_request_cache(uc, address, &tb) == UC_ERR_OK) {
            count = tb.icount;
        }
        if (probes == 16) {
            /* Crowded neighbourhood: start over rather than grow. */
            memset(s->keys, 0, sizeof s->keys);
            i = (uint32_t)(address >> 1) & (CACHE_SIZE - 1);
        }
        s->keys[i] = key;
        s->counts[i] = count;
        return count;
    }
}

void stm32emu_block_hook(uc_engine *uc, uint64_t address, uint32_t size, void *user)
{
    struct hook_state *s = user;
    if (s->attention) {
        s->java_slow(uc, address, size, user);
        if (s->stop_cause) {
            return;
        }
    }
    if (s->executed >= s->budget) {
        s->stop_cause = 1;
        uc_emu_stop(uc);
        return;
    }
    s->executed += instruction_count(s, uc, address, size);
    s->block_address = address;
    s->block_size = size;
}
