; -accel kvm: interrupts. With the in-kernel 8259 + PIT: programs the PIC (vector base 8) and PIT channel 0 at
; 100 Hz, and HLTs until 20 IRQ0 ticks were counted. Without the irqchip (mode byte at 0x1004 = 1): unmasks
; nothing, HLTs once and waits for vector 0x20 injected by jemu. Reports the tick count on 0x3f0, exits via 0xf4.
        bits 16
        org 0x1000
start:  jmp short go
        align 4
mode:   dd 0
go:     cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7000
        mov word [8 * 4], tick
        mov word [8 * 4 + 2], 0
        mov word [0x20 * 4], injected
        mov word [0x20 * 4 + 2], 0
        cmp byte [mode], 1
        je .inject
        mov al, 0x11                ; ICW1: edge, cascade, ICW4
        out 0x20, al
        mov al, 0x08                ; ICW2: vectors 8-15
        out 0x21, al
        mov al, 0x04
        out 0x21, al
        mov al, 0x01
        out 0x21, al
        mov al, 0xfe                ; only IRQ0
        out 0x21, al
        mov al, 0x34                ; PIT ch0, lo/hi, mode 2
        out 0x43, al
        mov ax, 11932               ; 1193182 / 100
        out 0x40, al
        mov al, ah
        out 0x40, al
        sti
.wait:  hlt
        cmp word [ticks], 20
        jb .wait
        cli
        jmp .done
.inject:
        sti
.w2:    hlt
        cmp word [ticks], 0
        je .w2
.done:  mov ax, [ticks]
        mov dx, 0x3f0
        out dx, ax
        mov al, 5
        out 0xf4, al
.h:     cli
        hlt
        jmp .h
tick:   inc word [ticks]
        push ax
        mov al, 0x20
        out 0x20, al
        pop ax
        iret
injected:
        add word [ticks], 0x100
        iret
ticks:  dw 0
