//! SIGTERM, SIGHUP (the terminal or the SSH connection went away) and SIGINT (`kill -INT`;
//! Ctrl-c in raw mode is a key) end the explorer the way `q` does — the terminal restored: raw
//! mode off, the main screen back, the cursor shown — and then the process ends as the signal
//! would have ended it, so a shell still sees "terminated" (exit status 128 + the signal).
//!
//! No async runtime: the handler, from signal-hook (maintained, and already built for
//! crossterm, which uses it for SIGWINCH), only stores the signal's number; the event loop
//! looks at it whenever it wakes, at least every quarter of a second.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use signal_hook::SigId;
use signal_hook::consts::{SIGINT, SIGTERM};

/// The signals that end the explorer.
#[cfg(unix)]
const CAUGHT: [i32; 3] = [SIGTERM, signal_hook::consts::SIGHUP, SIGINT];
#[cfg(not(unix))]
const CAUGHT: [i32; 2] = [SIGTERM, SIGINT];

/// The handlers, registered while the explorer runs.
pub struct Signals {
    /// The last signal received, or 0.
    received: Arc<AtomicUsize>,
    ids: Vec<SigId>,
}

impl Signals {
    /// Registers the handlers.
    pub fn catch() -> std::io::Result<Signals> {
        let received = Arc::new(AtomicUsize::new(0));
        let mut ids = Vec::new();
        for signal in CAUGHT {
            let number = usize::try_from(signal).unwrap_or(0);
            ids.push(signal_hook::flag::register_usize(
                signal,
                Arc::clone(&received),
                number,
            )?);
        }
        Ok(Signals { received, ids })
    }

    /// The signal received since the handlers were registered, if any.
    pub fn received(&self) -> Option<i32> {
        match self.received.load(Ordering::Relaxed) {
            0 => None,
            n => i32::try_from(n).ok(),
        }
    }

    /// Records that the terminal hung up, as if SIGHUP had come (it usually comes too): the
    /// explorer then ends as SIGHUP ends it.
    #[cfg(unix)]
    pub fn hung_up(&self) {
        let hup = usize::try_from(signal_hook::consts::SIGHUP).unwrap_or(1);
        self.received.store(hup, Ordering::Relaxed);
    }

    /// Records that the terminal hung up (where there is no SIGHUP: as SIGTERM).
    #[cfg(not(unix))]
    pub fn hung_up(&self) {
        let term = usize::try_from(SIGTERM).unwrap_or(15);
        self.received.store(term, Ordering::Relaxed);
    }

    /// Ends the process as `signal` would have, once the terminal is restored (its default
    /// action, the handlers gone); returns only if that failed.
    pub fn end_by(self, signal: i32) {
        drop(self);
        let _ = signal_hook::low_level::emulate_default_handler(signal);
    }
}

impl Drop for Signals {
    fn drop(&mut self) {
        for id in self.ids.drain(..) {
            signal_hook::low_level::unregister(id);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_signal_is_recorded_instead_of_ending_the_process() {
        let signals = Signals::catch().expect("handlers register");
        assert_eq!(signals.received(), None);
        signal_hook::low_level::raise(SIGTERM).expect("raise");
        assert_eq!(signals.received(), Some(SIGTERM));
    }
}
