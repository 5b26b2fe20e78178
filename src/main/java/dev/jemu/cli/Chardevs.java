package dev.jemu.cli;

/**
 * Character-device specifications as -serial writes them ("stdio", "null", "vc", "file:PATH",
 * "tcp:HOST:PORT[,server][,nowait]", "unix:PATH[,server][,nowait]", "mon:stdio"); -chardev options are turned
 * into the same form so that one backend factory (ui/Chardev) opens both.
 */
public final class Chardevs {
    private Chardevs() {}

    /** Null if {@code spec} is a backend jemu can open, else QEMU's reason. */
    public static String check(String spec) {
        switch (spec) {
            case "stdio", "null", "vc", "mon:stdio" -> {
                return null;
            }
            default -> { }
        }
        int colon = spec.indexOf(':');
        String kind = colon < 0 ? spec : spec.substring(0, colon);
        String rest = colon < 0 ? "" : spec.substring(colon + 1);
        switch (kind) {
            case "file" -> {
                return rest.isEmpty() ? "Could not open '': No such file or directory" : null;
            }
            case "tcp", "telnet" -> {
                String addr = rest.split(",", 2)[0];
                int c = addr.lastIndexOf(':');
                if (c < 0) return "address resolution failed for " + addr + ": Name or service not known";
                String port = addr.substring(c + 1);
                if (!port.matches("[0-9]+") || Integer.parseInt(port) > 65535) {
                    return "address resolution failed for " + addr + ": Servname not supported for ai_socktype";
                }
                return null;
            }
            case "unix" -> {
                return rest.split(",", 2)[0].isEmpty() ? "Unable to parse FD number " : null;
            }
            default -> {
                return "'" + spec + "' is not a valid char driver";
            }
        }
    }

    /** -chardev BACKEND,id=ID,...: returns {id, spec}. Throws QEMU's errors. */
    public static String[] fromChardevOption(String v) {
        KeyValues kv = KeyValues.parse(v, "backend");
        String backend = kv.implied();
        String id = kv.get("id");
        String prefix = "-chardev " + v + ": ";
        if (id == null) throw new ToolError(prefix + "chardev: no id specified");
        String path = kv.get("path");
        boolean server = on(kv.get("server"));
        boolean nowait = kv.get("wait") != null && !on(kv.get("wait"));
        String spec = switch (backend == null ? "" : backend) {
            case "stdio" -> "stdio";
            case "null" -> "null";
            case "vc" -> "vc";
            case "file" -> {
                if (path == null) throw new ToolError(prefix + "chardev: file: no filename given");
                yield "file:" + path;
            }
            case "socket" -> {
                if (path != null) yield "unix:" + path + (server ? ",server" : "") + (nowait ? ",nowait" : "");
                String port = kv.get("port");
                if (port == null) throw new ToolError(prefix + "Unable to parse FD number ");
                String host = kv.get("host") == null ? "" : kv.get("host");
                yield "tcp:" + host + ":" + port + (server ? ",server" : "") + (nowait ? ",nowait" : "");
            }
            default -> throw new ToolError(prefix + "'" + backend + "' is not a valid char driver name");
        };
        String problem = check(spec);
        if (problem != null) throw new ToolError(prefix + problem);
        return new String[] {id, spec};
    }

    static boolean on(String v) {
        return v != null && (v.equals("on") || v.equals("yes") || v.equals("true"));
    }
}
