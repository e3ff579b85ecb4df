package dev.stm32emu.cli.guest;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Follows the console of one session and turns the /init's marker lines
 * ({@code @@STM32EMU <token> NAME up=<guest s> key=value ... [name=<rest of line>]}) into command
 * results, file announcements and the attachment. Lines between CMD_START and CMD_END are that
 * command's output; a marker glued to the end of an unterminated output line is split off. Only
 * markers carrying this session's random token count, so command output cannot forge them.
 */
final class GuestTranscript implements Consumer<ConsoleLine> {

    static final String MARK = "@@STM32EMU ";

    /** A file the guest announced with its size and MD5, before writing it to the output disk. */
    record FileInfo(String name, long size, String md5) {
    }

    /** A parsed marker. */
    record Marker(String name, Map<String, String> fields) {
        String get(String key, String fallback) {
            return fields.getOrDefault(key, fallback);
        }

        long getLong(String key, long fallback) {
            try {
                return Long.parseLong(fields.getOrDefault(key, ""));
            } catch (NumberFormatException e) {
                return fallback;
            }
        }
    }

    private final String prefix;
    private final List<String> commands;
    private final Map<Integer, String> attachSteps;
    private final GuestListener listener;

    private final StringBuilder console = new StringBuilder();
    private final StringBuilder kernelLog = new StringBuilder();
    private final StringBuilder qemuErrors = new StringBuilder();
    private final List<CommandResult> results = new ArrayList<>();
    private final Map<String, FileInfo> files = new LinkedHashMap<>();
    private final List<String> problems = new ArrayList<>();
    private StringBuilder output;
    private int current;
    private boolean inKernelLog;
    private Duration readyAt;
    private Attachment attachment;
    private boolean done;
    private boolean filesWritten;

    /**
     * @param token       the session's random marker token
     * @param commands    the command texts, in order (index 1 first)
     * @param attachSteps command index to bus id, for the attach steps
     */
    GuestTranscript(String token, List<String> commands, Map<Integer, String> attachSteps, GuestListener listener) {
        this.prefix = MARK + token + " ";
        this.commands = List.copyOf(commands);
        this.attachSteps = Map.copyOf(attachSteps);
        this.listener = listener;
    }

    @Override
    public synchronized void accept(ConsoleLine line) {
        console.append(line.formatted()).append('\n');
        listener.consoleLine(line);
        if (line.fromQemu()) {
            qemuErrors.append(line.text()).append('\n');
            return;
        }
        String text = line.text();
        int at = text.indexOf(prefix);
        if (at < 0) {
            plainLine(text, true);
            return;
        }
        if (at > 0) {
            plainLine(text.substring(0, at), false);
        }
        marker(parse(text.substring(at + prefix.length())), line.hostSeconds());
    }

    static Marker parse(String body) {
        String s = body.stripLeading();
        String fileName = null;
        int n = s.indexOf(" name=");
        if (n >= 0) {
            fileName = s.substring(n + " name=".length());
            s = s.substring(0, n);
        }
        String[] words = s.strip().split(" +");
        Map<String, String> fields = new LinkedHashMap<>();
        for (int i = 1; i < words.length; i++) {
            int eq = words[i].indexOf('=');
            if (eq > 0) {
                fields.put(words[i].substring(0, eq), words[i].substring(eq + 1));
            }
        }
        if (fileName != null) {
            fields.put("name", fileName);
        }
        return new Marker(words[0], fields);
    }

    private void plainLine(String text, boolean complete) {
        if (inKernelLog) {
            kernelLog.append(text).append('\n');
        } else if (current > 0) {
            output.append(text);
            if (complete) {
                output.append('\n');
            }
            listener.commandOutput(current, text);
        }
    }

    private void marker(Marker m, double hostSeconds) {
        switch (m.name()) {
            case "READY" -> {
                readyAt = Duration.ofMillis(Math.round(hostSeconds * 1000));
                notifyAll();
                listener.ready(readyAt);
            }
            case "CMD_START" -> {
                current = (int) m.getLong("n", results.size() + 1);
                output = new StringBuilder();
                listener.commandStarted(current, command(current));
            }
            case "CMD_END" -> {
                CommandResult r = new CommandResult(current, command(current), (int) m.getLong("rc", -1),
                        output.toString(), m.getLong("ms", 0));
                results.add(r);
                current = 0;
                listener.commandFinished(r);
            }
            case "ATTACHED" -> {
                String busid = attachSteps.getOrDefault(current, "");
                attachment = new Attachment(busid, (int) m.getLong("port", -1), m.get("dev", ""),
                        m.get("vid", ""), m.get("pid", ""), m.getLong("ms", -1),
                        current > 0 ? output.toString() : "");
                listener.attached(attachment);
            }
            case "FILE" -> files.put(m.get("name", ""),
                    new FileInfo(m.get("name", ""), m.getLong("size", -1), m.get("md5", "")));
            case "FILES_WRITTEN" -> {
                filesWritten = m.getLong("rc", 1) == 0;
                if (!filesWritten) {
                    problems.add("the guest could not write the output files (" + m.fields() + ")");
                }
            }
            case "KLOG_BEGIN" -> inKernelLog = true;
            case "KLOG_END" -> inKernelLog = false;
            case "DONE" -> done = true;
            case "MODULE_FAILED" -> problems.add("insmod " + m.get("name", "?") + " failed");
            case "NET_FAILED" -> problems.add("the guest network did not come up");
            case "FILE_MISSING" -> problems.add("the guest has no file " + m.get("name", "?") + " to send back");
            case "ATTACH_FAILED" -> problems.add("attach failed with exit code " + m.get("rc", "?"));
            default -> {
                // INIT_START, MODULES_LOADED, NET_UP, STOPPED, POWEROFF: console log only
            }
        }
    }

    private String command(int index) {
        return index >= 1 && index <= commands.size() ? commands.get(index - 1) : "";
    }

    /** The results so far, plus the command that was running (exit code -1) if any. */
    synchronized List<CommandResult> results() {
        List<CommandResult> all = new ArrayList<>(results);
        if (current > 0) {
            all.add(new CommandResult(current, command(current), -1, output.toString(), -1));
        }
        return all;
    }

    synchronized String console() {
        return console.toString();
    }

    synchronized String kernelLog() {
        return kernelLog.toString();
    }

    synchronized String qemuErrors() {
        return qemuErrors.toString();
    }

    synchronized Map<String, FileInfo> files() {
        return new LinkedHashMap<>(files);
    }

    synchronized List<String> problems() {
        return List.copyOf(problems);
    }

    /** Waits until READY was seen, at most {@code timeout}. */
    synchronized void awaitReady(Duration timeout) throws InterruptedException {
        if (readyAt == null) {
            wait(Math.max(1, timeout.toMillis()));
        }
    }

    synchronized Optional<Duration> readyAt() {
        return Optional.ofNullable(readyAt);
    }

    synchronized Optional<Attachment> attachment() {
        return Optional.ofNullable(attachment);
    }

    synchronized boolean done() {
        return done;
    }

    /**
     * Reads the newc cpio the guest wrote to the raw output disk and checks every announced file
     * against the size and MD5 from its FILE marker.
     */
    synchronized Map<String, byte[]> receiveFiles(Path outDisk) throws IOException {
        if (files.isEmpty()) {
            return Map.of();
        }
        if (!filesWritten) {
            throw new IOException(String.join("; ", problems));
        }
        Map<String, byte[]> received;
        try (InputStream in = new BufferedInputStream(Files.newInputStream(outDisk))) {
            received = CpioNewc.read(in);
        }
        for (FileInfo info : files.values()) {
            byte[] data = received.get(info.name());
            if (data == null) {
                throw new IOException("the guest announced " + info.name() + " but it is not on the output disk");
            }
            String md5 = md5(data);
            if (data.length != info.size() || !md5.equals(info.md5())) {
                throw new IOException("file " + info.name() + " arrived corrupted: " + data.length + " bytes, md5 "
                        + md5 + "; the guest sent " + info.size() + " bytes, md5 " + info.md5());
            }
        }
        return received;
    }

    private static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
