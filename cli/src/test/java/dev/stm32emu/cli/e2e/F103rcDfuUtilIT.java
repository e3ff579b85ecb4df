package dev.stm32emu.cli.e2e;

/** Real usbip + dfu-util against our DfuSe bootloader on the f103rc (2 KiB pages, 2 KiB transfers). */
class F103rcDfuUtilIT extends DfuUtilSession {
    F103rcDfuUtilIT() {
        super(E2e.Board.F103RC);
    }
}
