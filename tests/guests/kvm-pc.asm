; A PC guest for -accel kvm and -accel tcg alike (a 64 KiB -bios image for jemu-system-x86_64's pc machine):
; real mode -> protected mode -> long mode with paging, each reported on COM1; MMIO to the HPET (capabilities,
; main counter); PIT interrupts through the 8259; a HLT idle stretch (the host should not spin); a COM1
; interrupt (THRE) through the I/O APIC and the local APIC; a compute loop at CPL 3 that returns its result
; through UD2 (#UD); the result printed and isa-debug-exit (port 0xf4) written with 0x21 (status 67).
; nasm -DITERS=n sets the loop's iteration count (bench/kvm), -DIDLE_TICKS=n the idle stretch (10 ms ticks).
%include "lib.inc"
%include "kvm-loop.inc"

%ifndef ITERS
%define ITERS 5000000
%endif
%ifndef IDLE_TICKS
%define IDLE_TICKS 150
%endif

GDT     equ 0x1000
IDT     equ 0x2000
TSS     equ 0x3000
TICKS   equ 0x500
SIRQ    equ 0x508
PML4    equ 0x10000
KSTACK  equ 0x9000
USTACK  equ 0x8000
COM1    equ 0x3f8
HPET    equ 0xfed00000
IOAPIC  equ 0xfec00000
LAPIC   equ 0xfee00000

        bits 16
start:
        COPY_TABLES
        mov si, R(msg_real)
        call puts16
        lgdt [R(gdtr)]
        mov eax, cr0
        or eax, 1
        mov cr0, eax
        jmp dword 0x08:pm32

puts16: mov dx, COM1
.l:     lodsb
        test al, al
        jz .d
        out dx, al
        jmp .l
.d:     ret

        bits 32
pm32:   mov ax, 0x10
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov esp, KSTACK
        mov esi, msg_pm
        call puts32
        ; page tables: 0-4 MiB identity in 2 MiB pages (user-accessible: the CPL-3 loop reads its count from the
        ; ROM); 0xfec00000-0xffffffff (I/O APIC, HPET, local APIC) for the kernel, uncached
        mov edi, PML4
        xor eax, eax
        mov ecx, 0x4000 / 4
        rep stosd
        mov dword [PML4], PML4 + 0x1007
        mov dword [PML4 + 0x1000], PML4 + 0x2007        ; PDPT[0] -> PD low
        mov dword [PML4 + 0x1018], PML4 + 0x3003        ; PDPT[3] -> PD high
        mov dword [PML4 + 0x2000], 0x000087
        mov dword [PML4 + 0x2008], 0x200087
        mov dword [PML4 + 0x3000 + 8 * 502], 0xfec00093 ; I/O APIC and HPET
        mov dword [PML4 + 0x3000 + 8 * 503], 0xfee00093 ; local APIC
        mov eax, cr4
        or eax, 0x20                    ; PAE
        mov cr4, eax
        mov eax, PML4
        mov cr3, eax
        mov ecx, 0xc0000080             ; EFER.LME
        rdmsr
        or eax, 0x100
        wrmsr
        mov eax, cr0
        or eax, 0x80000000
        mov cr0, eax
        jmp 0x18:lm64

puts32: mov dx, COM1
.l:     lodsb
        test al, al
        jz .d
        out dx, al
        jmp .l
.d:     ret

        bits 64
lm64:   mov ax, 0x20
        mov ds, ax
        mov es, ax
        mov ss, ax
        mov rsp, KSTACK
        mov r13, HPET                   ; (MMIO above 2 GiB: a disp32 would be sign-extended)
        mov r14, IOAPIC
        mov r15, LAPIC
        lea rsi, [msg_lm]
        call puts
        ; the IDT: exceptions -> fault, 0x20 PIT (8259 master at 0x20), 0x34 COM1 via the I/O APIC, 0x80 the
        ; CPL-3 loop's way back (DPL 3)
        xor edi, edi
.exc:   lea rax, [fault_stubs + rdi * 8]
        mov bl, 0x8e
        call set_gate
        inc edi
        cmp edi, 32
        jb .exc
        mov edi, 0x20
        lea rax, [pit_isr]
        call set_gate
        mov edi, 0x34
        lea rax, [serial_isr]
        call set_gate
        lidt [idtr]

        ; MMIO: the HPET's capabilities, then its main counter must move once enabled
        lea rsi, [msg_hpet]
        call puts
        mov eax, [r13]
        call puthex32
        mov dword [r13 + 0x10], 1       ; ENABLE_CNF
        mov r8d, [r13 + 0xf0]
        mov ecx, 1000000
.cnt:   mov eax, [r13 + 0xf0]
        cmp eax, r8d
        jne .moved
        dec ecx
        jnz .cnt
        lea rsi, [msg_stuck]
        jmp .hp
.moved: lea rsi, [msg_counting]
.hp:    call puts
        mov dword [r13 + 0x10], 0

        ; the local APIC on, its LINT0 in ExtINT mode: the 8259's INTR reaches the CPU through it (as firmware
        ; sets it up; at reset LINT0 is masked)
        mov dword [r15 + 0xf0], 0x1ff           ; SVR: APIC on, spurious vector 0xff
        mov dword [r15 + 0x80], 0               ; TPR
        mov dword [r15 + 0x350], 0x700          ; LVT LINT0: ExtINT
        ; the 8259 pair at 0x20/0x28, only IRQ0 open; PIT channel 0 at 100 Hz
        mov al, 0x11
        out 0x20, al
        out 0xa0, al
        mov al, 0x20
        out 0x21, al
        mov al, 0x28
        out 0xa1, al
        mov al, 4
        out 0x21, al
        mov al, 2
        out 0xa1, al
        mov al, 1
        out 0x21, al
        out 0xa1, al
        mov al, 0xfe
        out 0x21, al
        mov al, 0xff
        out 0xa1, al
        mov al, 0x34
        out 0x43, al
        mov ax, 11932
        out 0x40, al
        mov al, ah
        out 0x40, al
        mov rbx, 10
        call wait_ticks
        lea rsi, [msg_pit]
        call puts
        ; idle: HLT until IDLE_TICKS more ticks (the host should sleep meanwhile)
        lea rsi, [msg_idle]
        call puts
        mov rbx, 10 + IDLE_TICKS
        call wait_ticks
        lea rsi, [msg_awake]
        call puts
        cli
        mov al, 0xff
        out 0x21, al

        ; COM1's THRE interrupt (IRQ 4) through the I/O APIC (pin 4 -> vector 0x34) and the local APIC
        mov dword [r14], 0x19
        mov dword [r14 + 0x10], 0               ; destination APIC 0
        mov dword [r14], 0x18
        mov dword [r14 + 0x10], 0x34            ; fixed, edge, active high, unmasked
        mov dx, COM1 + 4
        mov al, 0x0b                            ; MCR: DTR, RTS, OUT2
        out dx, al
        mov dx, COM1 + 1
        mov al, 2                               ; IER: THR empty
        out dx, al
.sw:    cli
        cmp qword [SIRQ], 0
        jne .sdone
        sti
        hlt
        jmp .sw
.sdone: lea rsi, [msg_serial]
        call puts

        ; CPL 3: a 64-bit TSS with RSP0 for the way back, then IRETQ to the compute loop with interrupts off.
        ; The loop comes back with UD2: an exception is the one way from CPL 3 to CPL 0 that every hypervisor
        ; delivers through the guest's IDT (kvm_pvm turns INT n at CPL 3 into #UD and runs a SYSCALL target
        ; natively at CPL 3, where port I/O faults).
        mov edi, 6
        lea rax, [user_exit]
        mov bl, 0x8e
        call set_gate
        mov qword [TSS + 4], KSTACK
        mov ax, 0x38
        ltr ax
        push 0x2b
        push USTACK
        push 0x2
        push 0x33
        lea rax, [user]
        push rax
        iretq

user:   mov rcx, [iters]
        COMPUTE_LOOP
        ud2
.spin:  jmp .spin

; #UD: the CPL-3 loop's UD2 with its result in RAX: print it and leave through isa-debug-exit
user_exit:
        cmp qword [rsp + 8], 0x33
        je .user
        push 6
        jmp fault
.user:  mov r12, rax
        lea rsi, [msg_cpl3]
        call puts
        mov rax, r12
        shr rax, 32
        call puthex32
        mov rax, r12
        call puthex32
        mov al, 10
        out dx, al
        mov al, 0x21
        out 0xf4, al
.h:     hlt
        jmp .h

; rbx: HLT with interrupts on until [TICKS] reaches it (STI; HLT: an interrupt cannot slip in between)
wait_ticks:
.w:     cli
        cmp [TICKS], rbx
        jae .d
        sti
        hlt
        jmp .w
.d:     ret

pit_isr:
        push rax
        inc qword [TICKS]
        mov al, 0x20
        out 0x20, al
        pop rax
        iretq

serial_isr:
        push rax
        push rdx
        mov dx, COM1 + 2
        in al, dx                       ; IIR: acknowledges THRE
        mov dx, COM1 + 1
        xor al, al
        out dx, al                      ; IER: no more
        inc qword [SIRQ]
        mov dword [r15 + 0xb0], 0       ; EOI
        pop rdx
        pop rax
        iretq

; an exception: "fault", its vector and the two qwords under it (error code or RIP, RIP or CS)
        align 8
fault_stubs:
%assign v 0
%rep 32
        push v
        jmp fault
        align 8
%assign v v + 1
%endrep
fault:  lea rsi, [msg_fault]
        call puts
        mov eax, [rsp]
        call puthex32
        mov al, ' '
        out dx, al
        mov eax, [rsp + 8]
        call puthex32
        mov al, ' '
        out dx, al
        mov eax, [rsp + 16]
        call puthex32
        mov al, 10
        out dx, al
        mov al, 0x7e
        out 0xf4, al
.h:     hlt
        jmp .h

; edi: vector, rax: handler, bl: type/attributes
set_gate:
        push rdi
        shl edi, 4
        add edi, IDT
        mov [rdi], ax
        mov word [rdi + 2], 0x18
        mov byte [rdi + 4], 0
        mov [rdi + 5], bl
        shr rax, 16
        mov [rdi + 6], ax
        shr rax, 16
        mov [rdi + 8], eax
        mov dword [rdi + 12], 0
        pop rdi
        ret

puts:   mov dx, COM1
.l:     lodsb
        test al, al
        jz .d
        out dx, al
        jmp .l
.d:     ret

; eax: 8 hex digits on COM1
puthex32:
        mov ecx, 8
        mov r9d, eax
        mov dx, COM1
.l:     rol r9d, 4
        mov eax, r9d
        and eax, 15
        mov al, [hexdigits + rax]
        out dx, al
        dec ecx
        jnz .l
        ret

        align 8
iters:  dq ITERS
idtr:   dw 256 * 16 - 1
        dq IDT
hexdigits: db "0123456789abcdef"
msg_real:  db "real mode", 10, 0
msg_pm:    db "protected mode", 10, 0
msg_lm:    db "long mode", 10, 0
msg_hpet:  db "hpet ", 0
msg_counting: db " counting", 10, 0
msg_stuck: db " stuck", 10, 0
msg_pit:   db "pit 10 ticks", 10, 0
msg_idle:  db "idle", 10, 0
msg_awake: db "awake", 10, 0
msg_serial: db "serial irq via ioapic", 10, 0
msg_cpl3:  db "cpl3 loop ", 0
msg_fault: db "fault ", 0

        align 8
gdt:    dq 0
        DESC 0, 0xfffff, CODE32G                ; 0x08
        DESC 0, 0xfffff, DATA32G                ; 0x10
        DESC 0, 0xfffff, 0xa09b                 ; 0x18 code64
        DESC 0, 0xfffff, DATA32G                ; 0x20
        DESC 0, 0xfffff, 0xc0f3                 ; 0x28 user data (DPL 3)
        DESC 0, 0xfffff, 0xa0fb                 ; 0x30 user code64 (DPL 3)
        DESC TSS, 0x67, 0x0089                  ; 0x38 TSS64 (and its upper half)
        dq 0
gdt_end:
gdtr:   dw gdt_end - gdt - 1
        dd GDT
idt:
idt_end:

        GUEST_END
