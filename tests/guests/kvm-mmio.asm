; -accel kvm: MMIO and ROM. Writes a word to the test device at 0xa0010, reads a word from 0xa0020 and a dword
; from 0xa0024 and reports them on port 0x3f0; writes over the ROM slot at 0xf0000 and reports what it reads back.
        bits 16
        org 0x1000
start:  xor ax, ax
        mov dx, 0x3f0
        mov ds, ax
        mov ax, 0xa000
        mov es, ax
        mov word [es:0x10], 0x1234
        mov ax, [es:0x20]
        out dx, ax
        mov eax, [es:0x24]
        out dx, eax
        mov ax, 0xf000
        mov es, ax
        mov byte [es:0], 0x77       ; read-only slot: KVM hands the write to us, the ROM keeps its byte
        mov al, [es:0]
        out dx, al
        mov al, 3
        out 0xf4, al
.h:     hlt
        jmp .h
