; A guest that resets the machine once (-accel kvm and tcg alike): the first boot marks CMOS byte 0x4e (CMOS RAM
; survives a reset), enters protected mode and asks the keyboard controller for a reset (0xfe to port 0x64); the
; second boot finds the mark and exits through isa-debug-exit with 0x11 (status 35). On COM1: "boot 1", "pm",
; "boot 2". Under -no-reboot the reset ends the emulator (status 0) after "pm".
%include "lib.inc"
GDT     equ 0x1000
IDT     equ 0x2000

        bits 16
start:
        COPY_TABLES
        mov al, 0x4e
        out 0x70, al
        in al, 0x71
        cmp al, 0x5a
        je second
        mov al, 0x4e
        out 0x70, al
        mov al, 0x5a
        out 0x71, al
        mov si, R(msg_boot1)
        call puts16
        lgdt [R(gdtr)]
        mov eax, cr0
        or eax, 1
        mov cr0, eax
        jmp dword 0x08:pm32
second: mov si, R(msg_boot2)
        call puts16
        mov al, 0x11
        out 0xf4, al
.h:     hlt
        jmp .h

puts16: mov dx, 0x3f8
.l:     lodsb
        test al, al
        jz .d
        out dx, al
        jmp .l
.d:     ret

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x8000
        mov dx, 0x3f8
        mov al, 'p'
        out dx, al
        mov al, 'm'
        out dx, al
        mov al, 10
        out dx, al
        mov al, 0xfe                    ; i8042: pulse the reset line
        out 0x64, al
.h:     hlt
        jmp .h

msg_boot1: db "boot 1", 10, 0
msg_boot2: db "boot 2", 10, 0
        align 8
gdt:    dq 0
        DESC 0, 0xfffff, CODE32G
        DESC 0, 0xfffff, DATA32G
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd GDT
idt:
idt_end:

        GUEST_END
