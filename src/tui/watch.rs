//! Watches the stack file for changes made outside the explorer. Editors that save by rename drop
//! a watch on the file itself, so the parent directory is watched and events are filtered by
//! path; a burst of events (write, rename, chmod) settles before it is reported once.

use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, channel};
use std::time::{Duration, Instant};

use notify::{EventKind, RecommendedWatcher, RecursiveMode, Watcher};

/// How long the file must stay quiet before a change is reported.
const SETTLE: Duration = Duration::from_millis(150);

/// A watch on one file.
pub struct FileWatch {
    _watcher: RecommendedWatcher,
    events: Receiver<notify::Result<notify::Event>>,
    file: PathBuf,
    pending: Option<Instant>,
}

impl FileWatch {
    /// Starts watching `path` (through a symlink, its target).
    pub fn new(path: &Path) -> notify::Result<FileWatch> {
        let file = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        let dir = file
            .parent()
            .map(Path::to_path_buf)
            .unwrap_or_else(|| PathBuf::from("."));
        let (tx, events) = channel();
        let mut watcher = notify::recommended_watcher(tx)?;
        watcher.watch(&dir, RecursiveMode::NonRecursive)?;
        Ok(FileWatch {
            _watcher: watcher,
            events,
            file,
            pending: None,
        })
    }

    /// How long the event loop may wait before calling [`FileWatch::settled`] again.
    pub fn timeout(&self, idle: Duration) -> Duration {
        match self.pending {
            Some(since) => SETTLE.saturating_sub(since.elapsed()),
            None => idle,
        }
    }

    /// Takes the events that arrived; true once a change to the file has settled.
    pub fn settled(&mut self) -> bool {
        while let Ok(event) = self.events.try_recv() {
            let Ok(event) = event else { continue };
            if matches!(event.kind, EventKind::Access(_)) {
                continue;
            }
            // Only the parent directory is watched, so the name identifies the file.
            let ours = event
                .paths
                .iter()
                .any(|p| p.file_name() == self.file.file_name());
            if ours {
                self.pending = Some(Instant::now());
            }
        }
        match self.pending {
            Some(since) if since.elapsed() >= SETTLE => {
                self.pending = None;
                true
            }
            _ => false,
        }
    }
}
