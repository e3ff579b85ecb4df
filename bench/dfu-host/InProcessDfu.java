// The in-process Java DfuSe host (dfu-util 0.11 behaviour) flashing our bootloader on the f103rc
// through the host-side transfer engine: the reference next to real dfu-util in bench/guest-dfu.
// Single-file program against the shaded jar:
//   java --enable-native-access=ALL-UNNAMED -cp cli/target/stm32emu.jar bench/dfu-host/InProcessDfu.java \
//        BOOTLOADER.elf APP.bin RUNS [instant]
// Prints one line per run: wall ms, the bwPollTimeout waits and the request counts. The board runs
// as fast as it can (no real-time pacing) and the host's waits pass in virtual time, so the wall
// time is the emulator's: mostly the firmware polling FLASH_SR while the datasheet-timed erase and
// program operations run ("instant" makes them take no time, as --instant-flash does).
import dev.stm32emu.boards.Board;
import dev.stm32emu.boards.BoardFactory;
import dev.stm32emu.boards.BoardOptions;
import dev.stm32emu.boards.BoardRunner;
import dev.stm32emu.boards.DefinitionLoader;
import dev.stm32emu.cli.dfu.DfuFile;
import dev.stm32emu.cli.dfu.DfuHost;
import dev.stm32emu.cli.dfu.DfuHostOptions;
import dev.stm32emu.cli.dfu.DfuProbe;
import dev.stm32emu.cli.dfu.DfuReport;
import dev.stm32emu.cli.dfu.DfuseOptions;
import dev.stm32emu.cli.dfu.EngineDfuTransport;
import dev.stm32emu.core.image.ImageLoader;
import dev.stm32emu.core.semihosting.CapturingConsole;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

public class InProcessDfu {
    public static void main(String[] args) throws Exception {
        Path bootloader = Path.of(args[0]);
        byte[] app = Files.readAllBytes(Path.of(args[1]));
        int runs = Integer.parseInt(args[2]);
        boolean instant = args.length > 3 && args[3].equals("instant");
        var def = new DefinitionLoader().board("f103rc");
        try (Board board = new BoardFactory().build(def, BoardOptions.defaults(new CapturingConsole())
                .withUarts(Map.of("usart1", "none")).withInstantFlash(instant))) {
            board.loadFirmware(ImageLoader.load(bootloader, 0x0800_0000L));
            try (BoardRunner runner = new BoardRunner(board).start()) {
                EngineDfuTransport t = EngineDfuTransport.open(runner);
                DfuHost host = new DfuHost(t, DfuHostOptions.DFU_UTIL_0_11);
                for (int i = 1; i <= runs; i++) {
                    long w0 = System.nanoTime();
                    DfuReport r = host.download(DfuProbe.AltFilter.number(0), DfuFile.raw(app),
                            DfuseOptions.at(0x0800_8000L)).report();
                    long wall = System.nanoTime() - w0;
                    System.out.printf("  %s flash, run %d: %.0f ms wall (bwPollTimeout waits %d ms of virtual time, "
                            + "%d GETSTATUS, %d DNLOAD)%n", instant ? "instant" : "datasheet-timed", i, wall / 1e6,
                            r.pollWaitMillis(), r.getStatusPolls(), r.count("DNLOAD"));
                }
            }
        }
    }
}
