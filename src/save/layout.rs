//! Keeping every untouched line byte for byte. toml_edit writes `\n` line ends and drops a
//! byte-order mark, so after the surgery the edited lines are carried over into the original
//! text, with its line ends, byte-order mark and final newline (or lack of one).

use std::time::{Duration, Instant};

use similar::algorithms::{DiffHook, myers};

/// The most changed lines [`merge_lines`] tracks; beyond it the output is restyled as a whole.
const MAX_CHANGED_LINES: usize = 2000;

/// The longest the line diff may search for a shortest script before it settles for a longer
/// one (which [`MAX_CHANGED_LINES`] then usually refuses).
const DIFF_TIME_LIMIT: Duration = Duration::from_millis(500);

/// toml_edit writes `\n` line ends and drops a byte-order mark; when the file had either, or
/// lacked a final newline, carry the edited lines over into the original text instead.
pub(crate) fn keep_layout(original: &str, before: &str, after: &str) -> String {
    if before == original {
        return after.to_owned();
    }
    merge_lines(original, before, after).unwrap_or_else(|| restyle(original, after))
}

fn merge_lines(original: &str, before: &str, after: &str) -> Option<String> {
    let orig: Vec<&str> = original.split_inclusive('\n').collect();
    let bef: Vec<&str> = before.split_inclusive('\n').collect();
    if orig.len() != bef.len() {
        return None;
    }
    for (i, (o, b)) in orig.iter().zip(&bef).enumerate() {
        let o = if i == 0 {
            o.trim_start_matches('\u{feff}')
        } else {
            o
        };
        let lf = o
            .strip_suffix("\r\n")
            .map_or_else(|| o.to_string(), |body| format!("{body}\n"));
        let unterminated = !o.ends_with('\n') && b.strip_suffix('\n') == Some(o);
        if *b != o && *b != lf && !unterminated {
            return None;
        }
    }
    let aft: Vec<&str> = after.split_inclusive('\n').collect();
    let ops = diff_lines(&bef, &aft, MAX_CHANGED_LINES)?;
    let eol_of = |l: &str| {
        if l.ends_with("\r\n") {
            Some("\r\n")
        } else if l.ends_with('\n') {
            Some("\n")
        } else {
            None
        }
    };
    let mut eol = orig.first().and_then(|l| eol_of(l)).unwrap_or("\n");
    let mut out = String::with_capacity(after.len() + after.len() / 16);
    for op in ops {
        if !out.is_empty() && !out.ends_with('\n') && !matches!(op, Op::Delete(_)) {
            out.push_str(eol);
        }
        match op {
            Op::Equal(i, _) => {
                out.push_str(orig[i]);
                eol = eol_of(orig[i]).unwrap_or(eol);
            }
            Op::Delete(i) => eol = eol_of(orig[i]).unwrap_or(eol),
            Op::Insert(j) => match aft[j].strip_suffix('\n') {
                Some(body) => {
                    out.push_str(body);
                    out.push_str(eol);
                }
                None => out.push_str(aft[j]),
            },
        }
    }
    if original.starts_with('\u{feff}') && !out.starts_with('\u{feff}') {
        out.insert(0, '\u{feff}');
    }
    Some(without_final_newline_if(original, out))
}

/// The whole output in the original's line-end style, byte-order mark and final newline.
fn restyle(original: &str, after: &str) -> String {
    let crlf = original
        .split_inclusive('\n')
        .next()
        .is_some_and(|l| l.ends_with("\r\n"));
    let mut out = String::with_capacity(after.len() + after.len() / 16);
    if original.starts_with('\u{feff}') {
        out.push('\u{feff}');
    }
    if crlf {
        let mut prev = '\0';
        for c in after.chars() {
            if c == '\n' && prev != '\r' {
                out.push('\r');
            }
            out.push(c);
            prev = c;
        }
    } else {
        out.push_str(after);
    }
    without_final_newline_if(original, out)
}

/// A file that did not end with a newline does not gain one.
fn without_final_newline_if(original: &str, mut out: String) -> String {
    if !original.is_empty() && !original.ends_with('\n') {
        if out.ends_with("\r\n") {
            out.truncate(out.len() - 2);
        } else if out.ends_with('\n') {
            out.truncate(out.len() - 1);
        }
    }
    out
}

/// One step of a line edit script.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    /// Line `a[i]` equals `b[j]`.
    Equal(usize, usize),
    /// Line `a[i]` is gone.
    Delete(usize),
    /// Line `b[j]` is new.
    Insert(usize),
}

/// A shortest line edit script from `a` to `b` (similar's Myers, after trimming the common
/// ends); `None` when more than `max_d` lines differ. See the module doc for the bound on work.
pub(super) fn diff_lines(a: &[&str], b: &[&str], max_d: usize) -> Option<Vec<Op>> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (old, new) = (head..a.len() - tail, head..b.len() - tail);
    if old.len() + new.len() > max_d
        && changed_lines_at_least(&a[old.clone()], &b[new.clone()]) > max_d
    {
        return None;
    }
    let mut script = Script {
        ops: (0..head).map(|i| Op::Equal(i, i)).collect(),
        inserts: Vec::new(),
        changed: 0,
        max_changed: max_d,
    };
    script.ops.reserve(a.len().max(b.len()) - head);
    let deadline = Instant::now().checked_add(DIFF_TIME_LIMIT);
    myers::diff_deadline(&mut script, a, old, b, new, deadline).ok()?;
    let mut ops = script.ops;
    ops.extend((0..tail).map(|k| Op::Equal(a.len() - tail + k, b.len() - tail + k)));
    Some(ops)
}

/// A lower bound on the lines an edit script from `a` to `b` deletes or inserts: a line one side
/// holds more often than the other is deleted or inserted that many times over. Lines are
/// counted by a fingerprint (length, first and last eight bytes) in a fixed table, a few steps
/// per line whatever its length; lines sharing a slot can only make the bound lower, never
/// wrong.
fn changed_lines_at_least(a: &[&str], b: &[&str]) -> usize {
    const SLOT_BITS: u32 = 16;
    let word = |part: &[u8]| {
        let mut w = [0u8; 8];
        w[..part.len()].copy_from_slice(part);
        u64::from_le_bytes(w)
    };
    let slot = |line: &str| {
        let bytes = line.as_bytes();
        let first = word(&bytes[..bytes.len().min(8)]);
        let last = word(&bytes[bytes.len().saturating_sub(8)..]);
        let print =
            (first ^ last.rotate_left(29) ^ bytes.len() as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        (print >> (64 - SLOT_BITS)) as usize
    };
    let mut surplus = vec![0i32; 1 << SLOT_BITS];
    for line in a {
        surplus[slot(line)] += 1;
    }
    for line in b {
        surplus[slot(line)] -= 1;
    }
    surplus.iter().map(|n| n.unsigned_abs() as usize).sum()
}

/// Collects similar's edit script line by line, and stops it once more than `max_changed`
/// lines were deleted or inserted. Within a run of changed lines the deleted ones come first,
/// so a line written in place of another takes that line's end in [`merge_lines`].
struct Script {
    ops: Vec<Op>,
    /// The inserted lines of the current run, held back until its deleted lines are in.
    inserts: Vec<Op>,
    changed: usize,
    max_changed: usize,
}

/// More lines differ than the script may hold.
struct TooManyChanges;

impl Script {
    fn count(&mut self, lines: usize) -> Result<(), TooManyChanges> {
        self.changed += lines;
        if self.changed > self.max_changed {
            return Err(TooManyChanges);
        }
        Ok(())
    }
}

impl DiffHook for Script {
    type Error = TooManyChanges;

    fn equal(&mut self, old: usize, new: usize, len: usize) -> Result<(), TooManyChanges> {
        self.ops.append(&mut self.inserts);
        self.ops
            .extend((0..len).map(|k| Op::Equal(old + k, new + k)));
        Ok(())
    }

    fn delete(&mut self, old: usize, len: usize, _new: usize) -> Result<(), TooManyChanges> {
        self.count(len)?;
        self.ops.extend((old..old + len).map(Op::Delete));
        Ok(())
    }

    fn insert(&mut self, _old: usize, new: usize, len: usize) -> Result<(), TooManyChanges> {
        self.count(len)?;
        self.inserts.extend((new..new + len).map(Op::Insert));
        Ok(())
    }

    fn finish(&mut self) -> Result<(), TooManyChanges> {
        self.ops.append(&mut self.inserts);
        Ok(())
    }
}
