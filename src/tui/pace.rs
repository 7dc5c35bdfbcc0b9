//! Frames go out no faster than the terminal shows them. On a slow link a held-down key makes
//! frames faster than the link carries them; reading every key already waiting before drawing
//! (the event loop does) is not enough, because the frames already written wait in buffers on
//! the way — the pseudo-terminal's (20 KB on Linux), sshd's, TCP's — and the cursor keeps moving
//! for seconds after the key is let go.
//!
//! So after each frame the loop asks the terminal where its cursor is (DSR, `CSI 6 n`, answered
//! by every terminal since the VT100, tmux and screen included) and draws the next frame only
//! when the answer is back: the terminal has then shown the frame. Keys arriving meanwhile are
//! kept and taken together, so at most one frame is on its way when the last key arrives, and
//! the next one shows it. An idle explorer still writes nothing.
//!
//! An answer can come later than crossterm waits for it (2 s): a frame of a few kilobytes over
//! a link of 2,000 bytes a second. Asking again would then take the late answer as the new
//! one's, and the pace would stay a frame behind for good — two frames on their way. So before
//! each question the cursor (hidden) is put on a mark that alternates between the first two
//! cells of the top row (`CSI 1;1 H` / `CSI 1;2 H`, at most 6 bytes), and only an answer naming
//! this frame's mark counts: one naming the other mark was owed to an earlier frame and is
//! passed over. A frame costs at most 10 bytes more.
//!
//! A terminal that does not answer is asked once, before the first frame, and never again (it
//! costs 2 s, crossterm's wait, once). One that stops answering is waited for five times
//! crossterm's wait per frame, then drawn for anyway; one whose answers never name the mark
//! (none known) is from then on asked as before, any answer counting.

use std::io::Write as _;

use ratatui::crossterm::cursor;

/// Waits per frame, of crossterm's 2 s each, before drawing anyway.
const PATIENCE: u32 = 5;
/// Answers per frame naming another place than the mark before the marks are given up (a
/// frame whose terminal stopped answering leaves at most `PATIENCE` + 1 owed to the next).
const STRAY: u32 = 16;

/// Whether the terminal answers, and whether its answers name the mark, as found by asking it.
pub struct Pace {
    answers: bool,
    marks: bool,
    /// The mark of the frame last shown: column 0 or 1 of the top row.
    mark: u16,
}

impl Pace {
    /// Asks the terminal once, before anything is drawn.
    pub fn probe() -> Pace {
        Pace {
            answers: cursor::position().is_ok(),
            marks: true,
            mark: 0,
        }
    }

    /// Waits until the terminal has shown everything written so far, or `stop` says the
    /// explorer is ending (checked between crossterm's waits).
    pub fn wait(&mut self, stop: impl Fn() -> bool) {
        if !self.answers {
            return;
        }
        if !self.marks {
            // A late answer is not an error: the next question takes it.
            let _ = cursor::position();
            return;
        }
        self.mark ^= 1;
        let mark = self.mark;
        if put_mark(mark).is_err() {
            return;
        }
        let (mut late, mut stray) = (0, 0);
        while !stop() {
            match cursor::position() {
                Ok((column, row)) if (column, row) == (mark, 0) => return,
                // Owed to an earlier frame (naming the other mark), or the terminal does not
                // put the cursor where it is told.
                Ok(_) => {
                    stray += 1;
                    if stray >= STRAY {
                        self.marks = false;
                        return;
                    }
                }
                Err(_) => {
                    late += 1;
                    if late >= PATIENCE {
                        return;
                    }
                }
            }
        }
    }
}

/// Puts the (hidden) cursor on the top row's column `mark`.
fn put_mark(mark: u16) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    write!(out, "\x1b[1;{}H", mark + 1)?;
    out.flush()
}
