; jemu's multiboot v1 option ROM (the role of QEMU's multiboot_dma.bin, written anew), used when a multiboot
; kernel boots through the firmware (-bios): SeaBIOS runs its boot entry first ("bootorder"); it copies the
; kernel buffer that Multiboot laid out (kernel, module list, command lines, modules: fw_cfg KERNEL_*) and the
; multiboot information (INITRD_*) to their addresses with fw_cfg DMA, fills the mbi's memory map from the
; BIOS's int 15h e820 (at mmap_addr, entries prefixed by their size, mmap_length set) and mem_upper (the length
; of the entry at 1 MiB, in KiB), then enters the kernel in 32-bit protected mode with flat segments,
; EAX = 0x2BADB002 and EBX = the mbi. The bytes are in MultibootRom.java; LinuxBootRomTest checks them.
        bits 16
        org 0

FW_CFG_KERNEL_ADDR  equ 0x07
FW_CFG_KERNEL_SIZE  equ 0x08
FW_CFG_INITRD_ADDR  equ 0x0a
FW_CFG_INITRD_SIZE  equ 0x0b
FW_CFG_KERNEL_ENTRY equ 0x10
FW_CFG_KERNEL_DATA  equ 0x11
FW_CFG_INITRD_DATA  equ 0x12
PORT_SEL            equ 0x510
PORT_DMA_HI         equ 0x514
PORT_DMA_LO         equ 0x518
DMA_SELECT_READ     equ 0x0a
MBI_MEM_UPPER       equ 8
MBI_MMAP_LENGTH     equ 44
MBI_MMAP_ADDR       equ 48

        dw 0xaa55                   ; 0x00: option ROM signature
        db 0                        ; 0x02: size in 512-byte blocks (MultibootRom sets it)
        retf                        ; 0x03: init entry: nothing to do until boot
        times 0x18 - ($ - $$) db 0
        dw 0                        ; 0x18: no PCI data structure
        dw pnp                      ; 0x1a: the PnP expansion header
pnp:    db '$PnP', 1, 2             ; signature, revision 1, length 2 (x 16 bytes)
        dw 0                        ; next header: none
        db 0, 0                     ; reserved, checksum (MultibootRom sets it)
        dd 0                        ; device id
        dw manufacturer, product    ; strings
        db 0, 0, 0, 0               ; device type, indicators
        dw 0, 0                     ; BCV, DV: none
        dw bev                      ; boot entry vector
        dw 0, 0                     ; reserved, static resources

bev:    cli
        cld
        mov bx, FW_CFG_KERNEL_ADDR | (FW_CFG_KERNEL_SIZE << 8)
        mov bp, FW_CFG_KERNEL_DATA
        call load
        mov bx, FW_CFG_INITRD_ADDR | (FW_CFG_INITRD_SIZE << 8)
        mov bp, FW_CFG_INITRD_DATA
        call load

        ; FS:SI = the mbi (below 1 MiB), ES:DI = its memory map (16-byte aligned)
        mov bl, FW_CFG_INITRD_ADDR
        call read32
        mov esi, eax
        shr eax, 4
        mov fs, ax
        and si, 15
        mov eax, [fs:si + MBI_MMAP_ADDR]
        shr eax, 4
        mov es, ax
        xor di, di
        xor ebx, ebx
.e820:  add di, 4
        mov ecx, 20
        mov [es:di - 4], ecx        ; the entry's size field
        mov eax, 0xe820
        mov edx, 0x534d4150         ; 'SMAP'
        int 0x15
        jc .fail
        cmp dword [es:di], 0x100000 ; the entry at 1 MiB gives mem_upper
        jne .next
        cmp dword [es:di + 4], 0
        jne .next
        mov eax, [es:di + 8]
        shr eax, 10
        mov [fs:si + MBI_MEM_UPPER], eax
.next:  add di, 20
        test ebx, ebx
        jnz .e820
        jmp .done
.fail:  sub di, 4                   ; no entry came for the size field just written
.done:  movzx eax, di
        mov [fs:si + MBI_MMAP_LENGTH], eax

        ; the values the kernel gets, kept in registers across the mode switch
        mov bl, FW_CFG_KERNEL_ENTRY
        call read32
        mov edi, eax                ; entry
        mov bl, FW_CFG_INITRD_ADDR
        call read32
        mov esi, eax                ; mbi
        xor ebp, ebp
        mov bp, ss
        shl ebp, 4
        movzx eax, sp
        add ebp, eax                ; the stack as a flat address
        xor ebx, ebx
        mov bx, cs
        shl ebx, 4                  ; this ROM's linear base

        ; the GDT register on the stack: limit, 32-bit base (this ROM's gdt)
        sub sp, 8
        mov eax, ebx
        add eax, gdt
        push eax
        push word gdt_end - gdt - 1
        mov bx, sp
        o32 lgdt [ss:bx]
        add sp, 14
        mov eax, cr0
        or al, 1
        mov cr0, eax
        ; far return into 32-bit code: CS 0x08 (flat), EIP = linear address of pm32
        xor eax, eax
        mov ax, cs
        shl eax, 4
        add eax, pm32
        push dword 0x08
        push eax
        o32 retf

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov esp, ebp
        mov eax, 0x2badb002
        mov ebx, esi
        xor ecx, ecx
        xor edx, edx
        xor esi, esi
        xor ebp, ebp
        jmp edi
        bits 16

; load: BL = address key, BH = size key, BP = data key. Copies the item to its address with one DMA read
; (nothing when the size is 0). Clobbers EAX, ECX, EDX, EDI, SI.
load:   push bx
        mov bl, bh
        call read32
        mov ecx, eax                ; size
        pop bx
        call read32
        mov edi, eax                ; address
        jecxz .done
        sub sp, 16
        mov si, sp
        mov ax, bp
        xchg al, ah
        mov [ss:si], ax             ; control bits 31-16: the key
        mov word [ss:si + 2], DMA_SELECT_READ << 8
        bswap ecx
        mov [ss:si + 4], ecx
        mov dword [ss:si + 8], 0
        bswap edi
        mov [ss:si + 12], edi
        xor eax, eax
        mov ax, ss
        shl eax, 4
        movzx edx, si
        add eax, edx                ; the descriptor's physical address
        bswap eax
        mov ecx, eax
        xor eax, eax
        mov dx, PORT_DMA_HI
        out dx, eax                 ; the address's high half: 0
        mov eax, ecx
        mov dx, PORT_DMA_LO
        out dx, eax                 ; the low half starts the transfer (done when OUT returns)
        add sp, 16
.done:  ret

; read32: BL = key; returns the item's first 4 bytes (little-endian) in EAX. Clobbers DX.
read32: mov dx, PORT_SEL
        xor ax, ax
        mov al, bl
        out dx, ax
        inc dx
        in al, dx
        ror eax, 8
        in al, dx
        ror eax, 8
        in al, dx
        ror eax, 8
        in al, dx
        ror eax, 8
        ret

        align 8
gdt:    dq 0
        dq 0x00cf9b000000ffff       ; 0x08: flat 32-bit code
        dq 0x00cf93000000ffff       ; 0x10: flat data
gdt_end:

manufacturer: db 'jemu', 0
product:      db 'multiboot loader', 0
