package dev.stm32emu.periph.usart;

import dev.stm32emu.core.DeviceLog;
import dev.stm32emu.periph.iotest.FakeClockTree;
import dev.stm32emu.periph.iotest.IrqProbe;
import dev.stm32emu.periph.iotest.VirtualTime;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.stm32emu.periph.usart.Stm32UsartTest.BRR;
import static dev.stm32emu.periph.usart.Stm32UsartTest.BRR_115200;
import static dev.stm32emu.periph.usart.Stm32UsartTest.CR1;
import static dev.stm32emu.periph.usart.Stm32UsartTest.DR;
import static dev.stm32emu.periph.usart.Stm32UsartTest.FRAME_PS;
import static dev.stm32emu.periph.usart.Stm32UsartTest.RE;
import static dev.stm32emu.periph.usart.Stm32UsartTest.TE;
import static dev.stm32emu.periph.usart.Stm32UsartTest.UE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SerialEndpointTest {
    private final VirtualTime time = new VirtualTime();
    /** Work handed to "the machine thread": here the test thread runs it. */
    private final LinkedBlockingQueue<Runnable> machineQueue = new LinkedBlockingQueue<>();
    private final Stm32Usart usart = new Stm32Usart(DeviceLog.standalone("usart1"), time.scheduler(),
            new FakeClockTree(), 2, new IrqProbe());

    private void enable() {
        usart.write(BRR, 4, BRR_115200);
        usart.write(CR1, 4, UE | TE | RE);
    }

    @Test
    @Timeout(20)
    void shouldCarryBytesBothWaysThroughTheTcpServerOnLoopback() throws Exception {
        try (TcpServerEndpoint tcp = new TcpServerEndpoint(0, machineQueue::add)) {
            usart.connect(tcp);
            enable();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
                client.setSoTimeout(10_000);
                assertTrue(tcp.awaitClient(Duration.ofSeconds(10)));
                usart.write(DR, 4, 'O');
                usart.write(DR, 4, 'K');
                InputStream in = client.getInputStream();
                assertArrayEquals("OK".getBytes(StandardCharsets.US_ASCII), in.readNBytes(2));

                OutputStream out = client.getOutputStream();
                out.write("hi".getBytes(StandardCharsets.US_ASCII));
                out.flush();
                int queued = 0;
                while (queued < 2) {
                    Runnable handOver = machineQueue.poll(10, TimeUnit.SECONDS);
                    assertNotNull(handOver, "received bytes reach the machine thread's queue");
                    handOver.run();
                    queued = usart.receiveBacklog();
                }
                time.advance(FRAME_PS);
                assertEquals('h', usart.read(DR, 4));
                time.advance(FRAME_PS);
                assertEquals('i', usart.read(DR, 4));
            }
        }
    }

    @Test
    @Timeout(20)
    void shouldServeOneTcpClientAtATime() throws Exception {
        try (TcpServerEndpoint tcp = new TcpServerEndpoint(0, machineQueue::add);
             Socket first = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
            usart.connect(tcp);
            assertTrue(tcp.awaitClient(Duration.ofSeconds(10)));
            try (Socket second = new Socket(InetAddress.getLoopbackAddress(), tcp.port())) {
                second.setSoTimeout(10_000);
                assertEquals(-1, second.getInputStream().read(), "the second client is closed at once");
            }
        }
    }

    @Test
    void shouldWriteTransmittedBytesToAFile(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("usart1.log");
        try (SerialEndpoint file = SerialEndpoint.file(log)) {
            usart.connect(file);
            enable();
            for (char c : "boot\nok".toCharArray()) {
                usart.write(DR, 4, c);
            }
            assertEquals("boot\n", Files.readString(log), "flushed at the line end");
        }
        assertEquals("boot\nok", Files.readString(log), "and on close");
    }
}
