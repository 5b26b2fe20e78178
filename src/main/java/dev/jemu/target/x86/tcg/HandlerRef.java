package dev.jemu.target.x86.tcg;

import dev.jemu.target.x86.Exec;
import dev.jemu.target.x86.Insn;
import dev.jemu.target.x86.X86Cpu;

import java.lang.invoke.MethodHandleInfo;
import java.lang.invoke.SerializedLambda;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * The static method behind an instruction's {@link Exec} method reference, recovered through its
 * {@link SerializedLambda}: generated code calls it with {@code invokestatic}, and its name ("Alu.aluEG") says
 * which instruction form it implements, so the translator knows which ones it can specialise.
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
            Method wr = e.getClass().getDeclaredMethod("writeReplace");
            wr.setAccessible(true);
            if (!(wr.invoke(e) instanceof SerializedLambda sl)) return UNKNOWN;
            String owner = sl.getImplClass();
            String name = sl.getImplMethodName();
            String simple = owner.substring(owner.lastIndexOf('/') + 1);
            boolean direct = false;
            if (sl.getImplMethodKind() == MethodHandleInfo.REF_invokeStatic
                    && sl.getImplMethodSignature().equals("(Ldev/jemu/target/x86/X86Cpu;Ldev/jemu/target/x86/Insn;)V")) {
                Class<?> c = Class.forName(owner.replace('/', '.'), false, HandlerRef.class.getClassLoader());
                Method m = c.getDeclaredMethod(name, X86Cpu.class, Insn.class);
                direct = Modifier.isPublic(m.getModifiers()) && Modifier.isPublic(c.getModifiers())
                        && c.getEnclosingClass() == null;
            }
            return new HandlerRef(owner, name, direct, simple + "." + name);
        } catch (ReflectiveOperationException | RuntimeException ex) {
            return UNKNOWN; // not a serializable method reference: call it through Insn.exec
        }
    }
}
