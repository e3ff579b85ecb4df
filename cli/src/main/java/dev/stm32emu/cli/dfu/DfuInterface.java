package dev.stm32emu.cli.dfu;

/**
 * One DFU alternate setting found by {@link DfuProbe}, with what dfu-util keeps about it in
 * its {@code struct dfu_if} (dfu.h).
 *
 * @param idVendor           device idVendor
 * @param idProduct          device idProduct
 * @param bcdDevice          device bcdDevice
 * @param maxPacketSize0     bMaxPacketSize0 (the floor of the transfer size)
 * @param configurationValue bConfigurationValue of the configuration holding the interface
 * @param interfaceNumber    bInterfaceNumber (wIndex of every DFU request)
 * @param alternateSetting   bAlternateSetting
 * @param name               the iInterface string, ASCII as dfu-util converts it, "UNKNOWN" if unreadable;
 *                           for DfuSe the memory layout
 * @param serial             the iSerialNumber string, "UNKNOWN" if there is none
 * @param dfuMode            true in DFU mode, false for a run-time DFU interface
 * @param functional         the configuration's DFU functional descriptor
 */
public record DfuInterface(int idVendor, int idProduct, int bcdDevice, int maxPacketSize0, int configurationValue,
                           int interfaceNumber, int alternateSetting, String name, String serial, boolean dfuMode,
                           DfuFunctionalDescriptor functional) {

    /** bcdDFUVersion 0x011A (dfu-util main.c picks the DfuSe code paths on this alone). */
    public boolean isDfuse() {
        return functional.isDfuse();
    }

    /** dfu-util's "Found DFU: ..." line for this interface (dfu_util.c print_dfu_if). */
    @Override
    public String toString() {
        return String.format("Found %s: [%04x:%04x] ver=%04x, cfg=%d, intf=%d, alt=%d, name=\"%s\", serial=\"%s\"",
                dfuMode ? "DFU" : "Runtime", idVendor, idProduct, bcdDevice, configurationValue, interfaceNumber,
                alternateSetting, name, serial);
    }
}
