package dev.jemu.target.x86;

/**
 * An instruction's semantics: a static method {@code (X86Cpu, Insn) -> void} in one of the ops classes.
 * The translator finds the method a reference names (tcg.HandlerRef) and calls it directly from generated code.
 */
@FunctionalInterface
public interface Exec {
    void exec(X86Cpu cpu, Insn i);
}
