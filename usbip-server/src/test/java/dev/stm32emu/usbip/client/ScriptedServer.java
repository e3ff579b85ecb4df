package dev.stm32emu.usbip.client;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/** A raw TCP server on 127.0.0.1 that plays one scripted conversation, for client error paths. */
final class ScriptedServer implements AutoCloseable {
    private final ServerSocket listener;
    private final Thread thread;

    ScriptedServer(Script script) throws IOException {
        listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        thread = Thread.ofVirtual().start(() -> {
            try (Socket socket = listener.accept()) {
                script.play(socket);
            } catch (IOException | InterruptedException ignored) {
                // the test is over or the client went away
            }
        });
    }

    int port() {
        return listener.getLocalPort();
    }

    @Override
    public void close() throws IOException {
        listener.close();
        thread.interrupt();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @FunctionalInterface
    interface Script {
        void play(Socket socket) throws IOException, InterruptedException;
    }
}
