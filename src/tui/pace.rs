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
//! the next one shows it. Each frame costs 4 bytes more, and an idle explorer still writes
//! nothing.
//!
//! A terminal that does not answer is asked once, before the first frame, and never again (it
//! costs 2 s, crossterm's wait, once). An answer later than that wait (a frame of several
//! kilobytes over a modem) is taken by the next question, which then returns at once: the pace
//! is one frame behind, never stuck.

use ratatui::crossterm::cursor;

/// Whether the terminal answers, as found by asking it.
pub struct Pace {
    answers: bool,
}

impl Pace {
    /// Asks the terminal once, before anything is drawn.
    pub fn probe() -> Pace {
        Pace {
            answers: cursor::position().is_ok(),
        }
    }

    /// Waits until the terminal has shown everything written so far.
    pub fn wait(&self) {
        if self.answers {
            // A late answer is not an error: the next question takes it.
            let _ = cursor::position();
        }
    }
}
