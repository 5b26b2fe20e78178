; ACPI power-off on the pc machine, as firmware and an OS do it: enable the PIIX4 PM function's I/O block at
; 0x600 (PCI 00:01.3, PMBA at 0x40, PMIOSE at 0x80), print "off" on debugcon, then write SLP_EN with the S5
; sleep type to PM1a control (0x604). Used for -no-shutdown and signal tests: after the write the machine
; either ends (status 0) or, with -no-shutdown, stays stopped.
%include "lib.inc"
        bits 16
start:
        cli
        mov dx, 0xcf8
        mov eax, 0x80000b40             ; bus 0, device 1, function 3, register 0x40: PMBA
        out dx, eax
        mov dx, 0xcfc
        mov eax, 0x601
        out dx, eax
        mov dx, 0xcf8
        mov eax, 0x80000b80             ; register 0x80: PMREGMISC, bit 0 enables the I/O block
        out dx, eax
        mov dx, 0xcfc
        mov al, 1
        out dx, al
        PRINT `off\n`
        mov dx, 0x604
        mov ax, 0x2000                  ; SLP_EN, SLP_TYP 0 (the DSDT's _S5)
        out dx, ax
.hang:  hlt
        jmp .hang
        GUEST_END
