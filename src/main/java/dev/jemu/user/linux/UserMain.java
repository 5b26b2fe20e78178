package dev.jemu.user.linux;

import dev.jemu.Main;
import dev.jemu.cli.ToolError;
import dev.jemu.memory.SoftMmu;
import dev.jemu.target.x86.CpuModel;
import dev.jemu.target.x86.X86Cpu;
import dev.jemu.tcg.TcgOptions;
import dev.jemu.util.Log;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * jemu-x86_64 / jemu-i386: run a Linux program built for x86, as qemu-x86_64 / qemu-i386 do.
 * Options follow qemu-user's.
 */
public final class UserMain {
    private UserMain() {}

    public static int run(String tool, boolean is64, String[] args) {
        String sysroot = null, argv0 = null, cpuName = "max", logFile = null;
        Log log = new Log();
        Map<String, String> env = new LinkedHashMap<>(System.getenv());
        List<String> accels = new ArrayList<>();
        int k = 0;
        for (; k < args.length; k++) {
            String a = args[k];
            if (!a.startsWith("-")) break;
            String opt = a.startsWith("--") ? a.substring(2) : a.substring(1);
            if (opt.isEmpty()) {
                k++;
                break;
            }
            switch (opt) {
                case "h", "help" -> {
                    System.out.print(usage(tool));
                    return 0;
                }
                case "version" -> {
                    System.out.println(tool + " version " + Main.VERSION + " (jemu)");
                    System.out.println("Copyright (c) the jemu developers");
                    return 0;
                }
                case "L" -> sysroot = arg(tool, args, ++k, a);
                case "E" -> {
                    for (String kv : arg(tool, args, ++k, a).split(",")) {
                        int eq = kv.indexOf('=');
                        if (eq <= 0) throw new ToolError("Bad environment variable assignment '" + kv + "'");
                        env.put(kv.substring(0, eq), kv.substring(eq + 1));
                    }
                }
                case "U" -> {
                    for (String v : arg(tool, args, ++k, a).split(",")) env.remove(v);
                }
                case "0" -> argv0 = arg(tool, args, ++k, a);
                case "cpu" -> {
                    cpuName = arg(tool, args, ++k, a);
                    if (cpuName.equals("help") || cpuName.equals("?")) {
                        System.out.print(CpuModels.help());
                        return 0;
                    }
                }
                case "d" -> {
                    String items = arg(tool, args, ++k, a);
                    if (items.equals("help")) {
                        System.out.print(Log.helpText());
                        return 0;
                    }
                    String bad = log.enable(items);
                    if (bad != null) throw new ToolError("unknown log item '" + bad + "'. Use '-d help' for a list of log items.");
                }
                case "D" -> logFile = arg(tool, args, ++k, a);
                case "strace" -> log.enable(Log.Item.STRACE);
                case "s", "r", "B", "R", "p", "seed", "dfilter", "trace", "plugin" -> {
                    String v = arg(tool, args, ++k, a);
                    if (opt.equals("r")) unameRelease = v;
                }
                case "accel" -> {
                    String v = arg(tool, args, ++k, a);
                    if (v.equals("help") || v.equals("?")) {
                        System.out.print(dev.jemu.accel.Accelerators.help());
                        return 0;
                    }
                    String[] parts = v.split(",");
                    for (int j = 1; j < parts.length; j++) {
                        // tcg's jit=off|on|all (jemu's own) chooses interpreter only, hot code translated, everything
                        String[] kv = parts[j].split("=", 2);
                        if (!parts[0].equals("tcg") || !kv[0].equals("jit")) {
                            throw new ToolError("-accel " + v + ": Property '" + parts[0] + "-accel." + kv[0] + "' not found");
                        }
                        TcgOptions.Mode m = TcgOptions.parseMode(kv.length > 1 ? kv[1] : "");
                        if (m == null) throw new ToolError("-accel " + v + ": Parameter 'jit' expects 'off', 'on' or 'all'");
                        TcgOptions.configure(m);
                    }
                    accels.add(parts[0]);
                }
                case "singlestep", "one-insn-per-tb" -> { }
                case "g" -> throw new ToolError("-g: the gdb stub is not supported by jemu");
                default -> throw new ToolError("unknown option '" + opt + "'");
            }
        }
        if (k >= args.length) {
            System.err.print(usage(tool));
            throw new ToolError("no user program specified");
        }
        if (logFile != null) {
            try {
                log.toFile(logFile);
            } catch (IOException e) {
                throw new ToolError("-D " + logFile + ": " + e.getMessage());
            }
        }
        boolean hostCpu = cpuName.equals("host");
        CpuModel model = CpuModels.find(hostCpu ? "max" : cpuName, is64);
        if (model == null) throw new ToolError("unable to find CPU model '" + cpuName + "'");
        // -accel, else QEMU_ACCEL (qemu-user reads QEMU_<OPTION> for its options)
        String envAccel = System.getenv("QEMU_ACCEL");
        if (accels.isEmpty() && envAccel != null && !envAccel.isEmpty()) accels.add(envAccel);
        dev.jemu.accel.kvm.KvmUser.prepare(accels);

        String program = args[k];
        List<byte[]> argv = new ArrayList<>();
        argv.add((argv0 != null ? argv0 : program).getBytes(StandardCharsets.UTF_8));
        for (int j = k + 1; j < args.length; j++) argv.add(args[j].getBytes(StandardCharsets.UTF_8));
        List<byte[]> envp = new ArrayList<>();
        for (Map.Entry<String, String> e : env.entrySet()) {
            envp.add((e.getKey() + "=" + e.getValue()).getBytes(StandardCharsets.UTF_8));
        }

        Kernel kernel = new Kernel(is64, tool, model, sysroot, log);
        if (unameRelease != null) kernel.unameRelease = unameRelease;
        LinuxProcess proc;
        try {
            proc = Processes.createInitial(kernel, Path.of(program), program, argv, envp);
        } catch (LoadError e) {
            throw new ToolError("Error loading " + program + ": " + e.getMessage());
        }
        dev.jemu.accel.kvm.KvmUser.configure(tool, accels, model, hostCpu, is64);
        HostInterrupt.install();
        HostSignals.install(kernel);
        LinuxThread main = proc.threads.get(0);
        main.run();
        // The main thread may end before the process does (pthread_exit): wait for the last thread.
        synchronized (proc) {
            while (!proc.dead()) {
                try {
                    proc.wait();
                } catch (InterruptedException e) {
                    break;
                }
            }
        }
        HostExit.exitLike(proc.waitStatus);
        return 0;
    }

    private static String unameRelease;

    private static String arg(String tool, String[] args, int k, String opt) {
        if (k >= args.length) throw new ToolError("missing argument for option '" + opt.substring(1) + "'");
        return args[k];
    }

    static String usage(String tool) {
        String arch = tool.substring(tool.indexOf('-') + 1);
        return "usage: " + tool + " [options] program [arguments...]\n"
                + "Linux CPU emulator (compiled for " + arch + " emulation)\n\n"
                + "Options:\n"
                + "-h                print this help\n"
                + "-L path           set the elf interpreter prefix to 'path'\n"
                + "-cpu model        select CPU (-cpu help for list)\n"
                + "-accel name       run guest code with this accelerator: tcg (default) or kvm;\n"
                + "                  repeat or use kvm:tcg to fall back (-accel help for list);\n"
                + "                  tcg,jit=off|on|all: interpret only, translate hot code, translate all\n"
                + "-E var=value      sets targets environment variable\n"
                + "-U var            unsets targets environment variable\n"
                + "-0 argv0          forces target process argv[0] to be 'argv0'\n"
                + "-r uname          set the uname release string to 'uname'\n"
                + "-d item[,...]     enable logging of specified items (use '-d help' for a list of items)\n"
                + "-D logfile        write logs to 'logfile' (default stderr)\n"
                + "-strace           log system calls\n"
                + "-version          display version information and exit\n";
    }

    /** Sets up the initial thread's CPU for user mode. */
    static X86Cpu newCpu(Kernel k, AddressSpace as) {
        X86Cpu cpu = new X86Cpu(k.cpuModel, new SoftMmu(as.ram(), as));
        cpu.userMode = true;
        if (k.is64) {
            cpu.codeBits = 64;
            cpu.longMode = true;
            cpu.stackSize = 8;
            cpu.segSel[X86Cpu.CS] = 0x33;
            cpu.segSel[X86Cpu.SS] = 0x2b;
        } else {
            cpu.codeBits = 32;
            cpu.longMode = false;
            cpu.stackSize = 4;
            cpu.segSel[X86Cpu.CS] = 0x23;
            cpu.segSel[X86Cpu.SS] = cpu.segSel[X86Cpu.DS] = cpu.segSel[X86Cpu.ES] = 0x2b;
            for (int s = 0; s < 6; s++) cpu.segLimit[s] = 0xffffffff;
        }
        cpu.segments = new UserSegments(k.is64);
        return cpu;
    }
}
