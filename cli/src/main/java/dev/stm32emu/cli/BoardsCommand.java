package dev.stm32emu.cli;

import dev.stm32emu.boards.BoardDefinition;
import dev.stm32emu.boards.DefinitionException;
import dev.stm32emu.boards.DefinitionLoader;
import picocli.CommandLine.Command;

import java.util.concurrent.Callable;

/** `stm32emu boards`: lists the built-in boards and their chips. */
@Command(name = "boards", mixinStandardHelpOptions = true, description = "List the built-in boards and their chips.")
public final class BoardsCommand implements Callable<Integer> {

    @Override
    public Integer call() {
        DefinitionLoader loader = new DefinitionLoader();
        System.out.printf("%-12s %-14s %-10s %s%n", "BOARD", "CHIP", "CORE", "DESCRIPTION");
        for (String name : loader.boardNames()) {
            try {
                BoardDefinition d = loader.board(name);
                System.out.printf("%-12s %-14s %-10s %s%n", d.name(), d.mcu(),
                        d.core().name().toLowerCase().replace("cortex_", "cortex-"), d.description());
            } catch (DefinitionException e) {
                throw new UserError(e.getMessage());
            }
        }
        return 0;
    }
}
