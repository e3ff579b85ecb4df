package dev.stm32emu.usbip.server;

import dev.stm32emu.usbip.codec.UsbIpDecoder;
import dev.stm32emu.usbip.codec.UsbIpEncoder;
import dev.stm32emu.usbip.codec.UsbIpWire;
import dev.stm32emu.usbip.message.UsbDeviceInfo;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioEventLoopGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A USB/IP server: exports {@link UsbIpDevice}s by bus id to clients such as Linux
 * {@code usbip attach} (facts-usb.md §1, §2).
 *
 * <pre>{@code
 * try (UsbIpServer server = UsbIpServer.builder().port(0).start()) {
 *     server.export(device);
 *     int port = server.port();
 *     ...
 * }
 * }</pre>
 *
 * <p>It listens on 127.0.0.1:3240 unless told otherwise. USB/IP has no authentication, so a
 * non-loopback address must be allowed explicitly with {@link Builder#allowRemote(boolean)}.
 * A device can be imported by one client at a time; DEVLIST shows the devices nobody imports
 * (as usbipd does). Methods are safe to call from any thread; {@link #close()} waits for the
 * server's threads and so must not be called from a device callback.
 */
public final class UsbIpServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(UsbIpServer.class.getName());

    private final ExportTable exports = new ExportTable();
    private final ChannelGroup connections = new DefaultChannelGroup("usbip-connections", GlobalEventExecutor.INSTANCE);
    private final AtomicBoolean closed = new AtomicBoolean();
    private final EventLoopGroup acceptor;
    private final EventLoopGroup workers;
    private final Channel listener;

    private UsbIpServer(Builder builder) throws IOException {
        acceptor = new NioEventLoopGroup(1, new DefaultThreadFactory("usbip-accept", true));
        workers = new NioEventLoopGroup(builder.workerThreads, new DefaultThreadFactory("usbip-io", true));
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(acceptor, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)        // usbipd sets it (§1.1)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel channel) {
                        connections.add(channel);
                        UsbIpSessionHandler session = new UsbIpSessionHandler(exports);
                        channel.pipeline()
                                .addLast("decoder", UsbIpDecoder.forServer(session::isIsochronous))
                                .addLast("encoder", UsbIpEncoder.INSTANCE)
                                .addLast("session", session);
                    }
                });
        InetSocketAddress address = new InetSocketAddress(builder.address, builder.port);
        ChannelFuture bound = bootstrap.bind(address).awaitUninterruptibly();
        if (!bound.isSuccess()) {
            shutDownGroups();
            String reason = bound.cause() == null ? "unknown error" : bound.cause().getMessage();
            throw new IOException("usbip: cannot listen on " + format(address) + ": " + reason, bound.cause());
        }
        listener = bound.channel();
        LOG.log(Level.INFO, "usbip: listening on {0}", format(localAddress()));
    }

    /** @return a builder for a server on 127.0.0.1:3240 */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the address the server listens on (with the real port when port 0 was asked for) */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) listener.localAddress();
    }

    /** @return the TCP port the server listens on */
    public int port() {
        return localAddress().getPort();
    }

    /**
     * Exports a device under the bus id in its {@link UsbDeviceInfo}.
     *
     * @param device the device
     * @throws IllegalStateException if that bus id is already exported or the server is closed
     */
    public void export(UsbIpDevice device) {
        Objects.requireNonNull(device, "device");
        if (closed.get()) {
            throw new IllegalStateException("usbip server is closed");
        }
        Export export = exports.add(device);
        UsbDeviceInfo info = export.info();
        LOG.log(Level.INFO, "usbip: exporting {0} ({1})", export.busid(),
                String.format("%04x:%04x", info.idVendor(), info.idProduct()));
    }

    /**
     * Stops exporting a device. If a client imports it, the connection is closed after every reply
     * the device produced before this call has been written (facts-usb.md §2.5, §2.7 item 7); the
     * client sees the device unplugged. The bus id can be exported again at once; to export the
     * same device object again, wait for the returned stage first, so that the device sees
     * {@link UsbIpDevice#released()} before the next {@link UsbIpDevice#imported()}.
     *
     * @param busid the bus id
     * @return completes when no connection imports the device any more (and
     *         {@link UsbIpDevice#released()} has run); already complete if nobody imported it or
     *         the bus id was not exported
     */
    public CompletionStage<Void> withdraw(String busid) {
        LOG.log(Level.INFO, "usbip: withdrawing {0}", busid);
        return exports.withdraw(busid);
    }

    /** @return every exported device, imported or not, ordered by bus id */
    public List<UsbDeviceInfo> exportedDevices() {
        return exports.all();
    }

    /**
     * @param busid a bus id
     * @return true if that device is exported and a client imports it now
     */
    public boolean isImported(String busid) {
        return exports.isImported(busid);
    }

    /**
     * Stops listening, closes every connection (devices see {@link UsbIpDevice#released()}) and
     * stops the server's threads. Idempotent.
     *
     * @throws IllegalStateException if called from one of the server's own threads
     */
    @Override
    public void close() {
        for (EventExecutor executor : workers) {
            if (executor.inEventLoop()) {
                throw new IllegalStateException("UsbIpServer.close() called from its own event loop");
            }
        }
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        listener.close().awaitUninterruptibly();
        exports.clear();
        connections.close().awaitUninterruptibly();
        shutDownGroups();
        LOG.log(Level.INFO, "usbip: server on {0} closed", format((InetSocketAddress) listener.localAddress()));
    }

    private void shutDownGroups() {
        acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptor.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        workers.terminationFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    private static String format(InetSocketAddress address) {
        return address.getAddress().getHostAddress() + ":" + address.getPort();
    }

    /** Configures and starts a {@link UsbIpServer}. */
    public static final class Builder {
        private InetAddress address = InetAddress.getLoopbackAddress();
        private int port = UsbIpWire.DEFAULT_PORT;
        private boolean allowRemote;
        private int workerThreads = 2;

        private Builder() {
        }

        /**
         * @param bindAddress the local address to listen on; default 127.0.0.1
         * @return this
         */
        public Builder bindAddress(InetAddress bindAddress) {
            this.address = Objects.requireNonNull(bindAddress, "bindAddress");
            return this;
        }

        /**
         * @param host a host name or literal address to listen on
         * @return this
         * @throws IllegalArgumentException if it does not resolve
         */
        public Builder bindAddress(String host) {
            try {
                return bindAddress(InetAddress.getByName(host));
            } catch (UnknownHostException e) {
                throw new IllegalArgumentException("usbip: unknown bind address " + host, e);
            }
        }

        /**
         * @param tcpPort 0..65535; 0 picks a free port (see {@link UsbIpServer#port()}); default 3240
         * @return this
         */
        public Builder port(int tcpPort) {
            if (tcpPort < 0 || tcpPort > 0xffff) {
                throw new IllegalArgumentException("usbip: port must be 0..65535, got " + tcpPort);
            }
            this.port = tcpPort;
            return this;
        }

        /**
         * @param allow true to permit a non-loopback bind address. USB/IP has no authentication:
         *              anyone who can reach the port can import the exported devices.
         * @return this
         */
        public Builder allowRemote(boolean allow) {
            this.allowRemote = allow;
            return this;
        }

        /**
         * @param threads event loop threads for connections, at least 1; default 2
         * @return this
         */
        public Builder workerThreads(int threads) {
            if (threads < 1) {
                throw new IllegalArgumentException("usbip: workerThreads must be at least 1, got " + threads);
            }
            this.workerThreads = threads;
            return this;
        }

        /**
         * Binds and starts the server.
         *
         * @return the running server
         * @throws IOException              if the address cannot be bound (e.g. port in use)
         * @throws IllegalArgumentException if the address is not loopback and remote access was not allowed
         */
        public UsbIpServer start() throws IOException {
            if (!address.isLoopbackAddress()) {
                if (!allowRemote) {
                    throw new IllegalArgumentException("usbip: refusing to listen on " + address.getHostAddress()
                            + ": USB/IP has no authentication; allow remote access explicitly to do this");
                }
                LOG.log(Level.WARNING, "usbip: listening on {0}, which is not loopback. USB/IP has no "
                        + "authentication: anyone who can reach this port can import the exported devices",
                        address.getHostAddress());
            }
            return new UsbIpServer(this);
        }
    }
}
