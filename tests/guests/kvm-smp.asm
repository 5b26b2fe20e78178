; -smp N: the BSP reads the CPU count from fw_cfg (NB_CPUS), starts the APs with INIT and SIPI through its local
; APIC (broadcast to all but itself), and each AP, starting in real mode at 0800:0000, counts itself in RAM and
; halts. The BSP waits (bounded) for N-1 APs and prints "cpus N" (the CPUs that ran) on COM1, then exits through
; isa-debug-exit with 0x11 (status 35).
%include "lib.inc"
GDT     equ 0x1000
IDT     equ 0x2000
APS     equ 0x600
TRAMP   equ 0x8000

        bits 16
start:
        COPY_TABLES
        mov word [es:APS], 0
        mov si, R(ap_start)             ; the AP's code goes to 0x8000 (SIPI vector 8)
        mov di, TRAMP
        mov cx, ap_end - ap_start
        rep movsb
        mov dx, 0x510                   ; fw_cfg NB_CPUS
        mov ax, 0x05
        out dx, ax
        inc dx
        in al, dx
        mov bl, al
        in al, dx
        mov bh, al
        lgdt [R(gdtr)]
        mov eax, cr0
        or eax, 1
        mov cr0, eax
        jmp dword 0x08:pm32

ap_start:                               ; (position independent: copied to 0x8000)
        xor ax, ax
        mov ds, ax
        lock inc word [APS]
.h:     cli
        hlt
        jmp .h
ap_end:

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x7000
        movzx ebx, bx
        mov dword [0xfee000f0], 0x1ff   ; SVR: APIC on
        mov dword [0xfee00310], 0
        mov dword [0xfee00300], 0x000c4500      ; INIT, all excluding self
        mov ecx, 10000
.d1:    loop .d1
        mov dword [0xfee00300], 0x000c4608      ; SIPI, vector 8 (0x8000)
        mov ecx, 10000
.d2:    loop .d2
        mov dword [0xfee00300], 0x000c4608      ; the second SIPI, as the MP spec does
        lea edx, [ebx - 1]
        mov ecx, 20000000
.w:     cmp [APS], dx
        jae .done
        pause
        dec ecx
        jnz .w
.done:  movzx eax, word [APS]
        inc eax
        mov dx, 0x3f8
        mov esi, msg_cpus
.p:     mov ah, [esi]
        test ah, ah
        jz .n
        xchg al, ah
        out dx, al
        xchg al, ah
        inc esi
        jmp .p
.n:     add al, '0'
        out dx, al
        mov al, 10
        out dx, al
        mov al, 0x11
        out 0xf4, al
.h:     hlt
        jmp .h

msg_cpus: db "cpus ", 0
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
