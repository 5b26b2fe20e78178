; Interrupts of the pc machine's devices (run with -bios under jemu-system-x86_64 and qemu-system-x86_64):
; through the 8259 pair (initialized here: vectors 0x20/0x28), the PIT (channel 0, mode 2, 100 Hz; held in
; IRR while masked and taken right after the unmask), the RTC's periodic interrupt (IRQ 8 on the slave,
; register C), the 16550's THRE and, in loopback, RX interrupts (IIR); then the same devices through the
; I/O APIC (PIT on pin 2, RTC on pin 8, COM1 on pin 4) with the local APIC's ISR and EOI.
; Exits 0 when every check passes.
%include "lib.inc"

GDT     equ 0x1000
IDT     equ 0x2000
COUNT   equ 0x500                       ; interrupts taken by the current handler
INFO    equ 0x504                       ; what the handler saw (ISR bits, register C, IIR)
RXBYTE  equ 0x508
STACK0  equ 0x9000
IOAPIC  equ 0xfec00000
LAPIC   equ 0xfee00000
COM1    equ 0x3f8

        bits 16
start:
        COPY_TABLES
        ENTER_PM32 pm32

        bits 32
%macro RESET 0
        mov dword [COUNT], 0
        mov dword [INFO], 0
%endmacro
%macro WAIT 1                           ; sleeps until the handler counted %1 interrupts
%%w:    sti
        hlt
        cli
        cmp dword [COUNT], %1
        jb %%w
%endmacro
%macro REDIR 2                          ; I/O APIC pin, low dword (vector, mask...): destination APIC 0
        mov dword [IOAPIC], 0x10 + 2 * %1
        mov dword [IOAPIC + 0x10], %2
        mov dword [IOAPIC], 0x11 + 2 * %1
        mov dword [IOAPIC + 0x10], 0
%endmacro

pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACK0
        ; as a BIOS does: the local APIC software enabled (spurious vector 0xff), the 8259 through LINT0 as
        ; ExtINT (virtual wire), NMI on LINT1
        mov dword [LAPIC + 0xf0], 0x1ff
        mov dword [LAPIC + 0x350], 0x700
        mov dword [LAPIC + 0x360], 0x400
        ; the 8259 pair: edge triggered, cascade on IRQ 2, vectors 0x20 and 0x28, everything masked
        mov al, 0x11
        out 0x20, al
        out 0xa0, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x28
        out 0xa1, al
        mov al, 4
        out 0x21, al
        mov al, 2
        out 0xa1, al
        mov al, 1
        out 0x21, al
        out 0xa1, al
        mov al, 0xff
        out 0x21, al
        out 0xa1, al
        ; PIT channel 0: mode 2, 11932 (100 Hz)
        mov al, 0x34
        out 0x43, al
        mov al, 11932 & 0xff
        out 0x40, al
        mov al, 11932 >> 8
        out 0x40, al

        ; 1. PIT through the PIC
        RESET
        mov al, 0xfe
        out 0x21, al
        WAIT 5
        CHECK dword [INFO], 1, 1        ; ISR bit 0 set in the handler
        ; masked: the request waits in IRR; unmasked, it is taken after the instruction following STI
        mov al, 0xff
        out 0x21, al
        mov al, 0x20                    ; a tick the handler did not acknowledge may be in service: EOI
        out 0x20, al
        mov al, 0x0a                    ; OCW3: read IRR
        out 0x20, al
        mov ecx, 100000000
.irr:   in al, 0x20
        test al, 1
        jnz .pending
        loop .irr
        EXIT 2
.pending:
        RESET
        mov al, 0xfe
        out 0x21, al
        sti
        nop
        cli
        CHECK dword [COUNT], 1, 3
        mov al, 0xff
        out 0x21, al
        PRINT `pic pit ok\n`

        ; 2. RTC periodic interrupt (64 Hz) through the slave
        mov al, 0x0a
        out 0x70, al
        mov al, 0x2a
        out 0x71, al
        mov al, 0x0c
        out 0x70, al
        in al, 0x71
        mov al, 0x0b
        out 0x70, al
        in al, 0x71
        or al, 0x40
        mov bl, al
        mov al, 0x0b
        out 0x70, al
        mov al, bl
        out 0x71, al
        RESET
        mov al, 0xfb
        out 0x21, al
        mov al, 0xfe
        out 0xa1, al
        WAIT 5
        mov eax, [INFO]
        and eax, 0xc0
        CHECK eax, 0xc0, 4              ; IRQF and PF in register C
        mov al, 0xff
        out 0xa1, al
        out 0x21, al
        PRINT `pic rtc ok\n`

        ; 3. COM1: THRE, then RX in loopback (IRQ 4)
        mov dx, COM1 + 3
        mov al, 0x80
        out dx, al
        mov dx, COM1
        mov al, 1
        out dx, al
        inc dx
        xor al, al
        out dx, al                      ; IER (and divisor high) 0
        mov dx, COM1 + 3
        mov al, 3
        out dx, al
        mov dx, COM1 + 2
        xor al, al
        out dx, al                      ; no FIFOs
        mov dx, COM1 + 4
        mov al, 0x18                    ; OUT2, loopback
        out dx, al
        mov dx, COM1 + 5
        in al, dx
        mov dx, COM1
        in al, dx
        RESET
        mov al, 0xef
        out 0x21, al
        mov dx, COM1 + 1
        mov al, 2                       ; ETBEI: the empty THR interrupts at once
        out dx, al
        WAIT 1
        CHECK dword [INFO], 0x02, 5
        mov dx, COM1 + 1
        mov al, 1                       ; ERBFI only
        out dx, al
        RESET
        mov dx, COM1
        mov al, 'Z'
        out dx, al
        WAIT 1
        CHECK dword [INFO], 0x04, 6
        CHECK byte [RXBYTE], 'Z', 7
        mov dx, COM1 + 1
        xor al, al
        out dx, al
        mov al, 0xff
        out 0x21, al
        PRINT `pic serial ok\n`

        ; 4. the I/O APIC and the local APIC
        mov dword [IOAPIC], 1
        mov eax, [IOAPIC + 0x10]
        and eax, 0xff
        CHECK eax, 0x20, 8              ; I/O APIC version (QEMU 7.2: 0x20)
        RESET
        REDIR 2, 0x40
        WAIT 5
        CHECK dword [INFO], 1, 9        ; ISR bit of vector 0x40 set in the handler
        REDIR 2, 0x10040                ; masked
        PRINT `ioapic pit ok\n`

        mov al, 0x0c
        out 0x70, al
        in al, 0x71
        RESET
        REDIR 8, 0x41
        WAIT 5
        mov eax, [INFO]
        and eax, 0xc0
        CHECK eax, 0xc0, 10
        REDIR 8, 0x10041
        PRINT `ioapic rtc ok\n`

        RESET
        REDIR 4, 0x42
        mov dx, COM1 + 1
        mov al, 2
        out dx, al
        WAIT 1
        CHECK dword [INFO], 0x02, 11
        mov dx, COM1 + 1
        xor al, al
        out dx, al
        REDIR 4, 0x10042
        PRINT `ioapic serial ok\n`
        EXIT 0

; ---- handlers ----
pic_pit:
        push eax
        inc dword [COUNT]
        mov al, 0x0b                    ; OCW3: read ISR
        out 0x20, al
        in al, 0x20
        and eax, 1
        mov [INFO], eax
        mov al, 0x20
        out 0x20, al
        pop eax
        iretd

pic_rtc:
        push eax
        inc dword [COUNT]
        call rtc_c
        mov al, 0x20
        out 0xa0, al
        out 0x20, al
        pop eax
        iretd

rtc_c:                                  ; reads RTC register C into INFO (accumulated)
        mov al, 0x0c
        out 0x70, al
        in al, 0x71
        movzx eax, al
        or [INFO], eax
        ret

pic_com:
        push eax
        push edx
        inc dword [COUNT]
        call com_iir
        mov al, 0x20
        out 0x20, al
        pop edx
        pop eax
        iretd

com_iir:                                ; IIR into INFO, the received byte into RXBYTE
        mov dx, COM1 + 2
        in al, dx
        movzx eax, al
        mov [INFO], eax
        and al, 0x0f
        cmp al, 4
        jne .done
        mov dx, COM1
        in al, dx
        mov [RXBYTE], al
.done:  ret

apic_pit:
        push eax
        inc dword [COUNT]
        mov eax, [LAPIC + 0x120]        ; ISR bits 64-95
        and eax, 1
        mov [INFO], eax
        mov dword [LAPIC + 0xb0], 0
        pop eax
        iretd

apic_rtc:
        push eax
        inc dword [COUNT]
        call rtc_c
        mov dword [LAPIC + 0xb0], 0
        pop eax
        iretd

apic_com:
        push eax
        push edx
        inc dword [COUNT]
        call com_iir
        mov dword [LAPIC + 0xb0], 0
        pop edx
        pop eax
        iretd

spurious:
        iretd

unexpected:                             ; any other vector
        EXIT 50

gdt:    dq 0
        DESC 0, 0xfffff, 0xc09b         ; 0x08 code
        DESC 0, 0xfffff, 0xc093         ; 0x10 data
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd GDT

idt:
%assign v 0
%rep 0x100
  %if v == 0x20
        GATE 0x08, pic_pit, INTGATE32, 0
  %elif v == 0x24
        GATE 0x08, pic_com, INTGATE32, 0
  %elif v == 0x28
        GATE 0x08, pic_rtc, INTGATE32, 0
  %elif v == 0x27 || v == 0x2f || v == 0xff
        GATE 0x08, spurious, INTGATE32, 0
  %elif v == 0x40
        GATE 0x08, apic_pit, INTGATE32, 0
  %elif v == 0x41
        GATE 0x08, apic_rtc, INTGATE32, 0
  %elif v == 0x42
        GATE 0x08, apic_com, INTGATE32, 0
  %else
        GATE 0x08, unexpected, INTGATE32, 0
  %endif
  %assign v v + 1
%endrep
idt_end:
idtr:   dw idt_end - idt - 1
        dd IDT

        GUEST_END
