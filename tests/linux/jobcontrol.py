#!/usr/bin/env python3
"""Drives an interactive shell on a pseudo-terminal through job control: ^Z stops the foreground job, jobs,
bg, fg, ^C interrupts it. Usage: jobcontrol.py SHELL-COMMAND...  Exits 1 (with
the transcript) if an expected answer does not come. Prints the whole transcript at the end."""
import os, pty, re, select, sys, time

STEPS = [  # (input, expected output, whether a prompt follows; else seconds to let the job settle)
    ("echo hi\n", "hi\r\n", True),
    ("sleep 30\n", "sleep 30\r\n", 1.5),
    ("\x1a", "Stopped", True),
    ("jobs\n", "Stopped", True),
    ("bg\n", "sleep 30", True),
    ("jobs\n", "Running", True),
    ("fg\n", "sleep 30\r\n", 1.5),
    ("\x03", "^C", True),
    ("echo after $?\n", "after 130", True),
]

pid, fd = pty.fork()
if pid == 0:
    os.execvp(sys.argv[1], sys.argv[1:])

transcript = ""

def expect(text, timeout, prompt=True):
    global transcript
    buf = ""
    end = time.time() + timeout
    while time.time() < end:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                d = os.read(fd, 4096).decode(errors="replace")
            except OSError:
                break
            buf += d
            transcript += d
            clean = buf.replace("\x1b[6n", "")
            at = clean.find(text)
            if at >= 0 and (not prompt or (clean.endswith("# ") and len(clean) - 2 >= at + len(text))):
                return buf
    print("no %r; transcript:\n%s" % (text, transcript))
    os.kill(pid, 9)
    sys.exit(1)

expect("# ", 60, False)
for inp, out, then in STEPS:
    os.write(fd, inp.encode())
    expect(out, 60, then is True)
    if then is not True:
        time.sleep(then)
os.write(fd, b"exit\n")
_, st = os.waitpid(pid, 0)
# The whole conversation, without the shell's cursor-position queries.
print(transcript.replace("\x1b[6n", "").replace("\r\n", "\n"))
print("shell exit status", os.waitstatus_to_exitcode(st))
