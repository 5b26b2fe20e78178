package dev.jemu.tcg;

import java.io.IOException;
import java.lang.classfile.ClassFile;
import java.lang.classfile.ClassHierarchyResolver;
import java.lang.invoke.MethodHandles;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Builds translated classes with java.lang.classfile and defines them as hidden classes with class data, so
 * that the constants generated code needs (decoded instructions and the like) are reachable as
 * {@code ldc} constants, and a class nobody references any more can be unloaded.
 * Set {@code -Djemu.jit.dump=DIR} to keep a copy of every class file (for javap).
 */
public final class ClassEmitter {
    private final MethodHandles.Lookup host;
    private final ClassFile classFile;
    private final Path dumpDir;

    /** {@code host}: a full-privilege lookup in the package the generated classes live in. */
    public ClassEmitter(MethodHandles.Lookup host) {
        this.host = host;
        this.classFile = ClassFile.of(ClassFile.ClassHierarchyResolverOption.of(
                ClassHierarchyResolver.defaultResolver().orElse(ClassHierarchyResolver.ofClassLoading(host))));
        String dump = System.getProperty("jemu.jit.dump");
        this.dumpDir = dump == null ? null : Path.of(dump);
    }

    public ClassFile classFile() {
        return classFile;
    }

    /** Defines {@code bytes} as a hidden class (initialized) whose class data is {@code classData}. */
    public MethodHandles.Lookup define(String name, byte[] bytes, Object classData) {
        if (dumpDir != null) {
            try {
                Files.createDirectories(dumpDir);
                Files.write(dumpDir.resolve(name + ".class"), bytes);
            } catch (IOException e) {
                // a debugging aid only
            }
        }
        try {
            return host.defineHiddenClassWithClassData(bytes, classData, true);
        } catch (IllegalAccessException e) {
            throw new IllegalStateException(e);
        }
    }
}
