package dev.jemu.ui;

import dev.jemu.cli.ToolError;
import dev.jemu.hw.character.CharBackend;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.IntConsumer;

/**
 * Opens the host ends of character devices from their specs (cli/Chardevs' language): stdio, null, vc,
 * file:PATH, tcp:HOST:PORT[,server][,nowait], unix:PATH[,server][,nowait]. Bytes from the host (stdin, a
 * socket) go to the {@link #setInput input} installed for the spec once the machine exists.
 */
public final class Chardevs {
    /** A host end: what the guest writes goes to {@link #backend}; what the host sends goes to its input. */
    public static final class Host {
        public final CharBackend backend;
        volatile IntConsumer input = b -> { };
        final String spec;

        Host(String spec, CharBackend backend) {
            this.spec = spec;
            this.backend = backend;
        }

        public void setInput(IntConsumer input) {
            this.input = input;
        }
    }

    private Chardevs() {}

    public static Host open(String spec) {
        if (spec.equals("null") || spec.equals("vc")) return new Host(spec, CharBackend.NULL);
        if (spec.equals("stdio") || spec.equals("mon:stdio")) {
            OutputStream o = StdioConsole.stdout();
            return new Host(spec, CharBackend.of(o));
        }
        if (spec.startsWith("file:")) {
            String path = spec.substring(5);
            try {
                return new Host(spec, CharBackend.of(new FileOutputStream(path)));
            } catch (IOException e) {
                throw new ToolError("Could not open '" + path + "': " + reason(Path.of(path)));
            }
        }
        if (spec.startsWith("tcp:") || spec.startsWith("unix:")) return socket(spec);
        throw new ToolError("'" + spec + "' is not a valid char driver");
    }

    private static String reason(Path p) {
        Path parent = p.toAbsolutePath().getParent();
        if (parent != null && !Files.isDirectory(parent)) return "No such file or directory";
        return "Permission denied";
    }

    /** A socket chardev: one connection at a time; output is dropped while nobody is connected. */
    private static Host socket(String spec) {
        String[] parts = spec.split(",");
        boolean server = false, nowait = false;
        for (int i = 1; i < parts.length; i++) {
            if (parts[i].equals("server") || parts[i].equals("server=on")) server = true;
            if (parts[i].equals("nowait") || parts[i].equals("wait=off")) nowait = true;
        }
        boolean unix = spec.startsWith("unix:");
        String addr = parts[0].substring(unix ? 5 : 4);
        java.net.SocketAddress sa;
        if (unix) {
            sa = UnixDomainSocketAddress.of(addr);
        } else {
            int c = addr.lastIndexOf(':');
            String host = addr.substring(0, c);
            sa = new InetSocketAddress(host.isEmpty() ? "0.0.0.0" : host, Integer.parseInt(addr.substring(c + 1)));
        }
        final SocketChannel[] conn = new SocketChannel[1];
        Host[] self = new Host[1];
        CharBackend out = b -> {
            SocketChannel ch = conn[0];
            if (ch == null) return;
            try {
                ch.write(ByteBuffer.wrap(new byte[] {(byte) b}));
            } catch (IOException e) {
                conn[0] = null;
            }
        };
        Host h = new Host(spec, out);
        self[0] = h;
        try {
            if (!server) {
                SocketChannel ch = unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
                ch.connect(sa);
                conn[0] = ch;
                reader(h, ch);
                return h;
            }
            ServerSocketChannel ss = unix ? ServerSocketChannel.open(StandardProtocolFamily.UNIX) : ServerSocketChannel.open();
            if (unix) Files.deleteIfExists(Path.of(addr));
            ss.bind(sa);
            if (!nowait) {
                System.err.println("jemu: waiting for connection on: disconnected:" + parts[0] + ",server=on");
                conn[0] = ss.accept();
                reader(h, conn[0]);
            }
            Thread.ofPlatform().daemon().name("jemu-chardev-accept").start(() -> {
                for (;;) {
                    try {
                        while (conn[0] != null && conn[0].isOpen()) Thread.sleep(100);
                        conn[0] = ss.accept();
                        reader(h, conn[0]);
                    } catch (IOException | InterruptedException e) {
                        return;
                    }
                }
            });
            return h;
        } catch (IOException e) {
            String what = server ? "Failed to bind socket to " + addr : "Failed to connect to '" + addr + "'";
            throw new ToolError(what + ": " + (e.getMessage() == null ? "error" : e.getMessage()));
        }
    }

    private static void reader(Host h, SocketChannel ch) {
        Thread.ofPlatform().daemon().name("jemu-chardev-read").start(() -> {
            try (InputStream in = Channels.newInputStream(ch)) {
                int b;
                while ((b = in.read()) >= 0) h.input.accept(b);
            } catch (IOException e) {
                // peer gone
            }
            try {
                ch.close();
            } catch (IOException e) {
                // already closed
            }
        });
    }
}
