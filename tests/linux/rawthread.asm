; clone as pthread_create does (CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID) and
; a FUTEX_WAIT on the tid word until the kernel clears it at the thread exit. Exit status: the low byte of
; the counter the thread incremented with LOCK INC (100000 & 0xff = 160).
global _start
section .text
_start:
  mov eax, 56
  mov edi, 0x3d0f00     ; VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID
  lea rsi, [rel stack_top]
  lea rdx, [rel ctid]
  lea r10, [rel ctid]
  lea r8, [rel tlsarea]
  syscall
  test eax, eax
  jz child
wait_loop:
  mov edx, [rel ctid]
  test edx, edx
  jz done
  mov eax, 202           ; futex(&ctid, FUTEX_WAIT, val, 0)
  lea rdi, [rel ctid]
  xor esi, esi
  xor r10d, r10d
  syscall
  jmp wait_loop
done:
  mov eax, 1
  mov edi, 1
  lea rsi, [rel m2]
  mov edx, 5
  syscall
  mov eax, [rel counter]
  mov edi, eax
  mov eax, 231
  syscall
child:
  ; spin a bit then write
  mov ecx, 100000
spin:
  lock inc dword [rel counter]
  dec ecx
  jnz spin
  mov eax, 1
  mov edi, 1
  lea rsi, [rel m1]
  mov edx, 6
  syscall
  mov eax, 60
  xor edi, edi
  syscall
section .data
m1: db "child",10
m2: db "done",10
ptid: dd 0
ctid: dd 0
counter: dd 0
tlsarea: times 64 db 0
section .bss
stack: resb 65536
stack_top:
