package dev.stm32emu.cli.dfu;

/**
 * Bad input to the DFU host: a malformed or corrupt file, an unparsable memory layout or
 * option string, or a request the layout forbids (dfu-util exits EX_USAGE/EX_DATAERR for these).
 * When a download is refused for such a reason the device's memory has not been touched
 * (the probe and the common start may have run, as in dfu-util).
 */
public class DfuInputException extends DfuException {

    public DfuInputException(String message) {
        super(message);
    }
}
