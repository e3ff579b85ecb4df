package dev.stm32emu.cli.guest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class GuestTranscriptTest {

    private final List<String> live = new ArrayList<>();
    private final GuestTranscript t = new GuestTranscript("tok", List.of("stm32emu-attach -b 1-1", "echo hi"),
            Map.of(1, "1-1"), new GuestListener() {
                @Override
                public void commandOutput(int index, String line) {
                    live.add(index + ":" + line);
                }
            });

    private void feed(double s, String text) {
        t.accept(new ConsoleLine(s, text, false));
    }

    @Test
    void shouldSplitCommandOutputByMarkers() {
        feed(1.0, "@@STM32EMU tok READY up=0.9 t=1000");
        feed(1.1, "@@STM32EMU tok CMD_START up=1.0 n=1 t=1100");
        feed(1.2, "Port 00: <Port in Use> at Full Speed(12Mbps)");
        feed(1.3, "@@STM32EMU tok ATTACHED up=1.2 port=0 dev=1-1 vid=0483 pid=df11 ms=700");
        feed(1.4, "@@STM32EMU tok CMD_END up=1.3 n=1 rc=0 ms=710 t=1810");
        feed(1.5, "@@STM32EMU tok CMD_START up=1.4 n=2 t=1900");
        feed(1.6, "hi@@STM32EMU tok CMD_END up=1.5 n=2 rc=3 ms=12 t=1912");
        feed(1.7, "@@STM32EMU tok DONE up=1.6");
        assertEquals(Duration.ofMillis(1000), t.readyAt().orElseThrow());
        List<CommandResult> r = t.results();
        assertEquals(new CommandResult(1, "stm32emu-attach -b 1-1", 0,
                "Port 00: <Port in Use> at Full Speed(12Mbps)\n", 710), r.get(0));
        assertEquals(new CommandResult(2, "echo hi", 3, "hi", 12), r.get(1));
        Attachment a = t.attachment().orElseThrow();
        assertEquals("1-1", a.busid());
        assertEquals(0, a.port());
        assertEquals("df11", a.productId());
        assertTrue(t.done());
        assertEquals(List.of("1:Port 00: <Port in Use> at Full Speed(12Mbps)", "2:hi"), live);
    }

    @Test
    void shouldIgnoreMarkersWithAnotherToken() {
        feed(1.0, "@@STM32EMU tok CMD_START up=1.0 n=2 t=1");
        feed(1.1, "@@STM32EMU forged CMD_END up=1.0 n=2 rc=0 ms=1");
        List<CommandResult> r = t.results();
        assertEquals(1, r.size());
        assertFalse(r.getFirst().finished());
        assertEquals("@@STM32EMU forged CMD_END up=1.0 n=2 rc=0 ms=1\n", r.getFirst().output());
    }

    @Test
    void shouldKeepSpacesInFileNames() {
        feed(1.0, "@@STM32EMU tok FILE up=2.0 size=12 md5=abc name=my file.bin");
        assertEquals(new GuestTranscript.FileInfo("my file.bin", 12, "abc"), t.files().get("my file.bin"));
    }

    @Test
    void shouldCollectKernelMessagesSeparately() {
        feed(1.0, "@@STM32EMU tok KLOG_BEGIN up=2.0 ");
        feed(1.1, "[    3.0] usb 1-1: new full-speed USB device number 2 using vhci_hcd");
        feed(1.2, "@@STM32EMU tok KLOG_END up=2.0 ");
        assertEquals("[    3.0] usb 1-1: new full-speed USB device number 2 using vhci_hcd\n", t.kernelLog());
        assertTrue(t.console().startsWith("[  1.000] @@STM32EMU tok KLOG_BEGIN"));
    }
}
