; Hardware task switches: JMP to a 32-bit TSS (registers, LDT and CR3 of the new task, CR0.TS, busy bits,
; the old task saved), CALL through a task gate and INT through an IDT task gate (NT, back link, IRET back),
; #DF through a task gate (error code on the new task's stack), the checks before the switch (#GP busy TSS,
; #TS short TSS, #NP TSS not present, #GP through a gate to a busy TSS, #TS for IRET to a TSS that is not
; busy), a fault of the new task after the commit point (#NP for its FS, taken in the new task), a 16-bit TSS,
; and a ring-3 task with its own I/O bitmap and ring-0 stack (leaving through a DPL-3 task gate).
; Exits 0 when every check passes.
%include "lib.inc"

GDT     equ 0x1000
IDT     equ 0x2000
TSSA    equ 0x3000
TSSB    equ 0x3100
TSSC    equ 0x3200
TSSD    equ 0x3300
TSSG    equ 0x3400
TSSE    equ 0x3500
TSSF    equ 0x3600
LDT     equ 0x6000
PD1     equ 0xa000
PD2     equ 0xb000
TSSH    equ 0x20000
LAST_VEC equ 0x500
LAST_ERR equ 0x504
RESUME  equ 0x508
LAST_ESP equ 0x50c
LAST_CS equ 0x510
DF_ERR  equ 0x514
DF_ESP  equ 0x518
STACKA  equ 0x9000
STACKB  equ 0x8c00
STACKD  equ 0x8800
STACKG  equ 0x8400
STACKC  equ 0x8000
STACK3H equ 0x7c00
STACKH0 equ 0x7800
NT      equ 0x4000

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
%macro SETTSS 5                          ; base, eip, esp, ldt, cr3: a ring-0 task with flat segments
        mov dword [%1 + 0x1c], %5
        mov dword [%1 + 0x20], %2
        mov dword [%1 + 0x24], 2
        mov dword [%1 + 0x38], %3
        mov dword [%1 + 0x48], 0x10
        mov dword [%1 + 0x4c], 0x08
        mov dword [%1 + 0x50], 0x10
        mov dword [%1 + 0x54], 0x10
        mov dword [%1 + 0x58], 0x10
        mov dword [%1 + 0x5c], 0x10
        mov dword [%1 + 0x60], %4
        mov word [%1 + 0x66], 0x68
%endmacro
%macro NTFLAG 2                         ; register, check code: NT must be %2 (0 or NT)
        pushfd
        pop %1
        and %1, NT
        CHECK %1, %2, 99
%endmacro

pm32:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, STACKA
        ; paging with 4 MiB user pages: PD1 maps 0-4M and 8-12M to themselves, PD2 maps 0-4M and 4M -> 8M
        mov dword [PD1], 0x87
        mov dword [PD1 + 8], 0x800087
        mov dword [PD2], 0x87
        mov dword [PD2 + 4], 0x800087
        mov eax, cr4
        or eax, 0x10
        mov cr4, eax
        mov eax, PD1
        mov cr3, eax
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        mov dword [0x800000], 0xcafef00d
        mov dword [TSSA + 0x1c], PD1
        mov word [TSSA + 0x66], 0x68
        mov ax, 0x28
        ltr ax
        mov dword [LDT + 8], 0x0000ffff
        mov dword [LDT + 12], 0x00cf9300

        ; 1. JMP to a 32-bit TSS and back
        SETTSS TSSB, taskb1, STACKB, 0x48, PD2
        mov dword [TSSB + 0x28], 0x11111111
        mov dword [TSSB + 0x34], 0x22222222
        mov ebx, 0x1234
        mov eax, 0x5678
        clts
        jmp 0x30:0
        CHECK ebx, 0x1234, 1
        CHECK eax, 0x5678, 2
        CHECK byte [GDT + 0x28 + 5], 0x8b, 3
        CHECK byte [GDT + 0x30 + 5], 0x89, 4
        CHECK dword [TSSB + 0x28], 0x33333333, 5
        str ax
        CHECK ax, 0x28, 6
        mov eax, cr3
        CHECK eax, PD1, 7
        sldt ax
        CHECK ax, 0, 8
        PRINT `jmp ok\n`

        ; 2. CALL through a task gate, IRET back
        SETTSS TSSB, taskb2, STACKB, 0, PD1
        call 0x38:0
        CHECK byte [GDT + 0x30 + 5], 0x89, 20
        CHECK byte [GDT + 0x28 + 5], 0x8b, 21
        NTFLAG eax, 0
        CHECK word [TSSB], 0x28, 23
        mov eax, [TSSB + 0x24]
        and eax, NT
        CHECK eax, 0, 24

        ; 3. INT through an IDT task gate
        SETTSS TSSB, taskb2, STACKB, 0, PD1
        mov word [TSSB], 0
        int 0x60
        CHECK byte [GDT + 0x30 + 5], 0x89, 28
        CHECK word [TSSB], 0x28, 29
        PRINT `call ok\n`

        ; 4. #DF through a task gate: the #GP gate is not present, so #GP then #NP make #DF
        SETTSS TSSD, taskd, STACKD, 0, PD1
        and byte [IDT + 13 * 8 + 5], 0x7f
        mov ax, 0xa0
        mov ds, ax                      ; beyond the GDT: #GP; the task returns to .d1
.d1:    or byte [IDT + 13 * 8 + 5], 0x80
        mov ax, 0x10
        mov ds, ax
        CHECK dword [DF_ERR], 0, 30
        CHECK dword [DF_ESP], STACKD - 4, 31
        CHECK byte [GDT + 0x50 + 5], 0x89, 32
        PRINT `df ok\n`

        ; 5. checks before the switch
        TRY .f1
        jmp 0x28:0                      ; our own TSS is busy
.f1:    EXPECT 13, 0x28, 40
        TRY .f2
        jmp 0x58:0                      ; limit 0x60 < 0x67
.f2:    EXPECT 10, 0x58, 41
        TRY .f3
        jmp 0x60:0                      ; not present
.f3:    EXPECT 11, 0x60, 42
        TRY .f4
        call 0x70:0                     ; task gate to the busy TSS
.f4:    EXPECT 13, 0x28, 43
        mov word [TSSA], 0x30           ; back link to a TSS that is not busy
        TRY .f5
        pushfd
        or dword [esp], NT
        popfd
        iretd
.f5:    EXPECT 10, 0x30, 44
        pushfd
        and dword [esp], ~NT
        popfd
        CHECK byte [GDT + 0x30 + 5], 0x89, 45
        CHECK byte [GDT + 0x28 + 5], 0x8b, 46
        PRINT `checks ok\n`

        ; 6. a fault after the commit point is the new task's: FS of task G is not present
        SETTSS TSSG, 0, STACKG, 0, PD1
        mov dword [TSSG + 0x58], 0x90
        TRY taskg
        jmp 0x68:0
        EXPECT 11, 0x90, 50
        CHECK byte [GDT + 0x68 + 5], 0x89, 51
        CHECK word [TSSG + 0x58], 0x90, 52
        PRINT `new task fault ok\n`

        ; 7. a 16-bit TSS
        mov word [TSSC + 0x0e], R(taskc)
        mov word [TSSC + 0x10], 2
        mov word [TSSC + 0x12], 0x4321
        mov word [TSSC + 0x1a], STACKC
        mov word [TSSC + 0x22], 0x10
        mov word [TSSC + 0x24], 0x78
        mov word [TSSC + 0x26], 0x10
        mov word [TSSC + 0x28], 0x10
        jmp 0x40:0
        CHECK word [TSSC + 0x12], 0x9999, 60
        CHECK byte [GDT + 0x40 + 5], 0x81, 61
        CHECK word [TSSC + 0x24], 0x78, 62
        PRINT `tss16 ok\n`

        ; 8. a ring-3 task with its own I/O bitmap (port 0xe9 only) and ring-0 stack
        mov edi, TSSH
        mov ecx, 0x68
        xor eax, eax
        rep stosb
        mov ecx, 0x2001
        mov al, 0xff
        rep stosb
        and byte [TSSH + 0x68 + 0xe9 / 8], ~(1 << (0xe9 & 7))
        mov dword [TSSH + 4], STACKH0
        mov dword [TSSH + 8], 0x10
        mov dword [TSSH + 0x1c], PD1
        mov dword [TSSH + 0x20], taskh
        mov dword [TSSH + 0x24], 2
        mov dword [TSSH + 0x38], STACK3H
        mov dword [TSSH + 0x48], 0x23
        mov dword [TSSH + 0x4c], 0x1b
        mov dword [TSSH + 0x50], 0x23
        mov dword [TSSH + 0x54], 0x23
        mov dword [TSSH + 0x58], 0x23
        mov dword [TSSH + 0x5c], 0x23
        mov word [TSSH + 0x66], 0x68
        jmp 0x88:0
        CHECK byte [GDT + 0x88 + 5], 0x89, 70
        CHECK dword [TSSH + 0x4c], 0x1b, 71
        CHECK dword [LAST_ESP], STACKH0 - 20, 72
        PRINT `task ok\n`
        EXIT 0

taskb1:                                 ; task B, entered by JMP
        CHECK eax, 0x11111111, 10
        CHECK ebx, 0x22222222, 11
        mov ecx, cr0
        and ecx, 8
        CHECK ecx, 8, 12                ; CR0.TS
        CHECK byte [GDT + 0x28 + 5], 0x89, 13
        CHECK byte [GDT + 0x30 + 5], 0x8b, 14
        NTFLAG ecx, 0
        sldt cx
        CHECK cx, 0x48, 16
        mov cx, 0x0c
        mov gs, cx
        CHECK dword [0x400000], 0xcafef00d, 17
        mov ecx, cr3
        CHECK ecx, PD2, 18
        str cx
        CHECK cx, 0x30, 19
        mov eax, 0x33333333
        jmp 0x28:0

taskb2:                                 ; task B, entered by CALL or INT: nested
        NTFLAG eax, NT
        CHECK byte [GDT + 0x28 + 5], 0x8b, 26
        CHECK byte [GDT + 0x30 + 5], 0x8b, 27
        iretd

taskd:                                  ; the #DF task
        mov [DF_ESP], esp
        pop eax
        mov [DF_ERR], eax
        CHECK word [TSSD], 0x28, 33
        mov dword [TSSA + 0x20], pm32.d1
        iretd

taskg:                                  ; task G after its #NP: back to A
        jmp 0x28:0

taskc:                                  ; 16-bit TSS, code segment based at 0xF0000
        CHECK ax, 0x4321, 63
        mov ax, cs
        CHECK ax, 0x78, 64
        str ax
        CHECK ax, 0x40, 65
        mov ax, 0x9999
        jmp 0x28:0

taskh:                                  ; ring 3
        PRINT `ring 3 task\n`
        TRY .h1
        in al, 0x80
.h1:    EXPECT 13, 0, 73
        mov ax, cs
        CHECK ax, 0x1b, 74
        jmp 0x80:0

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

%macro TGATE 2                          ; TSS selector, attr: a task gate
        dw 0
        dw %1
        db 0
        db %2
        dw 0
%endmacro

gdt:    dq 0
        DESC 0, 0xfffff, 0xc09b         ; 0x08 code DPL 0
        DESC 0, 0xfffff, 0xc093         ; 0x10 data DPL 0
        DESC 0, 0xfffff, 0xc0fb         ; 0x18 code DPL 3
        DESC 0, 0xfffff, 0xc0f3         ; 0x20 data DPL 3
        DESC TSSA, 0x67, 0x0089         ; 0x28 TSS A (the first task)
        DESC TSSB, 0x67, 0x0089         ; 0x30 TSS B
        TGATE 0x30, 0x85                ; 0x38 task gate to B
        DESC TSSC, 0x2b, 0x0081         ; 0x40 16-bit TSS C
        DESC LDT, 0x1f, 0x0082          ; 0x48 LDT of task B
        DESC TSSD, 0x67, 0x0089         ; 0x50 TSS D (#DF)
        DESC TSSE, 0x60, 0x0089         ; 0x58 TSS too short
        DESC TSSF, 0x67, 0x0009         ; 0x60 TSS not present
        DESC TSSG, 0x67, 0x0089         ; 0x68 TSS G (FS not present)
        TGATE 0x28, 0x85                ; 0x70 task gate to A
        DESC 0xf0000, 0xffff, 0x409b    ; 0x78 code based at 0xF0000 (16-bit TSS task)
        TGATE 0x28, 0xe5                ; 0x80 task gate to A, DPL 3
        DESC TSSH, 0x2068, 0x0089       ; 0x88 TSS H (ring 3)
        DESC 0, 0xfffff, 0xc013         ; 0x90 data, not present
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd GDT

idt:
%assign v 0
%rep 32
  %if v == 8
        TGATE 0x50, 0x85
  %else
        GATE 0x08, isr %+ v, INTGATE32, 0
  %endif
  %assign v v + 1
%endrep
        times (0x60 - 32) dq 0
        TGATE 0x30, 0x85                ; 0x60 task gate to B
idt_end:
idtr:   dw idt_end - idt - 1
        dd IDT

        GUEST_END
