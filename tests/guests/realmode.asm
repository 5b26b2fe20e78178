; Real mode: INT n / INT3 / INTO / #DE through the IVT, IRET, far JMP/CALL/RET (direct, indirect,
; RETF imm), LDS/LES/LSS/LFS/LGS, IN/OUT, INS/OUTS with REP, POPF of IOPL. Exits 0 when every check passes.
%include "lib.inc"
        bits 16

%macro SETVEC 2
        mov word [(%1) * 4], R(%2)
        mov word [(%1) * 4 + 2], 0xf000
%endmacro

start:
        cli
        MASK_PIC
        xor ax, ax
        mov ss, ax
        mov sp, 0x7000
        mov ds, ax
        mov es, ax
        SETVEC 0x40, h40
        SETVEC 3, h3
        SETVEC 4, h4
        SETVEC 0, h0

        ; INT n: the handler runs with IF clear; IRET restores it
        sti
        xor bx, bx
        int 0x40
        CHECK bx, 0x1234, 1
        CHECK cx, 0, 2                  ; IF was clear in the handler
        pushf
        pop ax
        and ax, 0x200
        CHECK ax, 0x200, 3
        cli

        ; INT3, INTO (taken only with OF)
        xor di, di
        int3
        CHECK di, 1, 4
        xor si, si
        mov al, 0x10
        add al, 1                       ; OF = 0
        into
        CHECK si, 0, 5
        mov al, 0x7f
        add al, 1                       ; OF = 1
        into
        CHECK si, 1, 6

        ; #DE: a fault, the saved IP is the DIV's
        xor dx, dx
        mov ax, 1
        xor bl, bl
de_insn:
        div bl
        CHECK dx, 0xdead, 7

        ; far JMP to another segment and back
        jmp 0xef00:(fj1 - 0xef000)
fj1:    mov ax, cs
        CHECK ax, 0xef00, 9
        jmp 0xf000:R(fj2)
fj2:    mov ax, cs
        CHECK ax, 0xf000, 10

        ; far CALL / RETF / RETF imm
        call 0xef00:(fproc - 0xef000)
        CHECK cx, 0xef00, 11
        mov bp, sp
        push word 1
        push word 2
        call 0xf000:R(fproc4)
        CHECK sp, bp, 12
        CHECK dx, 3, 13

        ; indirect far CALL/JMP through memory (FF /3, FF /5)
        mov word [0x500], fproc - 0xef000
        mov word [0x502], 0xef00
        xor cx, cx
        call far [0x500]
        CHECK cx, 0xef00, 14
        mov word [0x504], R(fj3)
        mov word [0x506], 0xf000
        jmp far [0x504]
        EXIT 15
fj3:
        ; 32-bit operand size far call: pushes 4-byte CS and EIP
        mov bp, sp
        call dword 0xf000:R(fproc32)
        CHECK sp, bp, 16

        ; LDS/LES/LSS/LFS/LGS
        mov word [0x510], 0x1111
        mov word [0x512], 0x2222
        lds bx, [0x510]
        mov ax, ds
        xor cx, cx
        mov ds, cx
        CHECK ax, 0x2222, 17
        CHECK bx, 0x1111, 18
        les bx, [0x510]
        mov ax, es
        mov es, cx
        CHECK ax, 0x2222, 19
        lfs bx, [0x510]
        mov ax, fs
        CHECK ax, 0x2222, 20
        mov dword [0x520], 0x12345678
        mov word [0x524], 0x3333
        o32 lgs ebx, [0x520]
        mov ax, gs
        CHECK ax, 0x3333, 21
        CHECK ebx, 0x12345678, 22
        mov word [0x530], 0x6ff0
        mov word [0x532], 0
        lss sp, [0x530]
        CHECK sp, 0x6ff0, 23

        ; IN/OUT: debugcon reads back 0xe9
        in al, 0xe9
        CHECK al, 0xe9, 24
        mov dx, 0xe9
        xor ax, ax
        in al, dx
        CHECK al, 0xe9, 25
        ; REP OUTSB prints a string; REP INSB fills a buffer
        push cs
        pop ds
        mov si, R(msg)
        mov cx, msg_end - msg
        cld
        rep outsb
        xor ax, ax
        mov ds, ax
        mov di, 0x600
        mov cx, 4
        rep insb
        CHECK di, 0x604, 26
        CHECK cx, 0, 27
        CHECK dword [0x600], 0xe9e9e9e9, 28

        ; POPF may set IOPL in real mode
        push word 0x3002
        popf
        pushf
        pop ax
        and ax, 0x3000
        CHECK ax, 0x3000, 29

        PRINT `ok\n`
        EXIT 0

h40:    mov bx, 0x1234
        pushf
        pop cx
        and cx, 0x200
        iret
h3:     inc di
        iret
h4:     inc si
        iret
h0:     push bp
        mov bp, sp
        CHECK word [bp + 2], R(de_insn), 30
        add word [bp + 2], 2            ; skip DIV BL
        pop bp
        mov dx, 0xdead
        iret
fproc:  mov cx, cs
        retf
fproc4: mov bx, sp
        mov dx, [ss:bx + 4]
        add dx, [ss:bx + 6]
        retf 4
fproc32:
        o32 retf
msg:    db "rep-outs", 10
msg_end:

        GUEST_END
