package dev.jemu.machine.pc;

import dev.jemu.hw.nvram.FwCfg;

/**
 * Our Linux boot option ROM, the role QEMU's linuxboot_dma.bin plays (QEMU's own ROM files are not used): SeaBIOS
 * loads it from fw_cfg file {@value #FILE}, runs it first because "bootorder" names it ({@value #BOOT_PATH}), and
 * it copies the setup, kernel, command line and initrd the board put in fw_cfg (SETUP_*, KERNEL_*, CMDLINE_*,
 * INITRD_*; see {@link LinuxBoot#loadForFirmware}) to their addresses with fw_cfg DMA, then enters the kernel's
 * real-mode setup code with the BIOS services in place. The bytes below are nasm's output for
 * tests/optionrom/linuxboot.asm, shown with its listing; LinuxBootRomTest re-assembles the source (when nasm is
 * installed) and compares. {@link OptionRom} fills in the size byte and the PnP header and ROM checksums,
 * so nothing is built with nasm at build time.
 */
public final class LinuxBootRom {
    public static final String FILE = "genroms/linuxboot.bin";
    /** The device path SeaBIOS matches against "bootorder" for this ROM (QEMU's /rom@genroms/NAME). */
    public static final String BOOT_PATH = OptionRom.bootPath(FILE);

    private LinuxBootRom() {
    }

    /** nasm -f bin tests/optionrom/linuxboot.asm, with the listing. */
    static final String CODE = ""
            // ; jemu's Linux boot option ROM (the role of QEMU's linuxboot_dma.bin, written anew): SeaBIOS finds it as fw_cfg
            // ; file "genroms/linuxboot.bin", calls its boot entry (BEV, from the PnP header) first because "bootorder" names
            // ; it, and it then copies the -kernel pieces that the board put in fw_cfg to where they go, with fw_cfg DMA:
            // ; setup (real-mode part) to SETUP_ADDR, the protected-mode kernel to KERNEL_ADDR, the command line to
            // ; CMDLINE_ADDR, the initrd to INITRD_ADDR; and enters the setup code in real mode as the Linux boot protocol
            // ; says: all data segments = the setup's segment, SP below the command line, CS = segment + 0x20, IP = 0.
            // ; The bytes are in LinuxBootRom.java (with this listing); LinuxBootRomTest checks them against nasm's output.
            // ; The size byte and the checksums (ROM and PnP header) are filled in by LinuxBootRom.
            // bits 16
            // org 0
            //
            // FW_CFG_KERNEL_ADDR  equ 0x07
            // FW_CFG_KERNEL_SIZE  equ 0x08
            // FW_CFG_INITRD_ADDR  equ 0x0a
            // FW_CFG_INITRD_SIZE  equ 0x0b
            // FW_CFG_KERNEL_DATA  equ 0x11
            // FW_CFG_INITRD_DATA  equ 0x12
            // FW_CFG_CMDLINE_ADDR equ 0x13
            // FW_CFG_CMDLINE_SIZE equ 0x14
            // FW_CFG_CMDLINE_DATA equ 0x15
            // FW_CFG_SETUP_ADDR   equ 0x16
            // FW_CFG_SETUP_SIZE   equ 0x17
            // FW_CFG_SETUP_DATA   equ 0x18
            // PORT_SEL            equ 0x510
            // PORT_DMA_HI         equ 0x514
            // PORT_DMA_LO         equ 0x518
            // DMA_SELECT_READ     equ 0x0a        ; control bits: SELECT (8) | READ (2)
            //
            + "55AA"                               // 0000  dw 0xaa55                   ; 0x00: option ROM signature
            + "00"                                 // 0002  db 0                        ; 0x02: size in 512-byte blocks (LinuxBootRom sets it)
            + "CB"                                 // 0003  retf                        ; 0x03: init entry: nothing to do until boot
            + "00000000000000000000000000000000"   // 0004  times 0x18 - ($ - $$) db 0
            + "00000000"                           // 0014
            + "0000"                               // 0018  dw 0                        ; 0x18: no PCI data structure
            + "1C00"                               // 001a  dw pnp                      ; 0x1a: the PnP expansion header
            + "24506E500102"                       // 001c  pnp:    db '$PnP', 1, 2             ; signature, revision 1, length 2 (x 16 bytes)
            + "0000"                               // 0022  dw 0                        ; next header: none
            + "0000"                               // 0024  db 0, 0                     ; reserved, checksum (LinuxBootRom sets it)
            + "00000000"                           // 0026  dd 0                        ; device id
            + "2C013101"                           // 002a  dw manufacturer, product    ; strings
            + "00000000"                           // 002e  db 0, 0, 0, 0               ; device type, indicators
            + "00000000"                           // 0032  dw 0, 0                     ; BCV, DV: none
            + "3C00"                               // 0036  dw bev                      ; boot entry vector
            + "00000000"                           // 0038  dw 0, 0                     ; reserved, static resources
            //
            + "FA"                                 // 003c  bev:    cli
            + "FC"                                 // 003d  cld
            + "8CC8"                               // 003e  mov ax, cs
            + "8ED8"                               // 0040  mov ds, ax
            // ; copy each piece: addr key, size key, data key
            + "BB1617"                             // 0042  mov bx, FW_CFG_SETUP_ADDR | (FW_CFG_SETUP_SIZE << 8)
            + "BD1800"                             // 0045  mov bp, FW_CFG_SETUP_DATA
            + "E85B00"                             // 0048  call load
            + "BB0708"                             // 004b  mov bx, FW_CFG_KERNEL_ADDR | (FW_CFG_KERNEL_SIZE << 8)
            + "BD1100"                             // 004e  mov bp, FW_CFG_KERNEL_DATA
            + "E85200"                             // 0051  call load
            + "BB1314"                             // 0054  mov bx, FW_CFG_CMDLINE_ADDR | (FW_CFG_CMDLINE_SIZE << 8)
            + "BD1500"                             // 0057  mov bp, FW_CFG_CMDLINE_DATA
            + "E84900"                             // 005a  call load
            + "BB0A0B"                             // 005d  mov bx, FW_CFG_INITRD_ADDR | (FW_CFG_INITRD_SIZE << 8)
            + "BD1200"                             // 0060  mov bp, FW_CFG_INITRD_DATA
            + "E84000"                             // 0063  call load
            //
            // ; the stack: SP = cmdline_addr - setup_addr - 16, in the setup's segment
            + "B313"                               // 0066  mov bl, FW_CFG_CMDLINE_ADDR
            + "E8A300"                             // 0068  call read32
            + "6689C6"                             // 006b  mov esi, eax
            + "B316"                               // 006e  mov bl, FW_CFG_SETUP_ADDR
            + "E89B00"                             // 0070  call read32
            + "6629C6"                             // 0073  sub esi, eax
            + "6683EE10"                           // 0076  sub esi, 16
            + "66C1E804"                           // 007a  shr eax, 4
            + "8ED8"                               // 007e  mov ds, ax
            + "8EC0"                               // 0080  mov es, ax
            + "8EE0"                               // 0082  mov fs, ax
            + "8EE8"                               // 0084  mov gs, ax
            + "8ED0"                               // 0086  mov ss, ax
            + "89F4"                               // 0088  mov sp, si
            + "83C020"                             // 008a  add ax, 0x20
            + "50"                                 // 008d  push ax                     ; CS = setup segment + 0x20
            + "6A00"                               // 008e  push word 0                 ; IP = 0
            + "6631C0"                             // 0090  xor eax, eax
            + "6631DB"                             // 0093  xor ebx, ebx
            + "6631C9"                             // 0096  xor ecx, ecx
            + "6631D2"                             // 0099  xor edx, edx
            + "6631F6"                             // 009c  xor esi, esi
            + "6631FF"                             // 009f  xor edi, edi
            + "6631ED"                             // 00a2  xor ebp, ebp
            + "CB"                                 // 00a5  retf                        ; into the kernel's real-mode setup
            //
            // ; load: BL = address key, BH = size key, BP = data key. Copies the item to its address with one DMA read
            // ; (nothing when the size is 0). Clobbers EAX, ECX, EDX, EDI, SI.
            + "53"                                 // 00a6  load:   push bx
            + "88FB"                               // 00a7  mov bl, bh
            + "E86200"                             // 00a9  call read32
            + "6689C1"                             // 00ac  mov ecx, eax                ; size
            + "5B"                                 // 00af  pop bx
            + "E85B00"                             // 00b0  call read32
            + "6689C7"                             // 00b3  mov edi, eax                ; address
            + "67E354"                             // 00b6  jecxz .done
            // ; the DMA descriptor on the stack (big-endian): control, length, 64-bit address
            + "83EC10"                             // 00b9  sub sp, 16
            + "89E6"                               // 00bc  mov si, sp
            + "89E8"                               // 00be  mov ax, bp
            + "86C4"                               // 00c0  xchg al, ah
            + "368904"                             // 00c2  mov [ss:si], ax             ; control bits 31-16: the key
            + "36C74402000A"                       // 00c5  mov word [ss:si + 2], DMA_SELECT_READ << 8
            + "660FC9"                             // 00cb  bswap ecx
            + "3666894C04"                         // 00ce  mov [ss:si + 4], ecx
            + "3666C7440800000000"                 // 00d3  mov dword [ss:si + 8], 0
            + "660FCF"                             // 00dc  bswap edi
            + "3666897C0C"                         // 00df  mov [ss:si + 12], edi
            + "6631C0"                             // 00e4  xor eax, eax
            + "8CD0"                               // 00e7  mov ax, ss
            + "66C1E004"                           // 00e9  shl eax, 4
            + "660FB7D6"                           // 00ed  movzx edx, si
            + "6601D0"                             // 00f1  add eax, edx                ; the descriptor's physical address
            + "660FC8"                             // 00f4  bswap eax
            + "6689C1"                             // 00f7  mov ecx, eax
            + "6631C0"                             // 00fa  xor eax, eax
            + "BA1405"                             // 00fd  mov dx, PORT_DMA_HI
            + "66EF"                               // 0100  out dx, eax                 ; the address's high half: 0
            + "6689C8"                             // 0102  mov eax, ecx
            + "BA1805"                             // 0105  mov dx, PORT_DMA_LO
            + "66EF"                               // 0108  out dx, eax                 ; the low half starts the transfer (done when OUT returns)
            + "83C410"                             // 010a  add sp, 16
            + "C3"                                 // 010d  .done:  ret
            //
            // ; read32: BL = key; returns the item's first 4 bytes (little-endian) in EAX. Clobbers DX.
            + "BA1005"                             // 010e  read32: mov dx, PORT_SEL
            + "31C0"                               // 0111  xor ax, ax
            + "88D8"                               // 0113  mov al, bl
            + "EF"                                 // 0115  out dx, ax
            + "42"                                 // 0116  inc dx
            + "EC"                                 // 0117  in al, dx
            + "66C1C808"                           // 0118  ror eax, 8
            + "EC"                                 // 011c  in al, dx
            + "66C1C808"                           // 011d  ror eax, 8
            + "EC"                                 // 0121  in al, dx
            + "66C1C808"                           // 0122  ror eax, 8
            + "EC"                                 // 0126  in al, dx
            + "66C1C808"                           // 0127  ror eax, 8
            + "C3"                                 // 012b  ret
            //
            + "6A656D7500"                         // 012c  manufacturer: db 'jemu', 0
            + "4C696E7578206C6F61"                 // 0131  product:      db 'Linux loader', 0
            + "64657200";                          // 013a

    /** The ROM image SeaBIOS loads. */
    public static byte[] image() {
        return OptionRom.image(CODE);
    }

    /** Hands the ROM to SeaBIOS and makes it the first boot entry. */
    public static void install(FwCfg fw) {
        OptionRom.install(fw, FILE, image());
    }
}
