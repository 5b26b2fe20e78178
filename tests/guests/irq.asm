; External interrupts (SystemHarness only: port 0xf0 requests one): held while IF = 0, delivered through the
; IVT when HLT waits with IF = 1, and the handler returns after the HLT. Exits 0 when every check passes.
%include "lib.inc"
        bits 16
start:
        cli
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ds, ax
        mov word [0x20 * 4], R(h20)
        mov word [0x20 * 4 + 2], 0xf000
        xor bx, bx
        mov al, 0x20
        out 0xf0, al                    ; request vector 0x20
        nop
        nop
        CHECK bx, 0, 1                  ; IF = 0: not taken
        sti
        hlt
after_hlt:
        CHECK bx, 1, 2
        CHECK dx, R(after_hlt), 3       ; the handler returns past the HLT
        PRINT `ok\n`
        EXIT 0
h20:    inc bx
        mov bp, sp
        mov dx, [bp]
        iret
        GUEST_END
