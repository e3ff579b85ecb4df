package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.client.ImportedDevice;
import dev.stm32emu.usbip.client.UrbRequest;
import dev.stm32emu.usbip.client.UsbIpClient;
import dev.stm32emu.usbip.client.UsbIpException;
import dev.stm32emu.usbip.codec.UsbIpEncoder;
import dev.stm32emu.usbip.message.UsbIpMessage;
import dev.stm32emu.usbip.testing.FakeDevice;
import dev.stm32emu.usbip.testing.Fixtures;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/** A real server on 127.0.0.1, port 0, exporting a {@link FakeDevice} as "1-1", and a client for it. */
abstract class ServerFixture {
    /** Seconds; a generous upper bound, the tests finish far sooner. */
    static final long WAIT = 10;

    UsbIpServer server;
    UsbIpClient client;
    FakeDevice dfu;

    @BeforeEach
    void start() throws IOException {
        server = UsbIpServer.builder().port(0).start();
        dfu = new FakeDevice(Fixtures.DFU, 3);
        server.export(dfu);
        client = new UsbIpClient(Duration.ofSeconds(WAIT));
    }

    @AfterEach
    void stop() {
        client.close();
        server.close();
        dfu.close();
    }

    String host() {
        return "127.0.0.1";
    }

    ImportedDevice importDfu() throws UsbIpException {
        return client.importDevice(host(), server.port(), "1-1");
    }

    static UrbRequest getDeviceDescriptor(int length) {
        return UrbRequest.control(0x80, 6, 0x0100, 0, length, new byte[0]);
    }

    static <T> T await(CompletionStage<T> stage) throws Exception {
        return stage.toCompletableFuture().get(WAIT, TimeUnit.SECONDS);
    }

    static byte[] encode(UsbIpMessage message) {
        ByteBuf buf = Unpooled.buffer();
        try {
            UsbIpEncoder.encode(message, buf);
            return ByteBufUtil.getBytes(buf);
        } finally {
            buf.release();
        }
    }
}
