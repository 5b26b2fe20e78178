package dev.jemu.machine.pc;

import dev.jemu.hw.nvram.FwCfg;

/**
 * Our multiboot option ROM, the role QEMU's multiboot_dma.bin plays, for multiboot kernels booted through
 * SeaBIOS (-bios): it copies the buffer {@link Multiboot} laid out (fw_cfg KERNEL_ADDR/SIZE/DATA, entry in
 * KERNEL_ENTRY) and the mbi (INITRD_*) into place with fw_cfg DMA, fills the memory map and mem_upper from the
 * BIOS's e820, and enters the kernel in 32-bit protected mode (EAX=0x2BADB002, EBX=mbi). The bytes are nasm's
 * output for tests/optionrom/multiboot.asm, with the listing; LinuxBootRomTest compares them with nasm's.
 */
public final class MultibootRom {
    public static final String FILE = "genroms/multiboot.bin";

    private MultibootRom() {
    }

    /** nasm -f bin tests/optionrom/multiboot.asm, with the listing. */
    static final String CODE = ""
            // ; jemu's multiboot v1 option ROM (the role of QEMU's multiboot_dma.bin, written anew), used when a multiboot
            // ; kernel boots through the firmware (-bios): SeaBIOS runs its boot entry first ("bootorder"); it copies the
            // ; kernel buffer that Multiboot laid out (kernel, module list, command lines, modules: fw_cfg KERNEL_*) and the
            // ; multiboot information (INITRD_*) to their addresses with fw_cfg DMA, fills the mbi's memory map from the
            // ; BIOS's int 15h e820 (at mmap_addr, entries prefixed by their size, mmap_length set) and mem_upper (the length
            // ; of the entry at 1 MiB, in KiB), then enters the kernel in 32-bit protected mode with flat segments,
            // ; EAX = 0x2BADB002 and EBX = the mbi. The bytes are in MultibootRom.java; LinuxBootRomTest checks them.
            // bits 16
            // org 0
            //
            // FW_CFG_KERNEL_ADDR  equ 0x07
            // FW_CFG_KERNEL_SIZE  equ 0x08
            // FW_CFG_INITRD_ADDR  equ 0x0a
            // FW_CFG_INITRD_SIZE  equ 0x0b
            // FW_CFG_KERNEL_ENTRY equ 0x10
            // FW_CFG_KERNEL_DATA  equ 0x11
            // FW_CFG_INITRD_DATA  equ 0x12
            // PORT_SEL            equ 0x510
            // PORT_DMA_HI         equ 0x514
            // PORT_DMA_LO         equ 0x518
            // DMA_SELECT_READ     equ 0x0a
            // MBI_MEM_UPPER       equ 8
            // MBI_MMAP_LENGTH     equ 44
            // MBI_MMAP_ADDR       equ 48
            //
            + "55AA"                               // 0000  dw 0xaa55                   ; 0x00: option ROM signature
            + "00"                                 // 0002  db 0                        ; 0x02: size in 512-byte blocks (MultibootRom sets it)
            + "CB"                                 // 0003  retf                        ; 0x03: init entry: nothing to do until boot
            + "00000000000000000000000000000000"   // 0004  times 0x18 - ($ - $$) db 0
            + "00000000"                           // 0014
            + "0000"                               // 0018  dw 0                        ; 0x18: no PCI data structure
            + "1C00"                               // 001a  dw pnp                      ; 0x1a: the PnP expansion header
            + "24506E500102"                       // 001c  pnp:    db '$PnP', 1, 2             ; signature, revision 1, length 2 (x 16 bytes)
            + "0000"                               // 0022  dw 0                        ; next header: none
            + "0000"                               // 0024  db 0, 0                     ; reserved, checksum (MultibootRom sets it)
            + "00000000"                           // 0026  dd 0                        ; device id
            + "E801ED01"                           // 002a  dw manufacturer, product    ; strings
            + "00000000"                           // 002e  db 0, 0, 0, 0               ; device type, indicators
            + "00000000"                           // 0032  dw 0, 0                     ; BCV, DV: none
            + "3C00"                               // 0036  dw bev                      ; boot entry vector
            + "00000000"                           // 0038  dw 0, 0                     ; reserved, static resources
            //
            + "FA"                                 // 003c  bev:    cli
            + "FC"                                 // 003d  cld
            + "BB0708"                             // 003e  mov bx, FW_CFG_KERNEL_ADDR | (FW_CFG_KERNEL_SIZE << 8)
            + "BD1100"                             // 0041  mov bp, FW_CFG_KERNEL_DATA
            + "E80001"                             // 0044  call load
            + "BB0A0B"                             // 0047  mov bx, FW_CFG_INITRD_ADDR | (FW_CFG_INITRD_SIZE << 8)
            + "BD1200"                             // 004a  mov bp, FW_CFG_INITRD_DATA
            + "E8F700"                             // 004d  call load
            //
            // ; FS:SI = the mbi (below 1 MiB), ES:DI = its memory map (16-byte aligned)
            + "B30A"                               // 0050  mov bl, FW_CFG_INITRD_ADDR
            + "E85A01"                             // 0052  call read32
            + "6689C6"                             // 0055  mov esi, eax
            + "66C1E804"                           // 0058  shr eax, 4
            + "8EE0"                               // 005c  mov fs, ax
            + "83E60F"                             // 005e  and si, 15
            + "64668B4430"                         // 0061  mov eax, [fs:si + MBI_MMAP_ADDR]
            + "66C1E804"                           // 0066  shr eax, 4
            + "8EC0"                               // 006a  mov es, ax
            + "31FF"                               // 006c  xor di, di
            + "6631DB"                             // 006e  xor ebx, ebx
            + "83C704"                             // 0071  .e820:  add di, 4
            + "66B914000000"                       // 0074  mov ecx, 20
            + "2666894DFC"                         // 007a  mov [es:di - 4], ecx        ; the entry's size field
            + "66B820E80000"                       // 007f  mov eax, 0xe820
            + "66BA50414D53"                       // 0085  mov edx, 0x534d4150         ; 'SMAP'
            + "CD15"                               // 008b  int 0x15
            + "722A"                               // 008d  jc .fail
            + "2666813D00001000"                   // 008f  cmp dword [es:di], 0x100000 ; the entry at 1 MiB gives mem_upper
            + "7516"                               // 0097  jne .next
            + "2666837D0400"                       // 0099  cmp dword [es:di + 4], 0
            + "750E"                               // 009f  jne .next
            + "26668B4508"                         // 00a1  mov eax, [es:di + 8]
            + "66C1E80A"                           // 00a6  shr eax, 10
            + "6466894408"                         // 00aa  mov [fs:si + MBI_MEM_UPPER], eax
            + "83C714"                             // 00af  .next:  add di, 20
            + "6685DB"                             // 00b2  test ebx, ebx
            + "75BA"                               // 00b5  jnz .e820
            + "EB03"                               // 00b7  jmp .done
            + "83EF04"                             // 00b9  .fail:  sub di, 4                   ; no entry came for the size field just written
            + "660FB7C7"                           // 00bc  .done:  movzx eax, di
            + "646689442C"                         // 00c0  mov [fs:si + MBI_MMAP_LENGTH], eax
            //
            // ; the values the kernel gets, kept in registers across the mode switch
            + "B310"                               // 00c5  mov bl, FW_CFG_KERNEL_ENTRY
            + "E8E500"                             // 00c7  call read32
            + "6689C7"                             // 00ca  mov edi, eax                ; entry
            + "B30A"                               // 00cd  mov bl, FW_CFG_INITRD_ADDR
            + "E8DD00"                             // 00cf  call read32
            + "6689C6"                             // 00d2  mov esi, eax                ; mbi
            + "6631ED"                             // 00d5  xor ebp, ebp
            + "8CD5"                               // 00d8  mov bp, ss
            + "66C1E504"                           // 00da  shl ebp, 4
            + "660FB7C4"                           // 00de  movzx eax, sp
            + "6601C5"                             // 00e2  add ebp, eax                ; the stack as a flat address
            + "6631DB"                             // 00e5  xor ebx, ebx
            + "8CCB"                               // 00e8  mov bx, cs
            + "66C1E304"                           // 00ea  shl ebx, 4                  ; this ROM's linear base
            //
            // ; the GDT register on the stack: limit, 32-bit base (this ROM's gdt)
            + "83EC08"                             // 00ee  sub sp, 8
            + "6689D8"                             // 00f1  mov eax, ebx
            + "6605D0010000"                       // 00f4  add eax, gdt
            + "6650"                               // 00fa  push eax
            + "6A17"                               // 00fc  push word gdt_end - gdt - 1
            + "89E3"                               // 00fe  mov bx, sp
            + "36660F0117"                         // 0100  o32 lgdt [ss:bx]
            + "83C40E"                             // 0105  add sp, 14
            + "0F20C0"                             // 0108  mov eax, cr0
            + "0C01"                               // 010b  or al, 1
            + "0F22C0"                             // 010d  mov cr0, eax
            // ; far return into 32-bit code: CS 0x08 (flat), EIP = linear address of pm32
            + "6631C0"                             // 0110  xor eax, eax
            + "8CC8"                               // 0113  mov ax, cs
            + "66C1E004"                           // 0115  shl eax, 4
            + "660526010000"                       // 0119  add eax, pm32
            + "666A08"                             // 011f  push dword 0x08
            + "6650"                               // 0122  push eax
            + "66CB"                               // 0124  o32 retf
            //
            // bits 32
            + "66B81000"                           // 0126  pm32:   mov ax, 0x10
            + "8ED8"                               // 012a  mov ds, ax
            + "8EC0"                               // 012c  mov es, ax
            + "8EE0"                               // 012e  mov fs, ax
            + "8EE8"                               // 0130  mov gs, ax
            + "8ED0"                               // 0132  mov ss, ax
            + "89EC"                               // 0134  mov esp, ebp
            + "B802B0AD2B"                         // 0136  mov eax, 0x2badb002
            + "89F3"                               // 013b  mov ebx, esi
            + "31C9"                               // 013d  xor ecx, ecx
            + "31D2"                               // 013f  xor edx, edx
            + "31F6"                               // 0141  xor esi, esi
            + "31ED"                               // 0143  xor ebp, ebp
            + "FFE7"                               // 0145  jmp edi
            // bits 16
            //
            // ; load: BL = address key, BH = size key, BP = data key. Copies the item to its address with one DMA read
            // ; (nothing when the size is 0). Clobbers EAX, ECX, EDX, EDI, SI.
            + "53"                                 // 0147  load:   push bx
            + "88FB"                               // 0148  mov bl, bh
            + "E86200"                             // 014a  call read32
            + "6689C1"                             // 014d  mov ecx, eax                ; size
            + "5B"                                 // 0150  pop bx
            + "E85B00"                             // 0151  call read32
            + "6689C7"                             // 0154  mov edi, eax                ; address
            + "67E354"                             // 0157  jecxz .done
            + "83EC10"                             // 015a  sub sp, 16
            + "89E6"                               // 015d  mov si, sp
            + "89E8"                               // 015f  mov ax, bp
            + "86C4"                               // 0161  xchg al, ah
            + "368904"                             // 0163  mov [ss:si], ax             ; control bits 31-16: the key
            + "36C74402000A"                       // 0166  mov word [ss:si + 2], DMA_SELECT_READ << 8
            + "660FC9"                             // 016c  bswap ecx
            + "3666894C04"                         // 016f  mov [ss:si + 4], ecx
            + "3666C7440800000000"                 // 0174  mov dword [ss:si + 8], 0
            + "660FCF"                             // 017d  bswap edi
            + "3666897C0C"                         // 0180  mov [ss:si + 12], edi
            + "6631C0"                             // 0185  xor eax, eax
            + "8CD0"                               // 0188  mov ax, ss
            + "66C1E004"                           // 018a  shl eax, 4
            + "660FB7D6"                           // 018e  movzx edx, si
            + "6601D0"                             // 0192  add eax, edx                ; the descriptor's physical address
            + "660FC8"                             // 0195  bswap eax
            + "6689C1"                             // 0198  mov ecx, eax
            + "6631C0"                             // 019b  xor eax, eax
            + "BA1405"                             // 019e  mov dx, PORT_DMA_HI
            + "66EF"                               // 01a1  out dx, eax                 ; the address's high half: 0
            + "6689C8"                             // 01a3  mov eax, ecx
            + "BA1805"                             // 01a6  mov dx, PORT_DMA_LO
            + "66EF"                               // 01a9  out dx, eax                 ; the low half starts the transfer (done when OUT returns)
            + "83C410"                             // 01ab  add sp, 16
            + "C3"                                 // 01ae  .done:  ret
            //
            // ; read32: BL = key; returns the item's first 4 bytes (little-endian) in EAX. Clobbers DX.
            + "BA1005"                             // 01af  read32: mov dx, PORT_SEL
            + "31C0"                               // 01b2  xor ax, ax
            + "88D8"                               // 01b4  mov al, bl
            + "EF"                                 // 01b6  out dx, ax
            + "42"                                 // 01b7  inc dx
            + "EC"                                 // 01b8  in al, dx
            + "66C1C808"                           // 01b9  ror eax, 8
            + "EC"                                 // 01bd  in al, dx
            + "66C1C808"                           // 01be  ror eax, 8
            + "EC"                                 // 01c2  in al, dx
            + "66C1C808"                           // 01c3  ror eax, 8
            + "EC"                                 // 01c7  in al, dx
            + "66C1C808"                           // 01c8  ror eax, 8
            + "C3"                                 // 01cc  ret
            //
            + "909090"                             // 01cd  align 8
            + "0000000000000000"                   // 01d0  gdt:    dq 0
            + "FFFF0000009BCF00"                   // 01d8  dq 0x00cf9b000000ffff       ; 0x08: flat 32-bit code
            + "FFFF00000093CF00"                   // 01e0  dq 0x00cf93000000ffff       ; 0x10: flat data
            // gdt_end:
            //
            + "6A656D7500"                         // 01e8  manufacturer: db 'jemu', 0
            + "6D756C7469626F6F74"                 // 01ed  product:      db 'multiboot loader', 0
            + "206C6F6164657200";                  // 01f6

    /** The ROM image SeaBIOS loads. */
    public static byte[] image() {
        return OptionRom.image(CODE);
    }

    /** Hands the ROM to SeaBIOS and makes it the first boot entry. */
    public static void install(FwCfg fw) {
        OptionRom.install(fw, FILE, image());
    }
}
