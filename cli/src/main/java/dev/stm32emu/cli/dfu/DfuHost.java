package dev.stm32emu.cli.dfu;

import dev.stm32emu.cli.dfu.DfuProbe.AltFilter;
import java.util.ArrayList;
import java.util.List;

/**
 * The DFU host: each method is one dfu-util 0.11 invocation against the device behind a
 * {@link DfuTransport}, with the same requests in the same order (main.c): probe the
 * descriptors and read the alternate settings' strings, start (SET_INTERFACE, GETSTATUS,
 * CLRSTATUS/ABORT as needed), pick the transfer size, then run the DfuSe (dfuse.c) or plain
 * DFU 1.1 (dfu_load.c) operation.
 *
 * <pre>{@code
 * DfuHost host = new DfuHost(transport, DfuHostOptions.DFU_UTIL_0_11.withListener(bar));
 * // dfu-util -a 0 -s 0x08008000:leave -D app.bin
 * host.download(AltFilter.number(0), DfuFile.read(path), DfuseOptions.parse("0x08008000:leave"));
 * // dfu-util -a 0 -s 0x08008000:4096 -U out.bin
 * byte[] back = host.upload(AltFilter.number(0), DfuseOptions.parse("0x08008000:4096"), 0).data();
 * }</pre>
 *
 * <p>Not modelled: detaching a device in run-time mode (DETACH, reset, re-probe) is refused
 * with an error; dfu-util's {@code -R}; the vendor/product/serial/path filters (a transport
 * is one device). Writing the upload to a file, and refusing to overwrite one as dfu-util
 * does, is the caller's business.
 */
public final class DfuHost {

    private final DfuTransport transport;
    private final DfuHostOptions options;

    public DfuHost(DfuTransport transport, DfuHostOptions options) {
        this.transport = transport;
        this.options = options;
    }

    /** {@code dfu-util -l}: every DFU interface and alternate setting, with their strings. */
    public List<DfuInterface> list() throws DfuException {
        return new DfuProbe(new MeteredTransport(transport)).probe(AltFilter.ANY);
    }

    /**
     * {@code dfu-util -a ALT [-s OPTIONS] -D FILE}. The DfuSe code runs when the device is DfuSe,
     * options are given, or the file is a DfuSe file (main.c); otherwise a plain DFU 1.1 download.
     *
     * @param dfuse the {@code -s} options, or null when none were given
     */
    public DfuResult download(AltFilter alt, DfuFile file, DfuseOptions dfuse) throws DfuException {
        Run run = open(alt, file.isDfuse(), dfuse);
        List<String> warnings = run.session.warnings();
        warnings.addAll(0, file.warnings());
        if (file.suffix() != null && !idsMatch(file, run.root)) {
            warnings.add(String.format("the file is for %04x:%04x, the device is %04x:%04x (dfu-util 0.11 does "
                    + "not check this for a device already in DFU mode)", file.idVendor(), file.idProduct(),
                    run.root.idVendor(), run.root.idProduct()));
        }
        if (run.root.isDfuse() || dfuse != null || file.isDfuse()) {
            new DfuseRun(run.session, new DfuseOperations(run.session, run.transferSize), run.alts)
                    .download(file, dfuse == null ? DfuseOptions.NONE : dfuse);
        } else {
            if (options.verify()) {
                throw new DfuInputException("verify is only available for DfuSe devices");
            }
            new PlainDfuRun(run.session, run.transferSize).download(file.payload());
        }
        return run.result(new byte[0]);
    }

    /**
     * {@code dfu-util -a ALT -s OPTIONS} without -D or -U: DfuSe command mode (mass erase,
     * read unprotect, leave).
     */
    public DfuResult dfuseCommand(AltFilter alt, DfuseOptions dfuse) throws DfuException {
        Run run = open(alt, false, dfuse);
        new DfuseRun(run.session, new DfuseOperations(run.session, run.transferSize), run.alts).download(null, dfuse);
        return run.result(new byte[0]);
    }

    /**
     * {@code dfu-util -a ALT [-s OPTIONS] [-Z SIZE] -U FILE}: the uploaded bytes are in
     * {@link DfuResult#data()}.
     *
     * @param dfuse        the {@code -s} options, or null when none were given
     * @param expectedSize dfu-util -Z for a plain DFU device (0: none); the DfuSe code ignores it, as 0.11 does
     */
    public DfuResult upload(AltFilter alt, DfuseOptions dfuse, long expectedSize) throws DfuException {
        Run run = open(alt, false, dfuse);
        byte[] data;
        if (run.root.isDfuse() || dfuse != null) {
            data = new DfuseRun(run.session, new DfuseOperations(run.session, run.transferSize), run.alts)
                    .upload(dfuse == null ? DfuseOptions.NONE : dfuse);
        } else {
            data = new PlainDfuRun(run.session, run.transferSize).upload(expectedSize);
        }
        return run.result(data);
    }

    /** Probe, pick the interface, start it and work out the transfer size (main.c up to the mode switch). */
    private Run open(AltFilter alt, boolean dfuseFile, DfuseOptions dfuse) throws DfuException {
        MeteredTransport metered = new MeteredTransport(transport);
        DfuProbe probe = new DfuProbe(metered);
        List<DfuInterface> found = probe.probe(alt);
        if (found.isEmpty()) {
            throw new DfuException("No DFU capable USB device available" + describe(alt));
        }
        if (found.size() > 1 && !(dfuseFile && sameInterface(found))) {
            StringBuilder b = new StringBuilder("More than one DFU interface matches; choose one alternate setting:");
            for (DfuInterface i : found) {
                b.append(String.format(" alt %d \"%s\";", i.alternateSetting(), i.name()));
            }
            throw new DfuInputException(b.toString());
        }
        DfuInterface root = found.get(0);
        if (!root.dfuMode()) {
            throw new DfuException(String.format("The device is in run-time mode (interface %d, alt %d); this host "
                    + "does not send DETACH, so put the device in DFU mode first", root.interfaceNumber(),
                    root.alternateSetting()));
        }
        DfuSession session = new DfuSession(metered, root, options);
        session.warnings().addAll(probe.warnings());
        if (dfuse != null && !root.isDfuse()) {
            session.warn("DfuSe option used on non-DfuSe device");
        }
        session.start();
        int transferSize = session.transferSize();
        return new Run(metered, session, root, found, transferSize);
    }

    private static boolean sameInterface(List<DfuInterface> found) {
        DfuInterface first = found.get(0);
        return found.stream().allMatch(i -> i.configurationValue() == first.configurationValue()
                && i.interfaceNumber() == first.interfaceNumber());
    }

    private static boolean idsMatch(DfuFile file, DfuInterface i) {
        return (file.idVendor() == DfuSuffix.ANY || file.idVendor() == i.idVendor())
                && (file.idProduct() == DfuSuffix.ANY || file.idProduct() == i.idProduct());
    }

    private static String describe(AltFilter alt) {
        if (alt.number() >= 0) {
            return " with alternate setting " + alt.number();
        }
        return alt.name() != null ? " with an alternate setting named \"" + alt.name() + "\"" : "";
    }

    /** One invocation's state. */
    private record Run(MeteredTransport metered, DfuSession session, DfuInterface root, List<DfuInterface> alts,
                       int transferSize) {
        DfuResult result(byte[] data) {
            return new DfuResult(root, transferSize, data, metered.report(), new ArrayList<>(session.warnings()));
        }
    }
}
