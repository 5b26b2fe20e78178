; A static i386 program using int 0x80 directly, with only basic integer instructions. It writes raw
; result bytes to stdout; the test compares them with a native run on the x86-64 host kernel.
bits 32
section .data
msg:    db "hello from int 0x80", 10
msglen  equ $ - msg
fname:  db "f.txt", 0
section .bss
alignb 16
buf:    resb 256
st:     resb 128
ud:     resb 16
res:    resb 8
tls:    resb 64
mm:     resb 24
section .text
global _start

%macro sys 1-6
    mov eax, %1
%if %0 > 1
    mov ebx, %2
%endif
%if %0 > 2
    mov ecx, %3
%endif
%if %0 > 3
    mov edx, %4
%endif
%if %0 > 4
    mov esi, %5
%endif
%if %0 > 5
    mov edi, %6
%endif
    int 0x80
%endmacro

; out ADDR, LEN: write(1, ADDR, LEN)
%macro out 2
    sys 4, 1, %1, %2
%endmacro

; Writes EAX (4 bytes) to stdout.
put_eax:
    mov [res], eax
    out res, 4
    ret

_start:
    out msg, msglen
    sys 5, fname, 0x242, 0o644          ; open(O_RDWR|O_CREAT|O_TRUNC)
    mov ebp, eax
    sys 4, ebp, msg, msglen
    call put_eax
    ; _llseek(fd, 0, 5, &res, SEEK_SET)
    sys 140, ebp, 0, 5, res, 0
    call put_eax
    out res, 8
    sys 3, ebp, buf, 100
    push eax
    call put_eax
    pop eax
    out buf, eax
    ; lseek(fd, -3, SEEK_END)
    sys 19, ebp, -3, 2
    call put_eax
    ; fstat64 into a buffer of 0xaa: the padding must stay as it was
    mov edi, st
    mov ecx, 0
fill:
    mov byte [edi + ecx], 0xaa
    add ecx, 1
    cmp ecx, 128
    jne fill
    sys 197, ebp, st
    call put_eax
    out st + 8, 4                       ; __pad0
    out st + 16, 8                      ; st_mode, st_nlink
    out st + 40, 12                     ; __pad3, st_size
    out st + 96, 4                      ; beyond the struct
    ; old stat(path)
    sys 106, fname, st
    call put_eax
    out st + 8, 4                       ; st_mode, st_nlink (16-bit)
    out st + 20, 4                      ; st_size
    out st + 56, 8                      ; __unused4/5
    ; old fstat on a bad descriptor
    sys 108, 99, st
    call put_eax
    sys 6, ebp
    call put_eax

    ; set_thread_area({-1, tls, 0xfffff, seg_32bit|limit_in_pages|useable})
    mov dword [ud], -1
    mov dword [ud + 4], tls
    mov dword [ud + 8], 0xfffff
    mov dword [ud + 12], 0x51
    mov dword [tls + 4], 0x12345678
    sys 243, ud
    call put_eax
    mov eax, [ud]
    call put_eax
    ; selector = entry * 8 + 3
    mov eax, [ud]
    add eax, eax
    add eax, eax
    add eax, eax
    add eax, 3
    mov gs, ax
    mov eax, [gs:4]
    call put_eax
    mov eax, gs
    call put_eax
    ; get_thread_area on the same entry
    mov dword [ud + 4], 0
    mov dword [ud + 8], 0
    mov dword [ud + 12], 0
    sys 244, ud
    call put_eax
    mov eax, [ud + 4]
    sub eax, tls                        ; base relative to tls: 0
    call put_eax
    out ud + 8, 8
    ; an unused entry reads as empty
    mov eax, [ud]
    add eax, 1
    mov [ud], eax
    sys 244, ud
    call put_eax
    out ud + 4, 12
    ; entry 11 is not a TLS entry
    mov dword [ud], 11
    sys 244, ud
    call put_eax

    ; mmap2(0, 8192, PROT_READ|PROT_WRITE, MAP_PRIVATE|MAP_ANONYMOUS, -1, 0)
    mov eax, 192
    mov ebx, 0
    mov ecx, 8192
    mov edx, 3
    mov esi, 0x22
    mov edi, -1
    push ebp
    mov ebp, 0
    int 0x80
    pop ebp
    mov ebx, eax
    and ebx, 0xfff
    mov dword [eax + 4096], 0x41424344
    mov ecx, [eax + 4096]
    push eax
    mov eax, ebx
    call put_eax
    mov eax, ecx
    call put_eax
    pop ebx
    sys 91, ebx, 8192                   ; munmap
    call put_eax
    ; old mmap(struct {addr, len, prot, flags, fd, offset}) of the file, offset 0
    sys 5, fname, 0, 0
    mov ebp, eax
    mov dword [mm], 0
    mov dword [mm + 4], 4096
    mov dword [mm + 8], 1
    mov dword [mm + 12], 2
    mov [mm + 16], ebp
    mov dword [mm + 20], 0
    sys 90, mm
    mov ebx, eax
    and ebx, 0xfff
    push eax
    mov eax, ebx
    call put_eax
    pop eax
    out eax, 8
    ; a misaligned offset is refused
    mov dword [mm + 20], 1
    sys 90, mm
    call put_eax
    ; brk
    sys 45, 0
    mov ebx, eax
    add ebx, 0x3000
    push eax
    sys 45, ebx
    pop ebx
    sub eax, ebx
    call put_eax
    ; getuid32 and getuid agree for small ids
    sys 199
    mov ebx, eax
    sys 24
    sub eax, ebx
    call put_eax
    ; an unknown call
    sys 500
    call put_eax
    sys 252, 7                          ; exit_group(7)
