package dev.stm32emu.core.cpu.unicorn;

import java.util.Arrays;

/**
 * Instruction counts of translated blocks, keyed by start address and byte size, so the
 * block hook asks the engine only once per block (facts-unicorn.md §7.3). Open
 * addressing with linear probing; no boxing on the hot path.
 */
final class BlockSizeCache {
    private static final long EMPTY = -1L;
    private long[] keys;
    private int[] counts;
    private int size;

    BlockSizeCache() {
        keys = new long[1 << 12];
        counts = new int[1 << 12];
        Arrays.fill(keys, EMPTY);
    }

    static long key(long address, int byteSize) {
        return (address & 0xFFFF_FFFFL) | ((long) (byteSize & 0xFFFF) << 32);
    }

    /** The cached count, or -1. */
    int get(long key) {
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (true) {
            long k = keys[i];
            if (k == key) {
                return counts[i];
            }
            if (k == EMPTY) {
                return -1;
            }
            i = (i + 1) & mask;
        }
    }

    void put(long key, int count) {
        if (size * 2 >= keys.length) {
            grow();
        }
        int mask = keys.length - 1;
        int i = mix(key) & mask;
        while (keys[i] != EMPTY && keys[i] != key) {
            i = (i + 1) & mask;
        }
        if (keys[i] == EMPTY) {
            size++;
        }
        keys[i] = key;
        counts[i] = count;
    }

    void clear() {
        Arrays.fill(keys, EMPTY);
        size = 0;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        keys = new long[oldKeys.length * 2];
        counts = new int[oldKeys.length * 2];
        Arrays.fill(keys, EMPTY);
        size = 0;
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                put(oldKeys[i], oldCounts[i]);
            }
        }
    }

    private static int mix(long key) {
        long h = key * 0x9E37_79B9_7F4A_7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
