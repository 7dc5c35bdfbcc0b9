//! The terminal going away: an SSH connection dropped, a tmux pane or a terminal window closed.
//! The terminal device then stays readable for ever while every read returns nothing, and
//! crossterm's input loop reads again at once, for ever (crossterm issue #793): the explorer
//! would neither end nor see the SIGHUP it was sent, and would spin one core until killed with
//! SIGKILL.
//!
//! So the loop never hands crossterm a terminal that has hung up. It waits for input itself
//! (`poll(2)` on the terminal: input, a hang-up, or a signal — SIGWINCH included — whichever
//! comes first) and asks crossterm only to read what is there; before every crossterm call it
//! checks the terminal is still there. The terminal can still go while crossterm reads (waiting
//! for the answer to the cursor-position question after a frame, say), so a watchdog thread
//! blocks on the same device and, once it has hung up, puts an empty pipe where standard input
//! was (crossterm's read then returns to its time-out) and raises SIGHUP, so the loop ends by
//! itself: a save under way finishes, unsaved edits are written aside, what can be restored is.
//! Should the loop not end within `GRACE`, the watchdog ends the process as SIGHUP would.

use std::time::Duration;

/// How long the loop has, after a hang-up, to end by itself before the watchdog ends the
/// process: long enough for a save of a large stack to finish.
const GRACE: Duration = Duration::from_secs(15);

/// What waiting on the terminal found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Ready {
    /// Input is waiting, or a signal arrived (a resize among them): ask crossterm.
    Input,
    /// Nothing happened within the time.
    Timeout,
    /// The terminal is gone.
    HungUp,
}

#[cfg(unix)]
pub use unix::Input;

#[cfg(unix)]
mod unix {
    use std::fs::File;
    use std::io::IsTerminal;
    use std::os::fd::{AsRawFd, RawFd};
    use std::time::Duration;

    use super::{GRACE, Ready};

    /// The device crossterm reads keys from: standard input when it is a terminal, else
    /// `/dev/tty` (as crossterm chooses).
    pub struct Input {
        pub(super) fd: RawFd,
        /// `/dev/tty`, opened here, when standard input is not the terminal.
        pub(super) _tty: Option<File>,
    }

    impl Input {
        /// The terminal the explorer reads from; `None` when there is none to watch.
        pub fn open() -> Option<Input> {
            if std::io::stdin().is_terminal() {
                return Some(Input {
                    fd: std::io::stdin().as_raw_fd(),
                    _tty: None,
                });
            }
            let tty = File::open("/dev/tty").ok()?;
            Some(Input {
                fd: tty.as_raw_fd(),
                _tty: Some(tty),
            })
        }

        /// Waits up to `timeout` for input, a hang-up or a signal.
        pub fn wait(&self, timeout: Duration) -> Ready {
            let ms = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
            poll(self.fd, libc::POLLIN, ms)
        }

        /// Whether the terminal has hung up (without waiting).
        pub fn gone(&self) -> bool {
            poll(self.fd, 0, 0) == Ready::HungUp
        }

        /// Starts the watchdog. Once the terminal hangs up it raises SIGHUP, so the loop ends
        /// (setting unsaved edits aside) even if the hang-up came while crossterm was reading:
        /// standard input is replaced by an empty pipe, where crossterm's read finds "nothing
        /// yet" instead of "nothing, ever", and gets back to its time-out. `GRACE` later, the
        /// process ends as SIGHUP ends it, unless it has ended by itself meanwhile.
        pub fn watch(&self) {
            // A descriptor of its own, so the thread never polls one that was closed.
            // SAFETY: `dup` takes a descriptor this value keeps open and returns a new one.
            let fd = unsafe { libc::dup(self.fd) };
            if fd < 0 {
                return;
            }
            let stdin = self._tty.is_none();
            let spawned = std::thread::Builder::new()
                .name("stackgap-hangup".into())
                .spawn(move || {
                    while poll(fd, 0, -1) != Ready::HungUp {}
                    if stdin {
                        unstick_stdin();
                    }
                    // SAFETY: `fd` was returned by `dup` above and is used by nothing else.
                    unsafe { libc::close(fd) };
                    let _ = signal_hook::low_level::raise(signal_hook::consts::SIGHUP);
                    std::thread::sleep(GRACE);
                    let _ = signal_hook::low_level::emulate_default_handler(
                        signal_hook::consts::SIGHUP,
                    );
                    std::process::exit(129);
                });
            if spawned.is_err() {
                // SAFETY: `fd` was returned by `dup` above and is used by nothing else.
                unsafe { libc::close(fd) };
            }
        }
    }

    /// Puts the read end of a new, empty, non-blocking pipe where standard input was, its
    /// write end kept open for ever: reading it says "try again", never "end of file".
    fn unstick_stdin() {
        let mut ends = [0; 2];
        // SAFETY: `pipe2` fills the two ints of a live array.
        if unsafe { libc::pipe2(ends.as_mut_ptr(), libc::O_NONBLOCK | libc::O_CLOEXEC) } != 0 {
            return;
        }
        // SAFETY: both descriptors were just returned by `pipe2`; `dup2` replaces descriptor 0
        // in one step, so no other thread ever sees it closed. The write end is left open.
        unsafe {
            libc::dup2(ends[0], libc::STDIN_FILENO);
            libc::close(ends[0]);
        }
    }

    /// One `poll(2)` of `fd` for `events`; a hang-up, an error or a closed descriptor are
    /// reported whatever was asked for.
    fn poll(fd: RawFd, events: libc::c_short, ms: i32) -> Ready {
        let mut pfd = libc::pollfd {
            fd,
            events,
            revents: 0,
        };
        // SAFETY: one valid `pollfd`, its count 1.
        let n = unsafe { libc::poll(&raw mut pfd, 1, ms) };
        if n < 0 {
            // EINTR: a signal (a resize, SIGTERM): the loop looks at what it was.
            return Ready::Input;
        }
        if n == 0 {
            return Ready::Timeout;
        }
        if pfd.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0 {
            Ready::HungUp
        } else {
            Ready::Input
        }
    }
}

/// Where there is no `poll(2)`: crossterm waits, and a hang-up is not seen.
#[cfg(not(unix))]
pub struct Input;

#[cfg(not(unix))]
impl Input {
    pub fn open() -> Option<Input> {
        None
    }
    pub fn wait(&self, _timeout: Duration) -> Ready {
        Ready::Input
    }
    pub fn gone(&self) -> bool {
        false
    }
    pub fn watch(&self) {}
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    /// A pseudo-terminal pair: (the side a terminal emulator holds, the side a program reads).
    fn pty() -> (libc::c_int, libc::c_int) {
        let (mut master, mut slave) = (0, 0);
        // SAFETY: out-pointers to two ints; no name, settings or size asked for.
        let rc = unsafe {
            libc::openpty(
                &raw mut master,
                &raw mut slave,
                std::ptr::null_mut(),
                std::ptr::null(),
                std::ptr::null(),
            )
        };
        assert_eq!(rc, 0, "openpty");
        (master, slave)
    }

    #[test]
    fn a_terminal_that_closes_is_seen_as_hung_up_not_as_input() {
        let (master, slave) = pty();
        let terminal = Input {
            fd: slave,
            _tty: None,
        };
        assert_eq!(terminal.wait(Duration::from_millis(10)), Ready::Timeout);
        assert!(!terminal.gone());
        // A line typed (the new terminal is not in raw mode: a line is what it hands on).
        // SAFETY: writing two bytes from a live buffer to an open descriptor.
        assert_eq!(unsafe { libc::write(master, b"j\n".as_ptr().cast(), 2) }, 2);
        assert_eq!(terminal.wait(Duration::from_secs(5)), Ready::Input);
        // The window closes: the emulator's side goes.
        // SAFETY: closing a descriptor this test opened and uses no more.
        unsafe { libc::close(master) };
        assert_eq!(terminal.wait(Duration::from_secs(5)), Ready::HungUp);
        assert!(terminal.gone());
        // SAFETY: as above.
        unsafe { libc::close(slave) };
    }
}
