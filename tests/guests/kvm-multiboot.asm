; A multiboot v1 kernel (a.out kludge, loaded at 1 MiB) for -kernel: checks the loader's entry state (EAX magic,
; EBX the info block with its memory fields, flat 32-bit segments, interrupts off), prints "multiboot ok" on COM1 and
; exits through isa-debug-exit with 0x11 (status 35); a failed check prints "multiboot bad N".
        bits 32
        org 0x100000
MAGIC   equ 0x1badb002
FLAGS   equ 0x00010000
header: dd MAGIC, FLAGS, -(MAGIC + FLAGS)
        dd header, 0x100000, end, end, entry
entry:  mov esp, 0x90000
        mov cl, '1'
        cmp eax, 0x2badb002
        jne bad
        mov cl, '2'
        test dword [ebx], 1             ; mem_lower/mem_upper valid
        jz bad
        mov cl, '3'
        pushfd
        pop eax
        test eax, 0x200                 ; IF clear
        jnz bad
        mov cl, '4'
        mov ax, ds
        mov dx, cs
        cmp ax, dx
        je bad                          ; data and code selectors differ
        mov cl, '5'
        mov eax, [0x100000]             ; a flat DS reads the header back
        cmp eax, MAGIC
        jne bad
        mov esi, msg_ok
        call puts
        mov al, 0x11
        out 0xf4, al
.h:     hlt
        jmp .h
bad:    mov esi, msg_bad
        call puts
        mov al, cl
        out dx, al
        mov al, 10
        out dx, al
        mov al, 0x7e
        out 0xf4, al
.h:     hlt
        jmp .h
puts:   mov dx, 0x3f8
.l:     lodsb
        test al, al
        jz .d
        out dx, al
        jmp .l
.d:     ret
msg_ok: db "multiboot ok", 10, 0
msg_bad: db "multiboot bad ", 0
end:
