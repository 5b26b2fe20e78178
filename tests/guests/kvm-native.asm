; The compute loop of kvm-long.asm as a static x86-64 Linux program (nasm -f elf64; ld): the native reference.
; The iteration count is built in: nasm -DITERS=n (bench/kvm); it writes the 8-byte result to stdout.
%include "kvm-loop.inc"
        bits 64
        global _start
        section .data
%ifndef ITERS
%define ITERS 1000
%endif
iters:  dq ITERS
result: dq 0
        section .text
_start: mov rcx, [rel iters]
        COMPUTE_LOOP
        mov [rel result], rax
        mov eax, 1                      ; write(1, &result, 8)
        mov edi, 1
        lea rsi, [rel result]
        mov edx, 8
        syscall
        mov eax, 60                     ; exit(0)
        xor edi, edi
        syscall
