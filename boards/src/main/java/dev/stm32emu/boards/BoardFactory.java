package dev.stm32emu.boards;

import dev.stm32emu.core.Machine;
import dev.stm32emu.core.MachineConfig;
import dev.stm32emu.core.cpu.MemoryPermissions;

import java.lang.foreign.MemorySegment;

/**
 * The composition root: builds a {@link Board} from a {@link BoardDefinition} and the
 * user's {@link BoardOptions} (coffee-gb's Gameboy constructor, STYLE.md §4). Memories
 * first, then peripherals from the definition, then what sits on the PCB.
 */
public final class BoardFactory {

    /** Builds a board; the caller powers it on after loading firmware. */
    public Board build(BoardDefinition def, BoardOptions options) throws BoardException {
        MachineConfig config = new MachineConfig(def.core(), def.irqCount(), def.priorityBits(), def.resetClockHz(),
                def.sysTickCalib(), def.mpuRegions(), options.console());
        Machine machine = new Machine(config);
        Board board = new Board(def, machine);
        try {
            if (def.family().equals("stm32f1")) {
                new Stm32f1Composer(machine, def, options, board).compose();
                machine.setPacing(options.pacing());
                return board;
            }
            BoardDefinition.Area flashArea = def.memory().flash();
            MemorySegment flash = machine.allocate(flashArea.size(), 0xFF);
            machine.addMemory("flash", flashArea.base(), flash, MemoryPermissions.RX, null);
            // The boot alias: generic boards always boot from flash (no boot pins).
            machine.addMemory("flash (boot alias)", 0, flash, MemoryPermissions.RX, null);
            BoardDefinition.Area sram = def.memory().sram();
            machine.addMemory("sram", sram.base(), machine.allocate(sram.size(), 0), MemoryPermissions.RWX, null);
            machine.enableBitBand();
            for (BoardDefinition.Window w : def.peripheralWindows()) {
                machine.mapPeripheralWindow(w.base(), w.size());
            }
            if (!def.peripherals().isEmpty()) {
                throw new BoardException(def.source() + ": peripherals of family '" + def.family()
                        + "' are not supported by this build");
            }
            machine.setPacing(options.pacing());
            return board;
        } catch (BoardException | RuntimeException e) {
            board.close();
            throw e;
        }
    }
}
