package dev.jemu.accel;

import dev.jemu.accel.kvm.Kvm;
import dev.jemu.cli.ToolError;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * The accelerator names QEMU knows, shared by the system emulator and user mode: which can run here, what
 * {@code -accel help} lists, and trying a list of them in order as QEMU's configure_accelerators does.
 */
public final class Accelerators {
    private Accelerators() {}

    /** Accelerators of other hosts: recognised, and said to be unavailable here with the host they need. */
    private static final Map<String, String> FOREIGN = Map.of(
            "hvf", "macOS (Hypervisor.framework)",
            "whpx", "Windows (Windows Hypervisor Platform)",
            "haxm", "Windows or macOS with Intel HAXM",
            "nvmm", "NetBSD (NVMM)",
            "xen", "a Xen dom0 (jemu has no Xen support)");

    /** One accelerator to try, and the start of its failure line ("-accel kvm: "). */
    public record Try(String name, String prefix) {
    }

    /** {@code -accel help}: QEMU's listing; kvm is listed when this host can use it. */
    public static String help() {
        return "Accelerators supported in QEMU binary:\ntcg\n" + (Kvm.unavailableReason() == null ? "kvm\n" : "");
    }

    /** Why {@code name} cannot run here (QEMU's text), or null if it can; {@code kvm} answers for kvm. */
    public static String problem(String name, Supplier<String> kvm) {
        if (name.equals("tcg")) return null;
        if (name.equals("kvm")) return kvm.get();
        if (FOREIGN.containsKey(name)) {
            return "accelerator " + name + " is not available on this host: it needs " + FOREIGN.get(name);
        }
        return "invalid accelerator " + name;
    }

    /**
     * The first of {@code tries} that {@code problem} accepts (null: no problem). Each failure followed by
     * another try is printed and the next one tried ("falling back to tcg"); the last failure is the error.
     */
    public static String choose(String tool, List<Try> tries, Function<String, String> problem) {
        String failure = null;
        for (int i = 0; i < tries.size(); i++) {
            Try t = tries.get(i);
            String why = problem.apply(t.name());
            if (why == null) {
                if (failure != null) System.err.println(tool + ": falling back to " + t.name());
                return t.name();
            }
            failure = t.prefix() + why;
            if (i == tries.size() - 1) throw new ToolError(failure);
            System.err.println(tool + ": " + failure);
        }
        throw new ToolError("no accelerator to try");
    }
}
