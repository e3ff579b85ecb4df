package dev.stm32emu.cli.guest;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A tiny USB/IP server for the guest runner's tests: exports one full-speed device "1-1",
 * 0483:df11, that looks like an STM32 DfuSe bootloader in DFU mode (facts-usb.md §1.3–1.6, §3.9).
 * It answers OP_REQ_DEVLIST and OP_REQ_IMPORT, then serves ep0: the standard descriptors,
 * SET_CONFIGURATION/SET_INTERFACE, GET_STATUS and DFU GETSTATUS (dfuIDLE); everything else STALLs.
 * Plain blocking sockets, one thread per connection.
 */
final class FakeUsbIpServer implements AutoCloseable {

    static final String BUSID = "1-1";
    static final String LAYOUT = "@Internal Flash  /0x08000000/64*002Kg";
    private static final int VERSION = 0x0111;
    private static final int EPIPE = -32;

    private final ServerSocket server;
    private final Thread acceptor;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicInteger urbs = new AtomicInteger();

    FakeUsbIpServer() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = Thread.ofPlatform().daemon().name("fake-usbip-accept").start(this::acceptLoop);
    }

    int port() {
        return server.getLocalPort();
    }

    /** Connections accepted so far (one per `usbip list`, one per `usbip attach`). */
    int connections() {
        return connections.get();
    }

    /** URBs (CMD_SUBMIT) answered so far. */
    int urbs() {
        return urbs.get();
    }

    @Override
    public void close() throws IOException {
        server.close();
        for (Socket s : sockets) {
            s.close();
        }
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            try {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                sockets.add(s);
                connections.incrementAndGet();
                Thread.ofPlatform().daemon().name("fake-usbip-conn").start(() -> serve(s));
            } catch (IOException e) {
                return;
            }
        }
    }

    private void serve(Socket s) {
        try (s) {
            DataInputStream in = new DataInputStream(s.getInputStream());
            DataOutputStream out = new DataOutputStream(s.getOutputStream());
            int version = in.readUnsignedShort();
            int code = in.readUnsignedShort();
            in.readInt(); // status
            if (version != VERSION) {
                return;
            }
            if (code == 0x8005) { // OP_REQ_DEVLIST
                out.writeShort(VERSION);
                out.writeShort(0x0005);
                out.writeInt(0);
                out.writeInt(1);
                out.write(deviceRecord());
                out.write(new byte[] {(byte) 0xFE, 0x01, 0x02, 0x00}); // interface 0: DFU, DFU mode
                out.flush();
            } else if (code == 0x8003) { // OP_REQ_IMPORT
                byte[] busid = new byte[32];
                in.readFully(busid);
                boolean ok = cString(busid).equals(BUSID);
                out.writeShort(VERSION);
                out.writeShort(0x0003);
                out.writeInt(ok ? 0 : 1);
                if (ok) {
                    out.write(deviceRecord());
                    out.flush();
                    urbLoop(in, out);
                }
                out.flush();
            }
        } catch (IOException e) {
            // client went away
        }
    }

    private void urbLoop(DataInputStream in, DataOutputStream out) throws IOException {
        while (true) {
            byte[] h = new byte[48];
            in.readFully(h);
            ByteBuffer hb = ByteBuffer.wrap(h);
            int command = hb.getInt(0);
            int seqnum = hb.getInt(4);
            int direction = hb.getInt(12);
            int ep = hb.getInt(16);
            if (command == 2) { // CMD_UNLINK: everything was answered at once, so the victim is done
                ByteBuffer r = ByteBuffer.allocate(48);
                r.putInt(0, 4).putInt(4, seqnum).putInt(20, 0);
                out.write(r.array());
                out.flush();
                continue;
            }
            if (command != 1) {
                return;
            }
            int length = hb.getInt(24);
            byte[] setup = new byte[8];
            System.arraycopy(h, 40, setup, 0, 8);
            if (direction == 0 && length > 0) {
                in.readFully(new byte[length]);
            }
            byte[] data = ep == 0 ? control(setup) : null;
            ByteBuffer r = ByteBuffer.allocate(48);
            r.putInt(0, 3).putInt(4, seqnum);
            if (data == null) {
                r.putInt(20, EPIPE);
                out.write(r.array());
            } else if (direction == 1) {
                int actual = Math.min(data.length, length);
                r.putInt(24, actual);
                out.write(r.array());
                out.write(data, 0, actual);
            } else {
                r.putInt(24, length);
                out.write(r.array());
            }
            out.flush();
            urbs.incrementAndGet();
        }
    }

    /** The ep0 request's IN data (empty for OUT requests), or null to STALL. */
    private static byte[] control(byte[] setup) {
        int type = setup[0] & 0xFF;
        int request = setup[1] & 0xFF;
        int value = (setup[2] & 0xFF) | (setup[3] & 0xFF) << 8;
        return switch (type << 8 | request) {
            case 0x8006 -> descriptor(value >> 8, value & 0xFF);
            case 0x0009, 0x0109 -> new byte[0];               // SET_CONFIGURATION, SET_INTERFACE
            case 0x8000 -> new byte[] {0, 0};                  // GET_STATUS(device)
            case 0xA103 -> new byte[] {0, 1, 0, 0, 2, 0};      // DFU GETSTATUS: OK, 1 ms, dfuIDLE
            case 0xA105 -> new byte[] {2};                     // DFU GETSTATE: dfuIDLE
            case 0x2106, 0x2104 -> new byte[0];                // DFU ABORT, CLRSTATUS
            default -> null;
        };
    }

    private static byte[] descriptor(int type, int index) {
        return switch (type) {
            case 1 -> new byte[] {18, 1, 0x10, 0x01, 0, 0, 0, 64, (byte) 0x83, 0x04, 0x11, (byte) 0xDF,
                    0x00, 0x22, 1, 2, 3, 1};
            case 2 -> new byte[] {9, 2, 27, 0, 1, 1, 0, (byte) 0xC0, 50,
                    9, 4, 0, 0, 0, (byte) 0xFE, 0x01, 0x02, 4,
                    9, 0x21, 0x0B, (byte) 0xFF, 0, 0x00, 0x08, 0x1A, 0x01};
            case 3 -> switch (index) {
                case 0 -> new byte[] {4, 3, 0x09, 0x04};
                case 1 -> string("STMicroelectronics");
                case 2 -> string("STM32  BOOTLOADER");
                case 3 -> string("FAKE00000001");
                case 4 -> string(LAYOUT);
                default -> null;
            };
            default -> null; // DEVICE_QUALIFIER, BOS, ...: STALL
        };
    }

    private static byte[] string(String s) {
        byte[] utf16 = s.getBytes(StandardCharsets.UTF_16LE);
        byte[] d = new byte[2 + utf16.length];
        d[0] = (byte) d.length;
        d[1] = 3;
        System.arraycopy(utf16, 0, d, 2, utf16.length);
        return d;
    }

    /** usbip_usb_device, 312 bytes (facts-usb.md §1.3). */
    private static byte[] deviceRecord() {
        ByteBuffer b = ByteBuffer.allocate(312);
        b.put("/sys/devices/platform/fake/usb1/1-1".getBytes(StandardCharsets.US_ASCII));
        b.position(0x100).put(BUSID.getBytes(StandardCharsets.US_ASCII));
        b.position(0x120);
        b.putInt(1).putInt(2).putInt(2);                       // busnum, devnum, speed FULL
        b.putShort((short) 0x0483).putShort((short) 0xDF11).putShort((short) 0x2200);
        b.put((byte) 0).put((byte) 0).put((byte) 0);           // class, subclass, protocol
        b.put((byte) 0).put((byte) 1).put((byte) 1);           // configuration, #configs, #interfaces
        return b.array();
    }

    private static String cString(byte[] b) {
        int n = 0;
        while (n < b.length && b[n] != 0) {
            n++;
        }
        return new String(b, 0, n, StandardCharsets.US_ASCII);
    }
}
