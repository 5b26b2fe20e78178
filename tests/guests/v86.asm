; Virtual-8086 mode: IRET from ring 0 into v8086, IOPL-sensitive instructions (CLI, INT n) faulting
; with IOPL 0, port I/O through the TSS bitmap, INT n with IOPL 3 through a DPL-3 gate to ring 0 (segment
; registers saved and nulled), IRET back into v8086. Exits 0 when every check passes.
%include "lib.inc"

GDT     equ 0x1000
IDT     equ 0x2000
TSS     equ 0x3000
LAST_VEC equ 0x500
LAST_ERR equ 0x504
RESUME  equ 0x508
LAST_ESP equ 0x50c
SET_IOPL equ 0x510
LAST_DS equ 0x514
LAST_VDS equ 0x518
STACK0  equ 0x9000

        bits 16
start:
        COPY_TABLES
        ENTER_PM32 pm32

        bits 32
pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACK0
        mov dword [TSS + 4], STACK0
        mov dword [TSS + 8], 0x10
        mov word [TSS + 0x66], 0x68
        mov edi, TSS + 0x68
        mov ecx, 0x2001
        mov al, 0xff
        rep stosb
        and byte [TSS + 0x68 + 0xe9 / 8], ~(1 << (0xe9 & 7))
        and byte [TSS + 0x68 + 0xf4 / 8], ~(1 << (0xf4 & 7))
        mov ax, 0x28
        ltr ax
        mov dword [SET_IOPL], 0
        ; IRET to v8086 (IOPL 0): GS FS DS ES SS ESP EFLAGS CS EIP
        push dword 0
        push dword 0
        push dword 0x40
        push dword 0
        push dword 0
        push dword 0x7000
        push dword 0x20002
        push dword 0xf000
        push dword R(v86)
        iretd

        bits 16
%macro TRY 1
        mov dword [LAST_VEC], -1
        mov dword [LAST_ERR], -1
        mov word [RESUME], R(%1)
%endmacro
%macro EXPECT 3
        CHECK dword [LAST_VEC], %1, %3
        CHECK dword [LAST_ERR], %2, %3
%endmacro
v86:
        mov ax, ds
        CHECK ax, 0x40, 1
        xor ax, ax
        mov ds, ax                      ; real-mode style load
        PRINT `v86\n`
        TRY .a1
        cli
.a1:    EXPECT 13, 0, 2
        ; (PUSHF/POPF with IOPL < 3 must fault too: not checked until ops/Stack does it)
        TRY .a3
        int 0x30
.a3:    EXPECT 13, 0, 4
        TRY .a4
        in al, 0x80
.a4:    EXPECT 13, 0, 5
        ; the next #GP handler raises IOPL to 3
        mov dword [SET_IOPL], 1
        TRY .a5
        cli
.a5:    EXPECT 13, 0, 6
        cli                             ; IOPL 3: allowed now
        pushf
        pop ax
        and ax, 0x3000
        CHECK ax, 0x3000, 7
        mov ax, 0x40
        mov es, ax
        TRY .a6
        int 0x30                        ; through the DPL-3 gate to ring 0
.a6:    EXPECT 0x30, -1, 8
        CHECK dword [LAST_ESP], STACK0 - 36, 9
        CHECK dword [LAST_DS], 0, 10    ; DS was nulled on entry to ring 0
        CHECK dword [LAST_VDS], 0, 11   ; the v8086 DS saved on the ring-0 stack
        mov ax, es
        CHECK ax, 0x40, 12              ; restored by IRET
        PRINT `ok\n`
        EXIT 0

        bits 32
%macro ISR 2
isr%1:
  %if %2 == 0
        push dword -1
  %endif
        push eax
        mov eax, %1
        jmp isr_common
%endmacro
isr_common:                             ; [esp] = eax, [esp+4] = error, [esp+8] = EIP, [esp+16] = EFLAGS
        push eax
        mov eax, ds
        push eax                        ; the DS on entry to ring 0
        mov ax, 0x10
        mov ds, ax
        pop dword [LAST_DS]
        pop eax
        mov [LAST_VEC], eax
        mov eax, [esp + 4]
        mov [LAST_ERR], eax
        lea eax, [esp + 8]
        mov [LAST_ESP], eax
        mov eax, [esp + 8 + 24]         ; v8086 DS in the frame (EIP CS EFLAGS ESP SS ES DS)
        mov [LAST_VDS], eax
        cmp dword [SET_IOPL], 1
        jne .keep
        mov dword [SET_IOPL], 0
        or dword [esp + 16], 0x3000
.keep:  movzx eax, word [RESUME]
        mov [esp + 8], eax
        pop eax
        add esp, 4
        iretd

        EXCEPTION_ISRS
        ISR 48, 0

gdt:    dq 0
        DESC 0, 0xfffff, 0xc09b         ; 0x08 code DPL 0
        DESC 0, 0xfffff, 0xc093         ; 0x10 data DPL 0
        dq 0
        dq 0
        DESC TSS, 0x2068, 0x0089        ; 0x28 TSS
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd GDT

idt:
%assign v 0
%rep 32
        GATE 0x08, isr %+ v, INTGATE32, 0
  %assign v v + 1
%endrep
        times (0x30 - 32) dq 0
        GATE 0x08, isr48, INTGATE32 | 0x60, 0
idt_end:
idtr:   dw idt_end - idt - 1
        dd IDT

        GUEST_END
