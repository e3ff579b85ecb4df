package dev.stm32emu.periph.flash;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;

/**
 * The memory behind the main flash: host memory, or a file ({@code --flash-image FILE})
 * mapped shared into the process, so every completed program or erase is in the file as
 * soon as the memory holds it. A process killed right after still leaves it there: the
 * mapping is the kernel's page cache, which outlives the process; only a crash of the
 * whole host needs the {@link #flush} done on {@link #close}. Nothing is synced per
 * half-word.
 *
 * <p>A new image file is filled with 0xFF (erased flash) under a temporary name and then
 * renamed, so an interrupted creation never leaves a half-written image; the board then
 * loads the firmware into it ({@link #isNew}). An existing file is used as it is, and
 * refused when its size differs from the chip's flash. The file is locked while in use,
 * so two emulators cannot share one image.
 *
 * <p>The segment is page aligned (the CPU engine maps it directly). Close the storage only
 * after the machine that maps it.
 */
public final class FlashStorage implements AutoCloseable {
    private static final int PAGE = 4096;

    private final Arena arena;
    private final MemorySegment segment;
    private final FileChannel channel;
    private final FileLock lock;
    private final Path file;
    private final boolean fresh;
    private boolean closed;

    private FlashStorage(Arena arena, MemorySegment segment, FileChannel channel, FileLock lock, Path file, boolean fresh) {
        this.arena = arena;
        this.segment = segment;
        this.channel = channel;
        this.lock = lock;
        this.file = file;
        this.fresh = fresh;
    }

    /** Flash in host memory, erased (0xFF); gone when the process ends. */
    public static FlashStorage inMemory(long size) {
        Arena arena = Arena.ofShared();
        MemorySegment segment = arena.allocate(size, PAGE);
        segment.fill((byte) 0xFF);
        return new FlashStorage(arena, segment, null, null, null, true);
    }

    /**
     * Flash in an image file: created erased if it does not exist, opened as is otherwise.
     *
     * @param size the chip's flash size in bytes
     * @throws FlashImageException with a one-line message naming the file: wrong size,
     *                             unreadable, or used by another process
     */
    public static FlashStorage open(Path file, long size) throws FlashImageException {
        boolean fresh = !Files.exists(file);
        try {
            if (fresh) {
                createErased(file, size);
            } else if (Files.isDirectory(file)) {
                throw new FlashImageException(file, "flash image " + file + " is a directory");
            } else {
                long actual = Files.size(file);
                if (actual != size) {
                    throw FlashImageException.wrongSize(file, actual, size);
                }
            }
            FileChannel channel = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = lockOrNull(channel);
            if (lock == null) {
                channel.close();
                throw new FlashImageException(file, "flash image " + file + " is in use by another emulator");
            }
            Arena arena = Arena.ofShared();
            MemorySegment segment = channel.map(FileChannel.MapMode.READ_WRITE, 0, size, arena);
            return new FlashStorage(arena, segment, channel, lock, file, fresh);
        } catch (NoSuchFileException e) {
            throw new FlashImageException(file, "cannot create flash image " + file + ": no such directory");
        } catch (AccessDeniedException e) {
            throw new FlashImageException(file, "cannot open flash image " + file + ": permission denied");
        } catch (IOException e) {
            throw new FlashImageException(file, "cannot open flash image " + file + ": " + e.getMessage());
        }
    }

    /** The flash contents, page aligned. */
    public MemorySegment segment() {
        return segment;
    }

    /** Flash size in bytes. */
    public long size() {
        return segment.byteSize();
    }

    /** True when the flash starts erased (in memory, or a file created just now): load the firmware. */
    public boolean isNew() {
        return fresh;
    }

    /** The image file, if the flash lives in one. */
    public Optional<Path> file() {
        return Optional.ofNullable(file);
    }

    /** Writes the mapped contents through to the storage device (fsync of the range). */
    public void flush() {
        if (channel != null && !closed) {
            segment.force();
        }
    }

    /** Flushes, unlocks and unmaps. The segment must no longer be used (close the machine first). */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        try {
            flush();
            if (channel != null) {
                lock.release();
                channel.close();
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException("closing flash image " + file, e);
        } finally {
            closed = true;
            arena.close();
        }
    }

    private static void createErased(Path file, long size) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        Path temp = Files.createTempFile(dir, file.getFileName().toString(), ".part");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
            ByteBuffer erased = ByteBuffer.allocate((int) Math.min(size, 64 * 1024));
            while (erased.hasRemaining()) {
                erased.put((byte) 0xFF);
            }
            for (long written = 0; written < size; ) {
                erased.clear().limit((int) Math.min(erased.capacity(), size - written));
                written += ch.write(erased, written);
            }
            ch.force(true);
            Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    private static FileLock lockOrNull(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null; // this process holds it already
        }
    }
}
