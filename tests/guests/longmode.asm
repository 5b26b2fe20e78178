; Long mode: entering it (PAE, LME, PG), 64-bit IDT gates with error codes and IST, IRETQ to ring 3, an
; interrupt from ring 3 through a DPL-3 gate onto RSP0, ring-3 privilege faults, SYSCALL/SYSRET, SWAPGS,
; compatibility mode reached by a far JMP and left by RETF. Exits 0 when every check passes.
%include "lib.inc"

GDT     equ 0x1000
IDT     equ 0x2000
TSS     equ 0x3000
PML4    equ 0x10000
LAST_VEC equ 0x500
LAST_ERR equ 0x508
RESUME  equ 0x510
LAST_RSP equ 0x518
LAST_CS equ 0x520
SC_RCX  equ 0x528
SC_R11  equ 0x530
STACK0  equ 0x9000
STACK3  equ 0x8000
IST1    equ 0xa000

        bits 16
start:
        COPY_TABLES
        ; identity page tables for the first 4 MiB (2 MiB pages, user-accessible)
        xor ax, ax
        mov ds, ax
        mov ax, PML4 >> 4
        mov es, ax
        xor di, di
        xor eax, eax
        mov cx, 0x3000 / 4
        rep stosd
        mov dword [es:0x0000], PML4 + 0x1007
        mov dword [es:0x1000], PML4 + 0x2007
        mov dword [es:0x2000], 0x000087
        mov dword [es:0x2008], 0x200087
        mov ax, 0xf000
        mov ds, ax
        lgdt [R(gdtr)]
        lidt [R(idtr)]
        mov eax, cr4
        or eax, 0x20                    ; PAE
        mov cr4, eax
        mov eax, PML4
        mov cr3, eax
        mov ecx, 0xc0000080
        rdmsr
        or eax, 0x101                   ; LME, SCE
        wrmsr
        mov eax, cr0
        or eax, 0x80000001
        mov cr0, eax
        jmp dword 0x08:lm64

        bits 64
%macro EXPECT 3
        CHECK qword [LAST_VEC], %1, %3
        CHECK qword [LAST_ERR], %2, %3
%endmacro
%macro TRY 1
        mov qword [LAST_VEC], -1
        mov qword [LAST_ERR], -1
        mov rax, %1
        mov [RESUME], rax
%endmacro

lm64:
        mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov rsp, STACK0
        mov ax, cs
        CHECK ax, 0x08, 1
        mov ecx, 0xc0000080
        rdmsr
        and eax, 0x400
        CHECK eax, 0x400, 2             ; LMA

        ; the TSS: RSP0 and IST1
        mov qword [TSS + 4], STACK0
        mov qword [TSS + 0x24], IST1
        mov word [TSS + 0x66], 0x68     ; I/O bitmap: only ports 0xe9 and 0xf4 (exit and debugcon from ring 3)
        mov edi, TSS + 0x68
        mov ecx, 0x21
        mov al, 0xff
        rep stosb
        and byte [TSS + 0x68 + 0xe9 / 8], ~(1 << (0xe9 & 7))
        and byte [TSS + 0x68 + 0xf4 / 8], ~(1 << (0xf4 & 7))
        mov ax, 0x30
        ltr ax

        ; exceptions: error codes are pushed as 8 bytes
        TRY .e1
        ud2
.e1:    EXPECT 6, -1, 3
        TRY .e2
        mov ax, 0x80
        mov ds, ax
.e2:    EXPECT 13, 0x80, 4
        TRY .e3
        int3
.e3:    EXPECT 3, -1, 5
        TRY .e4
        int 0x40                        ; IST1
.e4:    EXPECT 0x40, -1, 6
        CHECK qword [LAST_RSP], IST1 - 40, 7
        CHECK qword [LAST_CS], 0x08, 8
        CHECK rsp, STACK0, 9

        ; compatibility mode and back
        jmp dword far [rel compat_ptr]
back64:
        mov ax, cs
        CHECK ax, 0x08, 10
        CHECK ebx, 0xc0de, 11

        ; SWAPGS
        mov ecx, 0xc0000101
        mov eax, 0x1111
        xor edx, edx
        wrmsr
        mov ecx, 0xc0000102
        mov eax, 0x2222
        wrmsr
        swapgs
        mov ecx, 0xc0000101
        rdmsr
        CHECK eax, 0x2222, 12
        mov ecx, 0xc0000102
        rdmsr
        CHECK eax, 0x1111, 13

        ; SYSCALL/SYSRET set-up: kernel CS 0x08 / SS 0x10, user base 0x18 (SS 0x20, CS64 0x28)
        mov ecx, 0xc0000081
        xor eax, eax
        mov edx, 0x001b0008
        wrmsr
        mov ecx, 0xc0000082
        mov rax, syscall_entry
        xor edx, edx
        wrmsr
        mov ecx, 0xc0000084
        mov eax, 0x200                  ; FMASK: IF
        wrmsr

        ; to ring 3 with IRETQ
        push qword 0x23
        push qword STACK3
        push qword 0x202
        push qword 0x2b
        mov rax, ring3
        push rax
        iretq
ring3:
        mov ax, cs
        CHECK ax, 0x2b, 20
        mov ax, ss
        CHECK ax, 0x23, 21
        TRY .p1
        cli
.p1:    EXPECT 13, 0, 22
        TRY .p2
        in al, 0x80
.p2:    EXPECT 13, 0, 23
        TRY .p3
        int 0x40
.p3:    CHECK qword [LAST_VEC], 13, 24
        ; the error code names the gate: vector * 8 + 2 on hardware; QEMU 7.2 reports vector * 16 + 2
        cmp qword [LAST_ERR], 0x40 * 8 + 2
        je .p3ok
        CHECK qword [LAST_ERR], 0x40 * 16 + 2, 24
.p3ok:
        TRY .p4
        int 0x41
.p4:    EXPECT 0x41, -1, 25
        CHECK qword [LAST_RSP], STACK0 - 40, 26
        CHECK qword [LAST_CS], 0x2b, 27
        CHECK rsp, STACK3, 28
        ; SYSCALL: RCX = return RIP, R11 = RFLAGS; SYSRET comes back
        mov eax, 1
        syscall
sc_ret:
        mov ax, cs
        CHECK ax, 0x2b, 29
        mov ax, ss
        CHECK ax, 0x23, 30
        mov rax, sc_ret
        CHECK [SC_RCX], rax, 31
        mov rax, [SC_R11]
        and eax, 0x200
        CHECK eax, 0x200, 32            ; R11 had IF
        pushfq
        pop rax
        and eax, 0x200
        CHECK eax, 0x200, 33            ; SYSRET restored it
        mov eax, 99                     ; finish in ring 0
        syscall
        EXIT 34

syscall_entry:                          ; ring 0, IF masked by FMASK
        cmp eax, 99
        je finish
        mov [SC_RCX], rcx
        mov [SC_R11], r11
        mov ax, cs
        cmp ax, 0x08
        jne .bad
        pushfq
        pop rax
        test eax, 0x200
        jnz .bad
        o64 sysret
.bad:   EXIT 35
finish:
        PRINT `ok\n`
        EXIT 0

        bits 32
compat32:
        mov ax, cs
        cmp ax, 0x40
        jne .bad
        mov ebx, 0xc0de
        push dword 0x08
        push dword back64
        retf
.bad:   EXIT 36

        bits 64
; handlers: record vector, error (-1 if none), RSP at the RIP slot and the saved CS; resume at [RESUME]
%macro ISR 2
isr%1:
  %if %2 == 0
        push qword -1
  %endif
        push rax
        mov eax, %1
        jmp isr_common
%endmacro
isr_common:                             ; [rsp] = rax, [rsp+8] = error, [rsp+16] = RIP, [rsp+24] = CS
        mov [LAST_VEC], rax
        mov rax, [rsp + 8]
        mov [LAST_ERR], rax
        lea rax, [rsp + 16]
        mov [LAST_RSP], rax
        mov rax, [rsp + 24]
        mov [LAST_CS], rax
        mov rax, [RESUME]
        mov [rsp + 16], rax
        pop rax
        add rsp, 8
        iretq

        EXCEPTION_ISRS
        ISR 64, 0
        ISR 65, 0

compat_ptr:
        dd compat32
        dw 0x40

gdt:    dq 0
        DESC 0, 0xfffff, 0x209b         ; 0x08 code64 DPL 0
        DESC 0, 0xfffff, 0xc093         ; 0x10 data DPL 0
        DESC 0, 0xfffff, 0xc0fb         ; 0x18 code32 DPL 3
        DESC 0, 0xfffff, 0xc0f3         ; 0x20 data DPL 3
        DESC 0, 0xfffff, 0x20fb         ; 0x28 code64 DPL 3
        DESC TSS, 0x88, 0x0089          ; 0x30 TSS (16 bytes)
        dq 0
        DESC 0, 0xfffff, 0xc09b         ; 0x40 code32 DPL 0 (compatibility mode)
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd GDT

idt:
%assign v 0
%rep 32
        GATE64 0x08, isr %+ v, INTGATE32, 0
  %assign v v + 1
%endrep
        times (0x40 - 32) * 2 dq 0
        GATE64 0x08, isr64, INTGATE32, 1
        GATE64 0x08, isr65, INTGATE32 | 0x60, 0
idt_end:
idtr:   dw idt_end - idt - 1
        dd IDT

        GUEST_END
