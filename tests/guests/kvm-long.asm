; -accel kvm: real mode -> protected mode -> long mode (4-level paging, one 2 MiB page), a 64-bit TSS, then IRETQ
; to CPL 3 (IOPL 3) for the compute loop of kvm-loop.inc. Ports: 0x3f8 progress letters (P, L, U), 0x3f0 the
; result (two 32-bit OUTs, low half first), 0xf4 isa-debug-exit. The iteration count is the qword at 0x1008.
%include "kvm-loop.inc"
        bits 16
        org 0x1000
start:  jmp short real
        align 8
iters:  dq 1000
real:   cli
        xor ax, ax
        mov ds, ax
        lgdt [gdtr]
        mov eax, cr0
        or al, 1
        mov cr0, eax
        jmp 0x08:pm32

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, 0x8000
        mov dx, 0x3f8
        mov al, 'P'
        out dx, al
        mov dword [0x10000], 0x11000 | 7        ; PML4[0] -> PDPT (user)
        mov dword [0x11000], 0x12000 | 7        ; PDPT[0] -> PD
        mov dword [0x12000], 0x87               ; PD[0]: 2 MiB at 0, P RW US PS
        mov eax, cr4
        or eax, 0x20                            ; PAE
        mov cr4, eax
        mov eax, 0x10000
        mov cr3, eax
        mov ecx, 0xc0000080                     ; EFER.LME
        rdmsr
        or eax, 0x100
        wrmsr
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp 0x18:lm64

        bits 64
lm64:   mov ax, 0x20
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov rsp, 0x8000
        mov dx, 0x3f8
        mov al, 'L'
        out dx, al
        mov rax, tss                            ; TSS descriptor base
        mov [gdt + 0x38 + 2], ax
        shr rax, 16
        mov [gdt + 0x38 + 4], al
        mov [gdt + 0x38 + 7], ah
        mov qword [tss + 4], 0x8000             ; RSP0
        mov ax, 0x38
        ltr ax
        push 0x2b                               ; SS: user data
        push 0x9000                             ; RSP
        push 0x3002                             ; RFLAGS: IOPL 3, IF 0
        push 0x33                               ; CS: user code 64
        push user
        iretq

; CPL 3 reports through MMIO (the test device at 0xa0000, inside the identity-mapped 2 MiB page): a paravirtual
; KVM (kvm_pvm) does not honour IOPL for CPL-3 port I/O, every hypervisor turns these stores into MMIO exits.
user:   mov byte [0xa0040], 'U'
        mov rcx, [iters]
        COMPUTE_LOOP
        mov [0xa0030], rax                      ; the result
        mov byte [0xa0038], 0                   ; exit status (as isa-debug-exit)
.spin:  jmp .spin

        align 8
gdt:    dq 0
        dq 0x00cf9a000000ffff                   ; 0x08 code32
        dq 0x00cf92000000ffff                   ; 0x10 data
        dq 0x00af9a000000ffff                   ; 0x18 code64
        dq 0x00cf92000000ffff                   ; 0x20 data
        dq 0x00cff2000000ffff                   ; 0x28 user data (DPL 3)
        dq 0x00affa000000ffff                   ; 0x30 user code64 (DPL 3)
        dq 0x0000890000000067, 0                ; 0x38 TSS64 (base filled in)
gdtend:
gdtr:   dw gdtend - gdt - 1
        dd gdt
        align 16
tss:    times 104 db 0
