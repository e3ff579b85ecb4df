package dev.stm32emu.usbip.client;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.codec.UsbIpEncoder;
import dev.stm32emu.usbip.message.OpRepDevlist;
import dev.stm32emu.usbip.message.OpRepImport;
import dev.stm32emu.usbip.message.OpReqDevlist;
import dev.stm32emu.usbip.message.OpReqImport;
import dev.stm32emu.usbip.message.OpStatus;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import dev.stm32emu.usbip.message.UsbIpMessage;
import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * A USB/IP client: lists a server's exported devices and imports one, speaking the same protocol
 * as Linux {@code usbip list -r} and {@code usbip attach} (facts-usb.md §1.4, §1.5).
 *
 * <pre>{@code
 * try (UsbIpClient client = new UsbIpClient();
 *      ImportedDevice device = client.importDevice("127.0.0.1", 3240, "1-1")) {
 *     UrbResult r = device.submit(UrbRequest.control(0x80, 6, 0x0100, 0, 18, new byte[0]))
 *             .get(5, TimeUnit.SECONDS);
 * }
 * }</pre>
 *
 * <p>Failures are {@link UsbIpException}s whose message is one line for the user. Blocking methods
 * must not be called from a Netty event loop.
 */
public final class UsbIpClient implements AutoCloseable {
    private final EventLoopGroup group;
    private final Duration timeout;

    /** A client that waits at most 10 s for a connection or a reply. */
    public UsbIpClient() {
        this(Duration.ofSeconds(10));
    }

    /** @param timeout how long to wait for a connection and for each operation reply */
    public UsbIpClient(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        if (timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("timeout must be positive, got " + timeout);
        }
        this.group = new NioEventLoopGroup(1, new DefaultThreadFactory("usbip-client", true));
    }

    /**
     * Asks a server for the devices it exports (OP_REQ_DEVLIST).
     *
     * @param host server host name or address
     * @param port server port, normally 3240
     * @return the devices, with their interfaces
     * @throws UsbIpException if the server cannot be reached or answers badly
     */
    public List<UsbDeviceInfo> list(String host, int port) throws UsbIpException {
        Channel channel = connect(host, port);
        ClientConnection connection = channel.pipeline().get(ClientConnection.class);
        try {
            channel.writeAndFlush(new OpReqDevlist());
            UsbIpMessage reply = await(connection);
            if (!(reply instanceof OpRepDevlist devlist)) {
                throw badReply(connection, "expected OP_REP_DEVLIST, got " + reply.getClass().getSimpleName());
            }
            if (devlist.status() != OpStatus.OK.code()) {
                throw new UsbIpException(UsbIpException.Kind.REQUEST_FAILED, "usbip: " + connection.remote()
                        + ": device list request failed: " + OpStatus.describe(devlist.status()));
            }
            return devlist.devices();
        } finally {
            connection.markClosedByUs();
            channel.close();
        }
    }

    /**
     * Imports a device (OP_REQ_IMPORT); the connection then carries its URBs.
     *
     * @param host  server host name or address
     * @param port  server port, normally 3240
     * @param busid the device's bus id, e.g. "1-1"
     * @return the imported device; close it to release the device
     * @throws UsbIpException if the server cannot be reached, refuses (unknown or busy device) or answers badly
     */
    public ImportedDevice importDevice(String host, int port, String busid) throws UsbIpException {
        OpReqImport request = new OpReqImport(busid);
        Channel channel = connect(host, port);
        ClientConnection connection = channel.pipeline().get(ClientConnection.class);
        boolean imported = false;
        try {
            channel.writeAndFlush(request);
            UsbIpMessage reply = await(connection);
            if (!(reply instanceof OpRepImport importReply)) {
                throw badReply(connection, "expected OP_REP_IMPORT, got " + reply.getClass().getSimpleName());
            }
            if (importReply.device().isEmpty()) {
                throw refused(connection.remote(), busid, importReply.status());
            }
            UsbDeviceInfo info = importReply.device().get();
            if (!info.busid().equals(busid)) {
                // usbip attach compares the echoed bus id too (usbip_attach.c query_import_device)
                throw badReply(connection, "asked for device " + busid + ", got " + info.busid());
            }
            imported = true;
            return new ImportedDevice(channel, connection, info);
        } finally {
            if (!imported) {
                connection.markClosedByUs();
                channel.close();
            }
        }
    }

    /** Stops the client's thread. Imported devices are closed with it. */
    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private Channel connect(String host, int port) throws UsbIpException {
        String remote = host + ":" + port;
        if (port < 1 || port > 0xffff) {
            throw new UsbIpException(UsbIpException.Kind.CONNECT_FAILED, "usbip: " + remote + ": invalid port");
        }
        InetAddress[] addresses;
        try {
            addresses = InetAddress.getAllByName(host);
        } catch (UnknownHostException e) {
            throw new UsbIpException(UsbIpException.Kind.CONNECT_FAILED, "usbip: " + remote + ": unknown host", e);
        }
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeout.toMillis()))
                .option(ChannelOption.TCP_NODELAY, true)             // as usbip does (§1.1)
                .option(ChannelOption.SO_KEEPALIVE, true)
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        ClientConnection connection = new ClientConnection(remote);
                        channel.pipeline()
                                .addLast("decoder", UsbIpDecoder.forClient(connection))
                                .addLast("encoder", UsbIpEncoder.INSTANCE)
                                .addLast("connection", connection);
                    }
                });
        Throwable lastFailure = null;
        // try every address, as usbip_net_tcp_connect does (e.g. "localhost" may be ::1 and 127.0.0.1)
        for (InetAddress address : addresses) {
            ChannelFuture connected = bootstrap.connect(new InetSocketAddress(address, port)).awaitUninterruptibly();
            if (connected.isSuccess()) {
                return connected.channel();
            }
            lastFailure = connected.cause();
        }
        String why = switch (lastFailure) {
            case ConnectTimeoutException _ -> "connection timed out";
            case ConnectException _ -> "connection refused";
            case null -> "no address";
            default -> lastFailure.getMessage();
        };
        throw new UsbIpException(UsbIpException.Kind.CONNECT_FAILED, "usbip: " + remote + ": " + why, lastFailure);
    }

    private UsbIpMessage await(ClientConnection connection) throws UsbIpException {
        try {
            return connection.operationReply().get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new UsbIpException(UsbIpException.Kind.TIMEOUT, "usbip: " + connection.remote()
                    + ": no reply within " + timeout.toMillis() + " ms", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new UsbIpException(UsbIpException.Kind.INTERRUPTED, "usbip: " + connection.remote()
                    + ": interrupted while waiting for a reply", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UsbIpException cause) {
                throw new UsbIpException(cause.kind(), cause.getMessage(), cause);
            }
            throw badReply(connection, String.valueOf(e.getCause()));
        }
    }

    private static UsbIpException refused(String remote, String busid, int status) {
        String prefix = "usbip: " + remote + ": device " + busid;
        return switch (OpStatus.find(status).orElse(OpStatus.ERROR)) {
            case DEV_BUSY -> new UsbIpException(UsbIpException.Kind.DEVICE_BUSY,
                    prefix + " is busy (imported by another client)");
            // older usbipd answers ST_NA for every failure, including an unknown bus id
            case NODEV, NA -> new UsbIpException(UsbIpException.Kind.DEVICE_NOT_FOUND,
                    prefix + " not found" + (status == OpStatus.NA.code() ? " or not available" : ""));
            default -> new UsbIpException(UsbIpException.Kind.REQUEST_FAILED,
                    "usbip: " + remote + ": import of device " + busid + " failed: " + OpStatus.describe(status));
        };
    }

    private static UsbIpException badReply(ClientConnection connection, String what) {
        return new UsbIpException(UsbIpException.Kind.BAD_REPLY, "usbip: " + connection.remote() + ": bad reply: " + what);
    }
}
