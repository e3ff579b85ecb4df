package dev.stm32emu.cli.guest;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The "newc" cpio format (SVR4 without CRC, magic 070701): what the kernel unpacks as initramfs
 * (Documentation/driver-api/early-userspace/buffer-format.rst) and what busybox {@code cpio -o
 * -H newc} writes. A 110-byte ASCII-hex header, the NUL-terminated name padded so header + name
 * is a multiple of 4, then the data padded to 4; "TRAILER!!!" ends the archive.
 */
final class CpioNewc {

    private static final String MAGIC = "070701";
    private static final String TRAILER = "TRAILER!!!";
    private static final int S_IFMT = 0170000;
    private static final int S_IFDIR = 0040000;
    private static final int S_IFREG = 0100000;

    private CpioNewc() {
    }

    /** Builds archives. Directories must be added before the files in them. */
    static final class Writer {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();
        private int inode = 1;
        private boolean finished;

        Writer directory(String name) {
            entry(name, S_IFDIR | 0755, 2, new byte[0]);
            return this;
        }

        Writer file(String name, byte[] data) {
            entry(name, S_IFREG | 0644, 1, data);
            return this;
        }

        /** Terminates the archive and returns its bytes (length is a multiple of 4). */
        byte[] finish() {
            if (!finished) {
                entry(TRAILER, 0, 1, new byte[0]);
                finished = true;
            }
            return out.toByteArray();
        }

        private void entry(String name, int mode, int links, byte[] data) {
            if (finished) {
                throw new IllegalStateException("archive already finished");
            }
            byte[] nameBytes = (name + "\0").getBytes(StandardCharsets.UTF_8);
            StringBuilder h = new StringBuilder(MAGIC);
            long mtime = 0; // reproducible; the guest does not care
            for (long field : new long[] {TRAILER.equals(name) ? 0 : inode++, mode, 0, 0, links, mtime,
                    data.length, 0, 0, 0, 0, nameBytes.length, 0}) {
                h.append(String.format("%08x", field));
            }
            write(h.toString().getBytes(StandardCharsets.US_ASCII));
            write(nameBytes);
            pad();
            write(data);
            pad();
        }

        private void write(byte[] b) {
            out.write(b, 0, b.length);
        }

        private void pad() {
            while (out.size() % 4 != 0) {
                out.write(0);
            }
        }
    }

    /**
     * Reads the regular files of an archive, in archive order, with any leading "./" removed.
     * Stops at the trailer; bytes after it (e.g. the rest of a disk) are not read.
     */
    static Map<String, byte[]> read(InputStream stream) throws IOException {
        DataInputStream in = new DataInputStream(stream);
        Map<String, byte[]> files = new LinkedHashMap<>();
        long offset = 0;
        while (true) {
            byte[] header = new byte[110];
            try {
                in.readFully(header);
            } catch (EOFException e) {
                throw new IOException("cpio archive ends without a trailer at offset " + offset, e);
            }
            String magic = new String(header, 0, 6, StandardCharsets.US_ASCII);
            if (!magic.equals(MAGIC) && !magic.equals("070702")) {
                throw new IOException("no cpio newc header at offset " + offset + " (found '"
                        + magic.replaceAll("[^\\x20-\\x7e]", "?") + "')");
            }
            int mode = (int) hex(header, 1);
            long size = hex(header, 6);
            int nameSize = (int) hex(header, 11);
            if (nameSize < 1 || nameSize > 4096 || size < 0 || size > Integer.MAX_VALUE - 8) {
                throw new IOException("corrupt cpio header at offset " + offset);
            }
            byte[] nameBytes = new byte[nameSize];
            in.readFully(nameBytes);
            String name = new String(nameBytes, 0, nameSize - 1, StandardCharsets.UTF_8);
            offset += 110 + nameSize;
            offset += skipPad(in, offset);
            if (name.equals(TRAILER)) {
                return files;
            }
            byte[] data = new byte[(int) size];
            in.readFully(data);
            offset += size;
            offset += skipPad(in, offset);
            if ((mode & S_IFMT) == S_IFREG) {
                files.put(name.startsWith("./") ? name.substring(2) : name, data);
            }
        }
    }

    private static long hex(byte[] header, int field) {
        return Long.parseLong(new String(header, 6 + field * 8, 8, StandardCharsets.US_ASCII), 16);
    }

    private static int skipPad(DataInputStream in, long offset) throws IOException {
        int pad = (int) ((4 - offset % 4) % 4);
        in.readFully(new byte[pad]);
        return pad;
    }
}
