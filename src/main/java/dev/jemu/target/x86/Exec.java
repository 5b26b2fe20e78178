package dev.jemu.target.x86;

import java.io.Serializable;

/**
 * An instruction's semantics: a static method {@code (X86Cpu, Insn) -> void} in one of the ops classes.
 * Serializable so the translator can find the implementing method of a method reference and call it
 * directly from generated code.
 */
@FunctionalInterface
public interface Exec extends Serializable {
    void exec(X86Cpu cpu, Insn i);
}
