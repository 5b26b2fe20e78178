; A blocking read on an empty pipe interrupted by alarm(): -EINTR without SA_RESTART; with SA_RESTART the
; read restarts and the handler writes the byte it returns. Exit status = 4 + 10 * 1 = 14.
global _start
section .text
_start:
  mov eax, 22          ; pipe
  lea rdi, [rel fds]
  syscall
  mov eax, 13          ; rt_sigaction(SIGALRM, act1)
  mov edi, 14
  lea rsi, [rel act1]
  xor edx, edx
  mov r10d, 8
  syscall
  mov eax, 37          ; alarm(1)
  mov edi, 1
  syscall
  xor eax, eax         ; read(fds[0], buf, 1)
  mov edi, [rel fds]
  lea rsi, [rel buf]
  mov edx, 1
  syscall
  neg eax
  mov [rel r1], eax
  mov eax, 13          ; rt_sigaction(SIGALRM, act2) with SA_RESTART
  mov edi, 14
  lea rsi, [rel act2]
  xor edx, edx
  mov r10d, 8
  syscall
  mov eax, 37
  mov edi, 1
  syscall
  xor eax, eax
  mov edi, [rel fds]
  lea rsi, [rel buf]
  mov edx, 1
  syscall
  ; exit(r1 + 10*rax)
  mov ebx, eax
  add eax, eax
  add eax, eax
  add eax, eax
  add eax, ebx
  add eax, ebx
  add eax, [rel r1]
  mov edi, eax
  mov eax, 60
  syscall
h1:
  ret
h2:
  mov eax, 1
  mov edi, [rel fds+4]
  lea rsi, [rel buf]
  mov edx, 1
  syscall
  ret
restorer:
  mov eax, 15
  syscall
section .data
act1: dq h1, 0x04000000, restorer, 0
act2: dq h2, 0x14000000, restorer, 0
fds: dd 0, 0
buf: dq 0
r1: dd 0
