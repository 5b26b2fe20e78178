; -accel kvm: real mode port I/O. Prints a string on the test serial port (0x3f8) one OUT at a time, another
; with REP OUTSB, reads 4 bytes with REP INSB from port 0x3fc and echoes them, then writes 21 to isa-debug-exit.
        bits 16
        org 0x1000
start:
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov dx, 0x3f8
        mov si, msg
.next:  lodsb
        test al, al
        jz .rep
        out dx, al
        jmp .next
.rep:   mov si, msg2
        mov cx, msg2len
        cld
        rep outsb
        mov dx, 0x3fc
        mov di, buf
        mov cx, 4
        rep insb
        mov dx, 0x3f8
        mov si, buf
        mov cx, 4
        rep outsb
        mov dx, 0x3fe
        in ax, dx               ; a word read: the device answers 0x4b4f ("OK")
        mov dx, 0x3f8
        out dx, al
        mov al, ah
        out dx, al
        mov al, 21
        out 0xf4, al
.h:     hlt
        jmp .h
msg:    db "Hello, KVM", 10, 0
msg2:   db "rep outsb", 10
msg2len equ $ - msg2
buf:    times 4 db 0
