; Raw signal handling: rt_sigaction with SA_RESTORER, kill, a handler returning through rt_sigreturn, and a
; SIGSEGV handler (SA_SIGINFO) that skips the faulting load by editing uc_mcontext.rip. Exit status 7.
global _start
section .text
_start:
  ; rt_sigaction(SIGUSR1, &act, 0, 8)
  mov eax, 13
  mov edi, 10
  lea rsi, [rel act]
  xor edx, edx
  mov r10d, 8
  syscall
  ; kill(getpid(), SIGUSR1)
  mov eax, 39
  syscall
  mov edi, eax
  mov esi, 10
  mov eax, 62
  syscall
  ; write back
  mov eax, 1
  mov edi, 1
  lea rsi, [rel m2]
  mov edx, 5
  syscall
  ; now SIGSEGV handler test: rt_sigaction(SIGSEGV)
  mov eax, 13
  mov edi, 11
  lea rsi, [rel act2]
  xor edx, edx
  mov r10d, 8
  syscall
  mov rax, [0]      ; fault
after:
  mov eax, 60
  mov edi, 7
  syscall
handler:
  mov eax, 1
  mov edi, 1
  lea rsi, [rel m1]
  mov edx, 8
  syscall
  ret
segv:  ; rdi=sig rsi=info rdx=uc ; skip faulting insn by setting uc rip = after
  lea rax, [rel after]
  mov [rdx + 40 + 128], rax
  mov eax, 1
  mov edi, 1
  lea rsi, [rel m3]
  mov edx, 5
  syscall
  ret
restorer:
  mov eax, 15
  syscall
section .data
act: dq handler, 0x04000000, restorer, 0
act2: dq segv, 0x04000004, restorer, 0
m1: db "handler",10
m2: db "back",10
m3: db "segv",10
