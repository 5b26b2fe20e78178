; The compute loop of kvm-long.asm as a static x86-64 Linux program (nasm -f elf64; ld): the native reference.
; Iterations from argv[1]'s first 8 bytes? No: from the environment-free default below, patched by the test.
%include "kvm-loop.inc"
        bits 64
        global _start
        section .data
iters:  dq 0x1122334455667788           ; patched by the test (the marker is searched in the file)
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
