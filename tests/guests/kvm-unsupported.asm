; -accel kvm: an instruction a hypervisor may fail to emulate at CPL 0 (RDRAND: kvm_pvm's emulator lacks it).
; Where it runs, the guest reports 'R' on 0x3f8 and exits with 9 through isa-debug-exit.
        bits 16
        org 0x1000
start:  xor ax, ax
        mov ds, ax
        rdrand ax
        mov dx, 0x3f8
        mov al, 'R'
        out dx, al
        mov al, 9
        out 0xf4, al
.h:     hlt
        jmp .h
