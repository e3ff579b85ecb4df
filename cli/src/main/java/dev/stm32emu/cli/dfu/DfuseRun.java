package dev.stm32emu.cli.dfu;

import dev.stm32emu.cli.dfu.DfuProgressListener.Phase;
import dev.stm32emu.cli.dfu.DfuseOperations.Command;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One DfuSe download, upload or command run, sequenced as dfu-util 0.11's
 * {@code dfuse_do_dnload} and {@code dfuse_do_upload} (dfuse.c) sequence it, after the common start.
 *
 * <p>Deviation: the checks that need no device (file type against {@code -s} address, force for
 * mass erase and unprotect, the layout checks of every element of a DfuSe file) run before any
 * memory is changed; dfu-util performs a requested mass erase first and only then rejects, for
 * example, a DfuSe file given with an address, and checks each element just before writing it.
 */
final class DfuseRun {

    /** dfu-util's upload limit when neither a length nor a segment end is known. */
    static final int DEFAULT_UPLOAD_LIMIT = 0x4000;

    private final DfuSession session;
    private final DfuseOperations ops;
    private final List<DfuInterface> alts;

    /** @param alts the matching alternate settings, the one the session started with first */
    DfuseRun(DfuSession session, DfuseOperations ops, List<DfuInterface> alts) {
        this.session = session;
        this.ops = ops;
        this.alts = List.copyOf(alts);
    }

    /** {@code dfu-util -s OPTIONS [-D file]}; {@code file} may be null ("DfuSe command mode"). */
    void download(DfuFile file, DfuseOptions options) throws DfuException {
        if (options.unprotect() && options.force() == 0) {
            throw new DfuInputException("The read unprotect command will erase the flash memory and can only be used with force");
        }
        if (options.massErase() && options.force() == 0) {
            throw new DfuInputException("The mass erase command can only be used with force");
        }
        if (file != null && !options.unprotect()) {
            if (options.hasAddress() && file.isDfuse()) {
                throw new DfuInputException(file.name() + ": This is a DfuSe file, not meant for raw download");
            }
            if (!options.hasAddress() && !file.isDfuse()) {
                throw new DfuInputException(file.name() + ": Only DfuSe file version 1.1a is supported "
                        + "(for raw binary download, use the --dfuse-address option)");
            }
        }
        Map<Integer, MemoryLayout> layouts = new HashMap<>();
        for (DfuInterface alt : alts) {
            layouts.put(alt.alternateSetting(), layoutOf(alt));
        }
        MemoryLayout rootLayout = layouts.get(alts.get(0).alternateSetting());
        if (file != null && !options.unprotect()) {
            checkFile(file, layouts, rootLayout, options);
        }
        if (options.unprotect()) {
            ops.specialCommand(rootLayout, 0, Command.READ_UNPROTECT);
            session.warn("Device disconnects, erases flash and resets now");
            return;
        }
        if (options.massErase()) {
            ops.specialCommand(rootLayout, 0, Command.MASS_ERASE);
        }
        if (file != null && options.hasAddress()) {
            ops.downloadElement(rootLayout, options.address(), file.payload(), options);
        } else if (file != null) {
            downloadImage(file.dfuseImage(), layouts, options);
        }
        if (!options.willReset()) {
            session.abortToIdle();
            if (session.options().verify() && file != null) {
                verify(file, layouts, options);
            }
        }
        if (options.leave()) {
            ops.leave(rootLayout, options);
        }
    }

    /** {@code dfu-util -s OPTIONS -U file}: the uploaded bytes. */
    byte[] upload(DfuseOptions options) throws DfuException {
        long limit = options.length();
        MemoryLayout layout = null;
        if (options.hasAddress()) {
            layout = layoutOf(alts.get(0));
            MemorySegment segment = layout.segmentAt(options.address());
            if (options.force() == 0 && (segment == null || !segment.readable())) {
                throw new DfuInputException(String.format("Page at 0x%08x is not readable: it is not inside a "
                        + "readable segment of %s", options.address(), layout.describe()));
            }
            if (limit == 0) {
                limit = segment != null ? segment.end() - options.address() + 1 : DEFAULT_UPLOAD_LIMIT;
                session.warn("Limiting upload to end of memory segment, " + limit + " bytes");
            }
            ops.specialCommand(layout, options.address(), Command.SET_ADDRESS);
            session.abortToIdle();
        } else if (limit == 0) {
            session.warn("Unbound upload not supported on DfuSe devices; limiting upload to " + DEFAULT_UPLOAD_LIMIT + " bytes");
            limit = DEFAULT_UPLOAD_LIMIT;
        }
        byte[] data = ops.uploadBlocks(limit, Phase.READ);
        session.abortToIdle();
        if (options.leave()) {
            ops.leave(layout, options);
        }
        return data;
    }

    /** dfuse.c {@code dfuse_do_dfuse_dnload}: each target on its alternate setting, element by element. */
    private void downloadImage(DfuseImage image, Map<Integer, MemoryLayout> layouts, DfuseOptions options)
            throws DfuException {
        for (DfuseImage.Target target : image.targets()) {
            MemoryLayout layout = layouts.get(target.alternateSetting());
            if (layout == null) {
                session.warn("No alternate setting " + target.alternateSetting() + " (skipping elements)");
                continue;
            }
            session.setAlternate(target.alternateSetting());
            for (DfuseImage.Element e : target.elements()) {
                ops.downloadElement(layout, e.address(), e.data(), options);
            }
        }
    }

    /** The layout checks of every element, before anything is erased. */
    private void checkFile(DfuFile file, Map<Integer, MemoryLayout> layouts, MemoryLayout rootLayout,
                           DfuseOptions options) throws DfuInputException {
        if (options.hasAddress()) {
            ops.checkElement(rootLayout, options.address(), file.size(), options);
            return;
        }
        for (DfuseImage.Target target : file.dfuseImage().targets()) {
            MemoryLayout layout = layouts.get(target.alternateSetting());
            if (layout != null) {
                for (DfuseImage.Element e : target.elements()) {
                    ops.checkElement(layout, e.address(), e.size(), options);
                }
            }
        }
    }

    /** Reads back what was written (not a dfu-util step): SET_ADDRESS, ABORT, UPLOADs, ABORT. */
    private void verify(DfuFile file, Map<Integer, MemoryLayout> layouts, DfuseOptions options) throws DfuException {
        if (options.hasAddress()) {
            verifyRange(layouts.get(alts.get(0).alternateSetting()), options.address(), file.payload());
            return;
        }
        for (DfuseImage.Target target : file.dfuseImage().targets()) {
            MemoryLayout layout = layouts.get(target.alternateSetting());
            if (layout == null) {
                continue;
            }
            session.setAlternate(target.alternateSetting());
            for (DfuseImage.Element e : target.elements()) {
                verifyRange(layout, e.address(), e.data());
            }
        }
    }

    private void verifyRange(MemoryLayout layout, long address, byte[] expected) throws DfuException {
        ops.specialCommand(layout, address, Command.SET_ADDRESS);
        session.abortToIdle();
        byte[] actual = ops.uploadBlocks(expected.length, Phase.VERIFY);
        session.abortToIdle();
        int differing = 0;
        int first = -1;
        for (int i = 0; i < expected.length; i++) {
            if (i >= actual.length || actual[i] != expected[i]) {
                differing++;
                first = first < 0 ? i : first;
            }
        }
        if (differing > 0) {
            String got = first < actual.length ? String.format("0x%02x", actual[first] & 0xFF) : "nothing (short upload)";
            throw new DfuException(String.format("Verify failed: %d of %d bytes at 0x%08x differ; the first, at "
                    + "0x%08x, reads %s instead of 0x%02x", differing, expected.length, address, address + first,
                    got, expected[first] & 0xFF));
        }
    }

    /** The layout in an alternate setting's name; a device that sends a bad one has failed, not the user. */
    private MemoryLayout layoutOf(DfuInterface alt) throws DfuException {
        MemoryLayout layout;
        try {
            layout = MemoryLayout.parse(alt.name());
        } catch (DfuInputException e) {
            throw new DfuException("Failed to parse memory layout for alternate interface "
                    + alt.alternateSetting() + ": " + e.getMessage());
        }
        for (String w : layout.warnings()) {
            session.warn("layout of alternate setting " + alt.alternateSetting() + ": " + w);
        }
        return layout;
    }
}
