//! The file on disk: atomic writes keep the mode, follow symbolic links, leave no temporary file
//! and never a half-written file; the change-on-disk check; the whole path from an edit to a
//! file that reloads as the edited stack.

use std::fs::File;
use std::io;

use super::*;
use crate::save::atomic::write_atomically;
use crate::save::{SaveError, atomic_write, changed_on_disk, write_back};

// -- atomic_write and changed_on_disk --------------------------------------------------

fn leftovers(dir: &Path) -> Vec<String> {
    fs::read_dir(dir)
        .expect("dir")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains(".stackgap-"))
        .collect()
}

#[cfg(unix)]
#[test]
fn atomic_write_keeps_the_mode() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stack.toml");
    fs::write(&path, "old").expect("write");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o640)).expect("chmod");
    atomic_write(&path, b"new").expect("saved");
    assert_eq!(fs::read_to_string(&path).expect("read"), "new");
    let mode = fs::metadata(&path).expect("meta").permissions().mode() & 0o7777;
    assert_eq!(mode, 0o640);
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn atomic_write_creates_a_new_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("new.toml");
    atomic_write(&path, b"fresh").expect("saved");
    assert_eq!(fs::read_to_string(&path).expect("read"), "fresh");
    assert!(leftovers(dir.path()).is_empty());
}

#[cfg(unix)]
#[test]
fn atomic_write_writes_through_a_symlink() {
    let dir = tempfile::tempdir().expect("tempdir");
    let real_dir = dir.path().join("real");
    fs::create_dir(&real_dir).expect("mkdir");
    let target = real_dir.join("stack.toml");
    fs::write(&target, "old").expect("write");
    let link = dir.path().join("link.toml");
    std::os::unix::fs::symlink("real/stack.toml", &link).expect("symlink");
    atomic_write(&link, b"new").expect("saved");
    assert!(
        fs::symlink_metadata(&link)
            .expect("meta")
            .file_type()
            .is_symlink()
    );
    assert_eq!(
        fs::read_link(&link).expect("link"),
        Path::new("real/stack.toml")
    );
    assert_eq!(fs::read_to_string(&target).expect("read"), "new");
    assert!(leftovers(dir.path()).is_empty() && leftovers(&real_dir).is_empty());
}

#[test]
fn a_failing_write_leaves_the_original_and_no_temp_file() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stack.toml");
    fs::write(&path, "original").expect("write");
    let err = write_atomically(&path, &mut |w| {
        w.write_all(b"half a fi")?;
        Err(io::Error::new(
            io::ErrorKind::StorageFull,
            "no space left on device",
        ))
    })
    .expect_err("must fail");
    let msg = err.to_string();
    assert!(
        msg.contains("stack.toml") && msg.contains("no space left") && msg.contains("unchanged"),
        "{msg}"
    );
    assert_eq!(fs::read_to_string(&path).expect("read"), "original");
    assert!(leftovers(dir.path()).is_empty());
}

/// A directory nobody can write to. Root ignores permission bits, so the cases that fail
/// for root too are a parent that is a file and a target that is a directory.
#[test]
fn an_unwritable_place_is_an_error_and_keeps_the_original() {
    let dir = tempfile::tempdir().expect("tempdir");
    let file = dir.path().join("plain");
    fs::write(&file, "x").expect("write");
    let err = atomic_write(&file.join("stack.toml"), b"new").expect_err("parent is a file");
    assert!(matches!(err, SaveError::Io { .. }), "{err}");
    let sub = dir.path().join("sub.toml");
    fs::create_dir(&sub).expect("mkdir");
    assert!(
        atomic_write(&sub, b"new").is_err(),
        "a directory is never replaced"
    );
    assert!(sub.is_dir());
    assert_eq!(fs::read_to_string(&file).expect("read"), "x");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let ro = dir.path().join("ro");
        fs::create_dir(&ro).expect("mkdir");
        let path = ro.join("stack.toml");
        fs::write(&path, "original").expect("write");
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o555)).expect("chmod");
        let probe = ro.join("probe");
        let enforced = File::create(&probe).is_err();
        let _ = fs::remove_file(&probe);
        if enforced {
            assert!(atomic_write(&path, b"new").is_err());
            assert_eq!(fs::read_to_string(&path).expect("read"), "original");
        }
        fs::set_permissions(&ro, fs::Permissions::from_mode(0o755)).expect("chmod");
        assert!(leftovers(&ro).is_empty());
    }
    assert!(leftovers(dir.path()).is_empty());
}

#[test]
fn changed_on_disk_compares_the_hash() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("stack.toml");
    fs::write(&path, "one").expect("write");
    let sha = crate::stack::load::sha256_hex(b"one");
    assert!(!changed_on_disk(&path, &sha).expect("read"));
    assert!(!changed_on_disk(&path, &sha.to_uppercase()).expect("read"));
    fs::write(&path, "two").expect("write");
    assert!(changed_on_disk(&path, &sha).expect("read"));
    fs::remove_file(&path).expect("rm");
    assert!(changed_on_disk(&path, &sha).expect("gone counts as changed"));
}

/// The whole path the explorer takes: edit, write back, save, and the file reads back.
#[test]
fn saved_file_reloads_to_the_edited_stack() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("demo.toml");
    let text = sample("demo.toml");
    fs::write(&path, &text).expect("write");
    let original = crate::stack::load_path(&path).expect("load");
    let mut current = original.clone();
    apply(&mut current, 2, 0, SetAgreed(Some(P)));
    let out = write_back(&text, &original, &current).expect("write back");
    assert!(!changed_on_disk(&path, &original.source.sha256).expect("read"));
    atomic_write(&path, out.as_bytes()).expect("saved");
    assert!(changed_on_disk(&path, &original.source.sha256).expect("read"));
    let reloaded = crate::stack::load_path(&path).expect("reload");
    assert_eq!(reloaded.handoffs[2].entries[0].agreed, Some(P));
}
