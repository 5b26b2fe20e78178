; A boot sector that replays a table of VGA port and memory writes (built by ScreendumpQemuTest), then says
; 'D' on the debugcon port 0xE9 and halts, so the test can take QEMU's screendump of exactly that state.
; The table sits at 16 MiB (-device loader; SeaBIOS clears low memory), read in unreal mode through FS.
; Ops: 1 = out port(u16) byte; 2 = in port(u16); 3 = write len(u16) bytes at linear addr(u32), byte by byte;
; 4 = out port(u16) word; 5 = in port(u16), the byte reported on 0xE9; 6 = read the byte at linear addr(u32),
; reported on 0xE9; 7 = in port(u16) word, reported low byte first; 0 = end.
bits 16
org 0x7c00
        cli
        xor ax, ax
        mov ds, ax
        mov ss, ax
        mov sp, 0x7c00
        lgdt [gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        mov bx, 8
        mov fs, bx              ; a flat 4 GiB data segment...
        and al, 0xfe
        mov cr0, eax
        xor ax, ax
        mov fs, ax              ; ...whose limit stays cached back in real mode
        mov esi, 0x1000000
next:   mov al, [fs:esi]
        inc esi
        cmp al, 1
        je op_out
        cmp al, 2
        je op_in
        cmp al, 3
        je op_mem
        cmp al, 4
        je op_outw
        cmp al, 5
        je op_inr
        cmp al, 6
        je op_memr
        cmp al, 7
        je op_inw
        mov dx, 0xe9
        mov al, 'D'
        out dx, al
halt:   hlt
        jmp halt
op_out: mov dx, [fs:esi]
        mov al, [fs:esi+2]
        add esi, 3
        out dx, al
        jmp next
op_in:  mov dx, [fs:esi]
        add esi, 2
        in al, dx
        jmp next
op_outw:
        mov dx, [fs:esi]
        mov ax, [fs:esi+2]
        add esi, 4
        out dx, ax
        jmp next
op_inr: mov dx, [fs:esi]
        add esi, 2
        in al, dx
report: mov dx, 0xe9
        out dx, al
        jmp next
op_memr:
        mov edi, [fs:esi]
        add esi, 4
        mov al, [fs:edi]
        jmp report
op_inw: mov dx, [fs:esi]
        add esi, 2
        in ax, dx
        mov dx, 0xe9
        out dx, al
        mov al, ah
        out dx, al
        jmp next
op_mem: mov edi, [fs:esi]
        movzx ecx, word [fs:esi+4]
        add esi, 6
.copy:  mov al, [fs:esi]
        mov [fs:edi], al
        inc esi
        inc edi
        dec ecx
        jnz .copy
        jmp next
        align 8
gdt:    dq 0
        dq 0x00cf92000000ffff
gdtr:   dw 15
        dd gdt
        times 510-($-$$) db 0
        dw 0xaa55
