package dev.stm32emu.cli.e2e;

/** Real usbip + dfu-util against our DfuSe bootloader on the bluepill (1 KiB pages, 1 KiB transfers). */
class BluepillDfuUtilIT extends DfuUtilSession {
    BluepillDfuUtilIT() {
        super(E2e.Board.BLUEPILL);
    }
}
