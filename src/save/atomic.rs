//! Writing the file so that a failure at any moment (a full disk, a crash, a kill) leaves either
//! the old file or the new one, never half of each: a private temporary file beside the target,
//! written, given the target's permissions, flushed to disk, then renamed over it; the directory
//! is flushed too. A symbolic link is written through to its target and stays a link, and no
//! temporary file is left behind, also on failure.

use std::fs::{self, File, OpenOptions};
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU32, Ordering};

use super::SaveError;

/// Atomic write: temp file in the same directory, fsync, rename; keeps the file's permissions; writes through a symlink to its target rather than replacing the link; never leaves a temp file behind, also on failure.
pub fn atomic_write(path: &Path, bytes: &[u8]) -> Result<(), SaveError> {
    write_atomically(path, &mut |w| w.write_all(bytes))
}

/// Distinguishes the temporary files of concurrent saves in one process.
static TEMP_COUNTER: AtomicU32 = AtomicU32::new(0);

/// A temporary file that is removed when dropped, unless it was renamed into place.
struct TempFile(Option<PathBuf>);

impl Drop for TempFile {
    fn drop(&mut self) {
        if let Some(p) = self.0.take() {
            let _ = fs::remove_file(p);
        }
    }
}

/// [`atomic_write`] with the content written by `fill`, so tests can make the write fail.
pub(super) fn write_atomically(
    path: &Path,
    fill: &mut dyn FnMut(&mut dyn Write) -> io::Result<()>,
) -> Result<(), SaveError> {
    let fail = |target: &Path, action: &'static str| {
        let target = target.to_path_buf();
        move |cause: io::Error| SaveError::Io {
            path: target,
            action,
            cause,
        }
    };
    let target = resolve_symlinks(path).map_err(fail(path, "following the symbolic link"))?;
    let existing = match fs::metadata(&target) {
        Ok(m) if m.is_file() => Some(m),
        Ok(_) => {
            return Err(SaveError::Io {
                path: target,
                action: "checking the file",
                cause: io::Error::other("it is not a regular file"),
            });
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(fail(&target, "checking the file")(e)),
    };
    let dir = match target.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => PathBuf::from("."),
    };
    // Short enough that the temporary name stays within the file system's limit.
    let file_name: String = target
        .file_name()
        .map(|n| n.to_string_lossy().chars().take(100).collect())
        .unwrap_or_else(|| "stack".into());
    let (mut file, temp) = create_temp(&dir, &file_name, existing.is_some())
        .map_err(fail(&target, "creating a temporary file"))?;
    let mut guard = TempFile(Some(temp.clone()));
    fill(&mut file).map_err(fail(&target, "writing the temporary file"))?;
    if let Some(meta) = &existing {
        keep_permissions(&file, meta).map_err(fail(&target, "setting the file's permissions"))?;
    }
    file.sync_all()
        .map_err(fail(&target, "flushing the temporary file to disk"))?;
    drop(file);
    fs::rename(&temp, &target).map_err(fail(&target, "replacing the file"))?;
    guard.0 = None;
    // The rename is durable only once the directory is; a failure here no longer loses data.
    if let Ok(d) = File::open(&dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

/// The file a path names after following symbolic links, so the link itself stays a link.
fn resolve_symlinks(path: &Path) -> io::Result<PathBuf> {
    let mut p = path.to_path_buf();
    for _ in 0..40 {
        match fs::symlink_metadata(&p) {
            Ok(m) if m.file_type().is_symlink() => {
                let to = fs::read_link(&p)?;
                p = match p.parent() {
                    Some(parent) if to.is_relative() => parent.join(to),
                    _ => to,
                };
            }
            Ok(_) => return Ok(p),
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(p),
            Err(e) => return Err(e),
        }
    }
    Err(io::Error::other("too many levels of symbolic links"))
}

/// Creates a new, private temporary file beside the target.
fn create_temp(dir: &Path, name: &str, replacing: bool) -> io::Result<(File, PathBuf)> {
    let mut last_err = None;
    for _ in 0..64 {
        let n = TEMP_COUNTER.fetch_add(1, Ordering::Relaxed);
        let temp = dir.join(format!(".{name}.stackgap-{}-{n}.tmp", std::process::id()));
        let mut options = OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Private until the original's mode is copied; a new file gets the umask's default.
            options.mode(if replacing { 0o600 } else { 0o666 });
        }
        #[cfg(not(unix))]
        let _ = replacing;
        match options.open(&temp) {
            Ok(f) => return Ok((f, temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => last_err = Some(e),
            Err(e) => return Err(e),
        }
    }
    Err(last_err.unwrap_or_else(|| io::Error::other("no free temporary file name")))
}

/// Gives the new file the mode (and, where allowed, the owner) of the one it replaces.
fn keep_permissions(file: &File, original: &fs::Metadata) -> io::Result<()> {
    file.set_permissions(original.permissions())?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = file.metadata()?;
        if now.uid() != original.uid() || now.gid() != original.gid() {
            // Only root may give a file away; for anyone else the saver keeps owning it.
            let _ = std::os::unix::fs::fchown(file, Some(original.uid()), Some(original.gid()));
        }
    }
    Ok(())
}
