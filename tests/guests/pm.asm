; Protected mode: descriptor loads and their faults (#GP/#NP/#SS with selector error codes), the accessed
; bit, exceptions through the IDT with their error codes, #DF from a contributory fault during delivery,
; LGDT/SGDT/LTR/STR/LLDT/SLDT/LAR/LSL/VERR/VERW, IRET to ring 3 (data registers nulled), ring-3 privilege
; checks (CLI, HLT, IN outside the TSS I/O bitmap, INT through a DPL-0 gate, loading a DPL-0 segment),
; INT to ring 0 through a DPL-3 gate with the TSS stack, a call gate with a parameter and RETF imm back to
; ring 3. Exits 0 when every check passes.
%include "lib.inc"

GDT     equ 0x1000
IDT     equ 0x2000
TSS     equ 0x3000
LDT     equ 0x6000
LAST_VEC equ 0x500
LAST_ERR equ 0x504
RESUME  equ 0x508
LAST_ESP equ 0x50c
LAST_CS equ 0x510
CG_PARAM equ 0x514
CG_ESP  equ 0x518
SCRATCH equ 0x520
STACK0  equ 0x9000
STACK3  equ 0x8000

        bits 16
start:
        COPY_TABLES
        ENTER_PM32 pm32

        bits 32
%macro EXPECT 3                         ; vector, error code, check code: the last exception
        CHECK dword [LAST_VEC], %1, %3
        CHECK dword [LAST_ERR], %2, %3
%endmacro
%macro TRY 1                            ; where the exception handler resumes
        mov dword [LAST_VEC], -1
        mov dword [LAST_ERR], -1
        mov dword [RESUME], %1
%endmacro

pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACK0
        mov ax, cs
        CHECK ax, 0x08, 1

        ; the accessed bit is set by a load
        CHECK byte [GDT + 0x50 + 5], 0x92, 2
        mov ax, 0x50
        mov fs, ax
        CHECK byte [GDT + 0x50 + 5], 0x93, 3

        ; faults of segment loads
        TRY .f1
        mov ax, 0x80                    ; beyond the GDT limit
        mov ds, ax
.f1:    EXPECT 13, 0x80, 4
        TRY .f2
        mov ax, 0x38                    ; execute-only code
        mov es, ax
.f2:    EXPECT 13, 0x38, 5
        TRY .f3
        mov ax, 0x30                    ; not present
        mov gs, ax
.f3:    EXPECT 11, 0x30, 6
        TRY .f4
        mov ax, 0x30
        mov ss, ax
.f4:    EXPECT 12, 0x30, 7
        TRY .f5
        mov ax, 0x13                    ; RPL 3 != CPL 0
        mov ss, ax
.f5:    EXPECT 13, 0x10, 8
        TRY .f6
        mov ax, 0x20                    ; DPL 3 stack at CPL 0
        mov ss, ax
.f6:    EXPECT 13, 0x20, 9
        TRY .f7
        mov ax, 4                       ; LDT selector with no LDT
        mov ds, ax
.f7:    EXPECT 13, 0x04, 10
        mov ax, 0x10
        mov ds, ax
        mov ss, ax

        ; exceptions and their error codes
        TRY .e1
        ud2
.e1:    EXPECT 6, -1, 11
        TRY .e2
        xor edx, edx
        xor ecx, ecx
        div ecx
.e2:    EXPECT 0, -1, 12
        TRY .e3
        int3
.e3:    EXPECT 3, -1, 13
        TRY .e4
        int 0x42                        ; gate not present
.e4:    EXPECT 11, 0x42 * 8 + 2, 14
        TRY .e5
        int 0x50                        ; beyond the IDT limit
.e5:    EXPECT 13, 0x50 * 8 + 2, 15
        TRY .e6
        int 0x40
.e6:    EXPECT 0x40, -1, 16
        TRY .e7
        jmp 0x38:.e7                    ; far JMP to execute-only code at DPL 0: allowed
.e7:    mov ax, cs
        CHECK ax, 0x38, 17
        jmp 0x08:.e8
.e8:    TRY .e9
        jmp 0x10:.e9                    ; to a data segment
.e9:    EXPECT 13, 0x10, 18

        ; #DF: the #GP gate is not present, so delivering #GP raises #NP: both contributory
        and byte [IDT + 13 * 8 + 5], 0x7f
        TRY .d1
        mov ax, 0x80
        mov ds, ax
.d1:    EXPECT 8, 0, 19
        or byte [IDT + 13 * 8 + 5], 0x80
        mov ax, 0x10
        mov ds, ax

        ; SGDT/SIDT
        sgdt [SCRATCH]
        CHECK word [SCRATCH], gdt_end - gdt - 1, 20
        CHECK dword [SCRATCH + 2], GDT, 21
        sidt [SCRATCH]
        CHECK word [SCRATCH], idt_end - idt - 1, 22
        CHECK dword [SCRATCH + 2], IDT, 23

        ; LAR/LSL/VERR/VERW
        mov ecx, 0x18
        lar eax, ecx
        jnz fail24
        CHECK eax, 0x00c0fb00, 24
        lsl eax, ecx
        CHECK eax, 0xffffffff, 25
        xor ecx, ecx
        mov eax, 0x5555
        lar eax, ecx
        jz fail24
        CHECK eax, 0x5555, 26
        mov cx, 0x38
        verr cx
        jz fail24
        mov cx, 0x08
        verr cx
        jnz fail24
        verw cx
        jz fail24
        mov cx, 0x10
        verw cx
        jnz fail24
        mov ecx, 0x48
        lsl eax, ecx
        CHECK eax, 0x1f, 27

        ; LLDT/SLDT and a data segment from the LDT
        mov dword [LDT + 8], 0x0000ffff
        mov dword [LDT + 12], 0x00cf9300
        mov ax, 0x48
        lldt ax
        sldt bx
        CHECK bx, 0x48, 28
        mov ax, 0x0c                    ; LDT entry 1
        mov gs, ax
        mov ax, gs
        CHECK ax, 0x0c, 29

        ; the TSS: ring-0 stack, an I/O bitmap allowing only ports 0xe9 and 0xf4
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
        str bx
        CHECK bx, 0x28, 30
        CHECK byte [GDT + 0x28 + 5], 0x8b, 31  ; busy
        PRINT `pm ok\n`

        ; to ring 3 with IRET: DS, ES (DPL 0) become null
        push dword 0x23
        push dword STACK3
        push dword 0x002
        push dword 0x1b
        push dword ring3
        iretd
ring3:
        mov ax, cs
        CHECK ax, 0x1b, 40
        mov ax, ds
        CHECK ax, 0, 41
        mov ax, ss
        CHECK ax, 0x23, 42
        mov ax, 0x23
        mov ds, ax
        mov es, ax
        PRINT `ring 3\n`                ; port 0xe9 is allowed by the bitmap
        TRY .p1
        cli
.p1:    EXPECT 13, 0, 43
        TRY .p2
        hlt
.p2:    EXPECT 13, 0, 44
        TRY .p3
        in al, 0x80
.p3:    EXPECT 13, 0, 45
        TRY .p4
        int 0x40                        ; DPL 0 gate
.p4:    EXPECT 13, 0x40 * 8 + 2, 46
        TRY .p5
        mov ax, 0x10
        mov ds, ax
.p5:    EXPECT 13, 0x10, 47
        mov ax, 0x23
        mov ds, ax
        TRY .p6
        int 0x41                        ; DPL 3 gate: ring 0 on the TSS stack
.p6:    EXPECT 0x41, -1, 48
        CHECK dword [LAST_ESP], STACK0 - 20, 49
        CHECK dword [LAST_CS], 0x1b, 50
        CHECK esp, STACK3, 51

        ; a call gate to ring 0 with one parameter, RETF 4 back
        push dword 0x1234
        call 0x43:0
        CHECK esp, STACK3, 52
        mov ax, ds
        CHECK ax, 0, 53                 ; the ring-0 code loaded DS with a DPL-0 selector
        mov ax, 0x23
        mov ds, ax
        CHECK dword [CG_PARAM], 0x1234, 54
        CHECK dword [CG_ESP], STACK0 - 20, 55
        PRINT `ok\n`
        EXIT 0

fail24: EXIT 24

cg_target:                              ; ring 0, reached through the call gate
        mov ax, 0x10
        mov ds, ax
        mov eax, [esp + 8]
        mov [CG_PARAM], eax
        mov [CG_ESP], esp
        mov ax, cs
        cmp ax, 0x08
        jne .bad
        retf 4
.bad:   EXIT 56

; exception handlers: record vector, error code (-1 if none), ESP and CS of the frame; resume at [RESUME]
%macro ISR 2
isr%1:
  %if %2 == 0
        push dword -1
  %endif
        push eax
        mov eax, %1
        jmp isr_common
%endmacro
isr_common:                             ; [esp] = eax, [esp+4] = error, [esp+8] = EIP, [esp+12] = CS
        push ds
        push eax
        mov ax, 0x10
        mov ds, ax
        pop eax
        mov [LAST_VEC], eax
        mov eax, [esp + 8]
        mov [LAST_ERR], eax
        lea eax, [esp + 12]
        mov [LAST_ESP], eax
        mov eax, [esp + 16]
        mov [LAST_CS], eax
        mov eax, [RESUME]
        mov [esp + 12], eax
        pop ds
        pop eax
        add esp, 4
        iretd

        EXCEPTION_ISRS
        ISR 64, 0
        ISR 65, 0

gdt:    dq 0
        DESC 0, 0xfffff, 0xc09b         ; 0x08 code DPL 0
        DESC 0, 0xfffff, 0xc093         ; 0x10 data DPL 0
        DESC 0, 0xfffff, 0xc0fb         ; 0x18 code DPL 3
        DESC 0, 0xfffff, 0xc0f3         ; 0x20 data DPL 3
        DESC TSS, 0x2068, 0x0089        ; 0x28 TSS
        DESC 0, 0xfffff, 0xc013         ; 0x30 data, not present
        DESC 0, 0xfffff, 0xc099         ; 0x38 execute-only code
        GATE 0x08, cg_target, 0xec, 1   ; 0x40 call gate, DPL 3, one parameter
        DESC LDT, 0x1f, 0x0082          ; 0x48 LDT
        DESC 0, 0xfffff, 0xc092         ; 0x50 data, accessed bit clear
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd GDT

idt:
%assign v 0
%rep 32
        GATE 0x08, isr %+ v, INTGATE32, 0
  %assign v v + 1
%endrep
        times (0x40 - 32) dq 0
        GATE 0x08, isr64, INTGATE32, 0
        GATE 0x08, isr65, INTGATE32 | 0x60, 0
        GATE 0x08, isr65, INTGATE32 & 0x7f, 0 ; 0x42 not present
idt_end:
idtr:   dw idt_end - idt - 1
        dd IDT

        GUEST_END
