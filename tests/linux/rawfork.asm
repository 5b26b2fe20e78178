; fork + wait4: a child exiting with 5 and a child killed by SIGSEGV; exit status 5 + 16 * 11 = 181.
global _start
section .text
_start:
  mov eax, 57        ; fork
  syscall
  test eax, eax
  jnz parent
  ; child: write "child\n", exit 5
  mov eax, 1
  mov edi, 1
  lea rsi, [rel mc]
  mov edx, 6
  syscall
  mov eax, 60
  mov edi, 5
  syscall
parent:
  mov r12, rax
  mov eax, 61        ; wait4(pid, &status, 0, 0)
  mov rdi, r12
  lea rsi, [rel status]
  xor edx, edx
  xor r10d, r10d
  syscall
  cmp rax, r12
  jne bad
  ; second child: killed by SIGSEGV
  mov eax, 57
  syscall
  test eax, eax
  jnz parent2
  mov rax, [0]
parent2:
  mov r12, rax
  mov eax, 61
  mov rdi, r12
  lea rsi, [rel status2]
  xor edx, edx
  xor r10d, r10d
  syscall
  ; exit with (status>>8) + status2*16 ... status=0x500 -> 5 ; status2=11 -> 
  movzx eax, byte [rel status+1]
  mov ebx, [rel status2]
  add ebx, ebx
  add ebx, ebx
  add ebx, ebx
  add ebx, ebx
  add eax, ebx
  mov edi, eax
  mov eax, 60
  syscall
bad:
  mov eax, 60
  mov edi, 99
  syscall
section .data
mc: db "child",10
status: dd 0
status2: dd 0
