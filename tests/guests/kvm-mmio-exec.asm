; A guest KVM cannot run: it prints "X" on COM1 and jumps into the VGA window at 0xa0000, which is MMIO, not
; memory: KVM cannot fetch instructions there and stops with an emulation failure (QEMU's "KVM internal error").
        bits 16
        org 0xf0000
start:  mov dx, 0x3f8
        mov al, 'X'
        out dx, al
        jmp 0xa000:0
        times 0x10000 - 16 - ($ - $$) db 0xf4
        jmp 0xf000:start
        times 0x10000 - ($ - $$) db 0
