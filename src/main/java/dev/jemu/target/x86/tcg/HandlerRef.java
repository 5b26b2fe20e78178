package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.Exec;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;

import jdk.internal.access.SharedSecrets;
import jdk.internal.reflect.ConstantPool;

import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The static method behind an instruction's {@link Exec} method reference: generated code calls it with
 * {@code invokestatic}, and its name ("Alu.aluEG") says which instruction form it implements, so the translator
 * knows which ones it can specialise.
 *
 * <p>A method reference is a lambda proxy class whose {@code exec} calls the target, so the target is the one
 * method reference of the handler's shape in the proxy's constant pool, read through the JDK's internal
 * constant-pool reflection (the jar's manifest and the test JVMs export it to jemu). This keeps {@link Exec}
 * a plain functional interface: serializable method references would let us ask for a {@code SerializedLambda}
 * instead, but the JVM cannot keep their proxy classes in the AOT cache, and spinning some 500 of them again
 * cost every start about 0.3 s of CPU.
 *
 * @param owner  internal name of the declaring class ("dev/jemu/target/x86/ops/Alu")
 * @param method method name
 * @param direct true if generated code may call it directly (public static (X86Cpu, Insn)V in a public class);
 *               otherwise it is called through {@code Insn.exec}
 * @param key    "SimpleClassName.method", what specialisations are keyed by
 */
record HandlerRef(String owner, String method, boolean direct, String key) {
    private static final Map<Exec, HandlerRef> CACHE = Collections.synchronizedMap(new IdentityHashMap<>());
    private static final HandlerRef UNKNOWN = new HandlerRef("", "", false, "?");
    private static final String SHAPE = "(Ldev/jemu/target/x86/X86Cpu;Ldev/jemu/target/x86/Insn;)V";

    static HandlerRef of(Insn i) {
        Exec e = i.exec;
        HandlerRef r = CACHE.get(e);
        if (r == null) {
            r = resolve(e);
            CACHE.put(e, r);
        }
        return r;
    }

    private static HandlerRef resolve(Exec e) {
        try {
            String[] target = target(e.getClass());
            if (target == null) return UNKNOWN;
            String owner = target[0].replace('.', '/');
            String name = target[1];
            String simple = owner.substring(owner.lastIndexOf('/') + 1);
            Class<?> c = Class.forName(owner.replace('/', '.'), false, HandlerRef.class.getClassLoader());
            Method m = c.getDeclaredMethod(name, X86Cpu.class, Insn.class);
            boolean direct = Modifier.isStatic(m.getModifiers()) && Modifier.isPublic(m.getModifiers())
                    && Modifier.isPublic(c.getModifiers()) && c.getEnclosingClass() == null;
            return new HandlerRef(owner, name, direct, simple + "." + name);
        } catch (ReflectiveOperationException | RuntimeException | LinkageError ex) {
            return UNKNOWN; // not a method reference to a handler: call it through Insn.exec
        }
    }

    /** {class, name} of the one (X86Cpu, Insn)V method a lambda proxy class refers to, or null. */
    private static String[] target(Class<?> proxy) {
        if (!proxy.isHidden()) return null;
        ConstantPool cp = SharedSecrets.getJavaLangAccess().getConstantPool(proxy);
        String[] found = null;
        for (int k = 1; k < cp.getSize(); k++) {
            ConstantPool.Tag tag = cp.getTagAt(k);
            if (tag != ConstantPool.Tag.METHODREF && tag != ConstantPool.Tag.INTERFACEMETHODREF) continue;
            String[] ref = cp.getMemberRefInfoAt(k);
            if (!ref[2].equals(SHAPE)) continue;
            if (found != null && !(found[0].equals(ref[0]) && found[1].equals(ref[1]))) return null; // ambiguous
            found = ref;
        }
        return found;
    }
}
