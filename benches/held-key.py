#!/usr/bin/env python3
"""A key held down over a slow link (docs/performance.md, "Held-down keys on a slow link").

Runs the explorer in a pseudo-terminal whose output this script reads at RATE bytes a second,
answering the explorer's cursor-position questions (DSR) as a terminal does once it has shown
what came before them (with the place of the last absolute move, which is where the explorer
puts the cursor before asking); sends `j` 30 times a second, KEYS times; then reports the bytes written
while the key was held, the frames drawn, and the bytes and time from the last key to the last
byte, and the frames begun after the last key (one on its way when the key was sent counts
there too, if its question came after).

    cargo build --release
    cargo run -q --release --example gen-stack -- --parties 1000 --seed 1 > /tmp/stack-1000.toml
    benches/held-key.py target/release/stackgap /tmp/stack-1000.toml 4000 60
"""
import os
import pty
import re
import select
import struct
import sys
import termios
import fcntl
import time

binary, stack = sys.argv[1], sys.argv[2]
RATE = float(sys.argv[3]) if len(sys.argv) > 3 else 4000
KEYS = int(sys.argv[4]) if len(sys.argv) > 4 else 60
GAP = 1 / 30
QUESTION = b"\x1b[6n"
# A question, or an absolute move (CUP) whose place the answer to the next question names.
MOVE_OR_QUESTION = re.compile(rb"\x1b\[6n|\x1b\[(\d*)(?:;(\d*))?H")

pid, fd = pty.fork()
if pid == 0:
    os.environ.update(TERM="xterm-256color", LC_ALL="C.UTF-8")
    os.environ.pop("NO_COLOR", None)
    os.execv(binary, [binary, "--as-of", "2026-11-28", stack])
fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))

total = 0
questions = 0
tail = b""
cursor = (1, 1)
# Where in the output each frame's question ended, and the last question.
frames = []
last_question = 0
last_byte = 0.0


def read_for(seconds, chunk):
    """Reads at RATE for up to `seconds`, answering questions; returns the bytes read."""
    global total, questions, tail, last_byte, cursor, last_question
    end = time.monotonic() + seconds
    got = 0
    while time.monotonic() < end:
        ready, _, _ = select.select([fd], [], [], max(0.0, end - time.monotonic()))
        if not ready:
            break
        try:
            data = os.read(fd, chunk)
        except OSError:
            break
        if not data:
            break
        window = tail + data
        answers = b""
        done = 0
        for m in MOVE_OR_QUESTION.finditer(window):
            if m.group(0) == QUESTION:
                answers += b"\x1b[%d;%dR" % cursor
                # A question after more than a mark and a question is a frame's.
                at = total + m.end() - len(tail)
                if at - last_question > 12:
                    frames.append(at)
                last_question = at
            else:
                cursor = (int(m.group(1) or 1), int(m.group(2) or 1))
            done = m.end()
        # Keep what could be the start of a sequence cut by the read.
        cut = window.rfind(b"\x1b")
        tail = window[cut:] if cut >= done and len(window) - cut < 12 else b""
        if answers:
            questions += answers.count(b"R")
            os.write(fd, answers)
        total += len(data)
        got += len(data)
        time.sleep(len(data) / RATE)
        last_byte = time.monotonic()
    return got


# The first frame, however long the stack takes to load.
start = time.monotonic()
while total == 0 or read_for(1.0, 65536):
    if time.monotonic() - start > 60:
        sys.exit("no first frame in 60 s")
    if total == 0:
        read_for(0.5, 65536)
chunk = max(1, int(RATE * GAP))
held_from, asked_from = total, questions
for _ in range(KEYS):
    os.write(fd, b"j")
    read_for(GAP, chunk)
last_key = time.monotonic()
at_last_key = total
while read_for(1.5, chunk):
    pass
held = sum(1 for f in frames if held_from < f <= at_last_key)
after = sum(1 for f in frames if f > at_last_key)
print(
    f"{RATE:.0f} B/s, {KEYS} keys: {at_last_key - held_from} bytes and {held} frames while held, "
    f"{questions - asked_from} questions answered; after the last key {total - at_last_key} bytes, "
    f"{after} frames, {1000 * max(0.0, last_byte - last_key):.0f} ms"
)
os.write(fd, b"q")
time.sleep(0.3)
try:
    os.kill(pid, 9)
except ProcessLookupError:
    pass
