; jemu's Linux boot option ROM (the role of QEMU's linuxboot_dma.bin, written anew): SeaBIOS finds it as fw_cfg
; file "genroms/linuxboot.bin", calls its boot entry (BEV, from the PnP header) first because "bootorder" names
; it, and it then copies the -kernel pieces that the board put in fw_cfg to where they go, with fw_cfg DMA:
; setup (real-mode part) to SETUP_ADDR, the protected-mode kernel to KERNEL_ADDR, the command line to
; CMDLINE_ADDR, the initrd to INITRD_ADDR; and enters the setup code in real mode as the Linux boot protocol
; says: all data segments = the setup's segment, SP below the command line, CS = segment + 0x20, IP = 0.
; The bytes are in LinuxBootRom.java (with this listing); LinuxBootRomTest checks them against nasm's output.
; The size byte and the checksums (ROM and PnP header) are filled in by LinuxBootRom.
        bits 16
        org 0

FW_CFG_KERNEL_ADDR  equ 0x07
FW_CFG_KERNEL_SIZE  equ 0x08
FW_CFG_INITRD_ADDR  equ 0x0a
FW_CFG_INITRD_SIZE  equ 0x0b
FW_CFG_KERNEL_DATA  equ 0x11
FW_CFG_INITRD_DATA  equ 0x12
FW_CFG_CMDLINE_ADDR equ 0x13
FW_CFG_CMDLINE_SIZE equ 0x14
FW_CFG_CMDLINE_DATA equ 0x15
FW_CFG_SETUP_ADDR   equ 0x16
FW_CFG_SETUP_SIZE   equ 0x17
FW_CFG_SETUP_DATA   equ 0x18
PORT_SEL            equ 0x510
PORT_DMA_HI         equ 0x514
PORT_DMA_LO         equ 0x518
DMA_SELECT_READ     equ 0x0a        ; control bits: SELECT (8) | READ (2)

        dw 0xaa55                   ; 0x00: option ROM signature
        db 0                        ; 0x02: size in 512-byte blocks (LinuxBootRom sets it)
        retf                        ; 0x03: init entry: nothing to do until boot
        times 0x18 - ($ - $$) db 0
        dw 0                        ; 0x18: no PCI data structure
        dw pnp                      ; 0x1a: the PnP expansion header
pnp:    db '$PnP', 1, 2             ; signature, revision 1, length 2 (x 16 bytes)
        dw 0                        ; next header: none
        db 0, 0                     ; reserved, checksum (LinuxBootRom sets it)
        dd 0                        ; device id
        dw manufacturer, product    ; strings
        db 0, 0, 0, 0               ; device type, indicators
        dw 0, 0                     ; BCV, DV: none
        dw bev                      ; boot entry vector
        dw 0, 0                     ; reserved, static resources

bev:    cli
        cld
        mov ax, cs
        mov ds, ax
        ; copy each piece: addr key, size key, data key
        mov bx, FW_CFG_SETUP_ADDR | (FW_CFG_SETUP_SIZE << 8)
        mov bp, FW_CFG_SETUP_DATA
        call load
        mov bx, FW_CFG_KERNEL_ADDR | (FW_CFG_KERNEL_SIZE << 8)
        mov bp, FW_CFG_KERNEL_DATA
        call load
        mov bx, FW_CFG_CMDLINE_ADDR | (FW_CFG_CMDLINE_SIZE << 8)
        mov bp, FW_CFG_CMDLINE_DATA
        call load
        mov bx, FW_CFG_INITRD_ADDR | (FW_CFG_INITRD_SIZE << 8)
        mov bp, FW_CFG_INITRD_DATA
        call load

        ; the stack: SP = cmdline_addr - setup_addr - 16, in the setup's segment
        mov bl, FW_CFG_CMDLINE_ADDR
        call read32
        mov esi, eax
        mov bl, FW_CFG_SETUP_ADDR
        call read32
        sub esi, eax
        sub esi, 16
        shr eax, 4
        mov ds, ax
        mov es, ax
        mov fs, ax
        mov gs, ax
        mov ss, ax
        mov sp, si
        add ax, 0x20
        push ax                     ; CS = setup segment + 0x20
        push word 0                 ; IP = 0
        xor eax, eax
        xor ebx, ebx
        xor ecx, ecx
        xor edx, edx
        xor esi, esi
        xor edi, edi
        xor ebp, ebp
        retf                        ; into the kernel's real-mode setup

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
        ; the DMA descriptor on the stack (big-endian): control, length, 64-bit address
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

manufacturer: db 'jemu', 0
product:      db 'Linux loader', 0
