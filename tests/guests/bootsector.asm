; A boot sector for the firmware boot tests (FirmwareBootTest): SeaBIOS loads it at 0:7C00 from a floppy
; (-fda), a hard disk (-hda) or an El Torito floppy-emulation CD, with the BIOS drive number in DL. Through
; the BIOS disk services (INT 13h) it reads the image's second sector (CHS 0/0/2, text that starts with
; "JEMU-DATA"), writes its third sector (CHS 0/0/3: "JEMU-WRITTEN" and the drive number), reads it back,
; reports each step on COM1 and on isa-debugcon at 0xe9 (a channel SeaBIOS's own serial console does not
; share), and ends with the marker line and an ACPI power-off (PM1a control at 0x604, which SeaBIOS enables;
; S5 is SLP_TYP 0 in QEMU's DSDT), so that jemu and QEMU both exit with status 0.
; Lines: "JEMU-BOOT drive=XX", "read: <sector 2 text>", then "write: ok", "write: error XX" (the BIOS
; refused) or "write: lost" (accepted but not kept: an emulated El Torito floppy), "JEMU-GUEST-UP"; or
; "error: read failed".
        bits 16
        org 0x7c00
start:
        cli
        xor ax, ax
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov sp, 0x7c00
        sti
        mov [drive], dl

        mov si, msg_boot
        call puts
        mov al, [drive]
        call puthex
        call newline

        ; read CHS 0/0/2 into 0x7e00
        mov bx, 0x7e00
        mov ax, 0x0201
        mov cx, 0x0002
        mov dh, 0
        mov dl, [drive]
        int 0x13
        jc read_error
        cmp dword [0x7e00], 'JEMU'
        jne read_error
        mov si, msg_read
        call puts
        mov si, 0x7e00
        call puts
        call newline

        ; write CHS 0/0/3 from 0x8000: "JEMU-WRITTEN drive=XX"
        mov si, msg_written
        mov di, 0x8000
        mov cx, msg_written_len
        rep movsb
        mov al, [drive]
        call hexbyte
        mov [di], ax
        mov byte [di + 2], 0
        mov bx, 0x8000
        mov ax, 0x0301
        mov cx, 0x0003
        mov dh, 0
        mov dl, [drive]
        int 0x13
        mov si, msg_write
        call puts
        jnc .written
        mov al, ah
        call puthex                     ; "write: error XX" (a read-only CD's 0x03)
        call newline
        jmp done
.written:
        ; read it back into 0x8200 and compare
        mov bx, 0x8200
        mov ax, 0x0201
        mov cx, 0x0003
        mov dh, 0
        mov dl, [drive]
        int 0x13
        jc read_error
        mov si, 0x8000
        mov di, 0x8200
        mov cx, msg_written_len + 2
        repe cmpsb
        mov si, msg_lost                ; the BIOS said yes, but the medium did not keep it (El Torito)
        jne .report
        mov si, msg_ok
.report:
        call puts
        call newline
done:
        mov si, msg_up
        call puts
        call newline
        mov dx, 0x604
        mov ax, 0x2000
        out dx, ax
.hang:  hlt
        jmp .hang

read_error:
        mov si, msg_error
        call puts
        call newline
        jmp done

; COM1 output, polling the transmitter-holding-register-empty bit
putc:
        push dx
        push ax
        mov dx, 0x3fd
.wait:  in al, dx
        test al, 0x20
        jz .wait
        pop ax
        mov dx, 0x3f8
        out dx, al
        out 0xe9, al                    ; and isa-debugcon (if any): a channel SeaBIOS's sercon does not share
        pop dx
        ret

puts:
        lodsb
        test al, al
        jz .end
        call putc
        jmp puts
.end:   ret

newline:
        mov al, 13
        call putc
        mov al, 10
        jmp putc

; AL -> AX = two hex digits (AL first)
hexbyte:
        mov ah, al
        shr al, 4
        and ah, 0x0f
        add ax, 0x3030
        cmp al, '9'
        jbe .lo
        add al, 7
.lo:    cmp ah, '9'
        jbe .done
        add ah, 7
.done:  ret

puthex:
        call hexbyte
        call putc
        mov al, ah
        jmp putc

drive:       db 0
msg_boot:    db "JEMU-BOOT drive=", 0
msg_read:    db "read: ", 0
msg_write:   db "write: ", 0
msg_ok:      db "ok", 0
msg_lost:    db "lost", 0
msg_error:   db "error: read failed", 0
msg_up:      db "JEMU-GUEST-UP", 0
msg_written: db "JEMU-WRITTEN drive="
msg_written_len equ $ - msg_written

        times 510 - ($ - $$) db 0
        dw 0xaa55
