package dev.jemu;

import dev.jemu.cli.ToolError;
import dev.jemu.user.linux.UserMain;

/**
 * Entry point of every jemu tool. The launchers in bin/ pass the tool's name (jemu-x86_64, jemu-i386, ...)
 * as the first argument.
 */
public final class Main {
    private Main() {}

    public static final String VERSION = "0.1.0";

    public static void main(String[] args) {
        if (args.length == 0) {
            System.err.println("jemu: usage: jemu TOOL [options...] (TOOL: jemu-x86_64, jemu-i386, jemu-system-x86_64, jemu-system-i386)");
            System.exit(1);
        }
        String tool = args[0];
        String[] rest = java.util.Arrays.copyOfRange(args, 1, args.length);
        int status;
        try {
            status = switch (tool) {
                case "jemu-x86_64" -> UserMain.run(tool, true, rest);
                case "jemu-i386" -> UserMain.run(tool, false, rest);
                case "jemu-system-x86_64" -> SystemMain.run(tool, 64, rest);
                case "jemu-system-i386" -> SystemMain.run(tool, 32, rest);
                default -> throw new ToolError("unknown tool '" + tool + "'");
            };
        } catch (ToolError e) {
            System.err.println(tool + ": " + e.getMessage());
            status = 1;
        } catch (Throwable t) {
            // A bug in jemu: one line for the user, the details only on request.
            System.err.println(tool + ": internal error: " + t);
            if (System.getenv("JEMU_DEBUG") != null) t.printStackTrace();
            status = 1;
        }
        System.out.flush();
        System.exit(status);
    }
}
