; -accel kvm: a guest that never exits on its own (prints 'S' on 0x3f8, then spins): jemu must kick it out.
        bits 16
        org 0x1000
start:  mov dx, 0x3f8
        mov al, 'S'
        out dx, al
.spin:  jmp .spin
