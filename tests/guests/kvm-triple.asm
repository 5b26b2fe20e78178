; -accel kvm: a triple fault. An empty IDT, then INT3: KVM reports a shutdown.
        bits 16
        org 0x1000
start:  xor ax, ax
        mov ds, ax
        lidt [idtr]
        mov al, 'T'
        out 0xe9, al
        int3
        hlt
idtr:   dw 0
        dd 0
