package dev.stm32emu.cli.guest;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The per-session archive appended to the base initramfs (see scripts/guest/init): /job/env,
 * /job/cmd/NNNN (+ NNNN.stop), /job/collect and the input files in /work. It is an uncompressed
 * newc cpio; the caller appends it at a 4-byte boundary, because the kernel only recognises an
 * uncompressed archive after a gzip member when it starts 4-byte aligned (facts-vm-e2e.md §6.1).
 */
final class GuestJob {

    /** A command and whether the session stops when it fails. */
    record Command(String text, boolean stopOnFailure) {
    }

    private final Map<String, String> env = new LinkedHashMap<>();
    private final List<Command> commands = new ArrayList<>();
    private final Map<String, byte[]> inputs = new LinkedHashMap<>();
    private final List<String> collect = new ArrayList<>();

    GuestJob env(String key, String value) {
        if (!key.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException("not a shell variable name: " + key);
        }
        env.put(key, value);
        return this;
    }

    GuestJob command(Command command) {
        if (commands.size() >= 9999) {
            throw new IllegalArgumentException("at most 9999 commands");
        }
        commands.add(command);
        return this;
    }

    GuestJob input(String name, byte[] content) {
        inputs.put(checkName(name), content);
        return this;
    }

    GuestJob collect(String name) {
        collect.add(checkName(name));
        return this;
    }

    /** The archive bytes (a multiple of 4 long). */
    byte[] archive() {
        CpioNewc.Writer w = new CpioNewc.Writer().directory("job").directory("job/cmd").directory("work");
        StringBuilder envFile = new StringBuilder();
        env.forEach((k, v) -> envFile.append(k).append('=').append(shellQuote(v)).append('\n'));
        w.file("job/env", utf8(envFile.toString()));
        for (int i = 0; i < commands.size(); i++) {
            String name = String.format("job/cmd/%04d", i + 1);
            w.file(name, utf8(commands.get(i).text() + "\n"));
            if (commands.get(i).stopOnFailure()) {
                w.file(name + ".stop", new byte[0]);
            }
        }
        w.file("job/collect", utf8(collect.isEmpty() ? "" : String.join("\n", collect) + "\n"));
        inputs.forEach((name, data) -> w.file("work/" + name, data));
        return w.finish();
    }

    /** Writes {@code base} followed by this job, 4-byte aligned, to {@code target}. */
    void writeInitrd(Path base, Path target) throws IOException {
        Files.copy(base, target);
        long size = Files.size(target);
        try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.APPEND)) {
            out.write(new byte[(int) ((4 - size % 4) % 4)]); // the kernel skips NUL padding
            out.write(archive());
        }
    }

    /** Single-quotes {@code s} for sh: {@code it's} becomes {@code 'it'\''s'}. */
    static String shellQuote(String s) {
        if (!s.isEmpty() && s.matches("[A-Za-z0-9_@%+=:,./-]+")) {
            return s;
        }
        return "'" + s.replace("'", "'\\''") + "'";
    }

    /** A plain file name for the guest's /work: no directories, no "..", nothing unprintable. */
    static String checkName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.contains("/")
                || name.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new IllegalArgumentException("not a plain file name: '" + name + "'");
        }
        return name;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
