package dev.stm32emu.cli.dfu;

import java.util.List;

/**
 * What a {@link DfuHost} run did.
 *
 * @param dfuInterface the alternate setting the run used (the first one for a multi-target DfuSe file)
 * @param transferSize the transfer size used
 * @param data         the uploaded bytes (upload only; empty otherwise)
 * @param report       timing and traffic figures
 * @param warnings     what dfu-util would have warned about, plus this host's own notes
 */
public record DfuResult(DfuInterface dfuInterface, int transferSize, byte[] data, DfuReport report,
                        List<String> warnings) {

    public DfuResult {
        data = data.clone();
        warnings = List.copyOf(warnings);
    }

    @Override
    public byte[] data() {
        return data.clone();
    }
}
