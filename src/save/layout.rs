//! Keeping every untouched line byte for byte. toml_edit writes `\n` line ends and drops a
//! byte-order mark, so after the surgery the edited lines are carried over into the original
//! text, with its line ends, byte-order mark and final newline (or lack of one).

/// The most changed lines [`merge_lines`] tracks; beyond it the output is restyled as a whole.
const MAX_CHANGED_LINES: usize = 2000;

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

/// A shortest line edit script from `a` to `b` (Myers' O((N+M)·D) algorithm, after trimming
/// the common ends); `None` when more than `max_d` lines differ.
pub(super) fn diff_lines(a: &[&str], b: &[&str], max_d: usize) -> Option<Vec<Op>> {
    let head = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let tail = a[head..]
        .iter()
        .rev()
        .zip(b[head..].iter().rev())
        .take_while(|(x, y)| x == y)
        .count();
    let (ma, mb) = (&a[head..a.len() - tail], &b[head..b.len() - tail]);
    let mut ops: Vec<Op> = (0..head).map(|i| Op::Equal(i, i)).collect();
    ops.extend(myers(ma, mb, max_d)?.into_iter().map(|op| match op {
        Op::Equal(i, j) => Op::Equal(i + head, j + head),
        Op::Delete(i) => Op::Delete(i + head),
        Op::Insert(j) => Op::Insert(j + head),
    }));
    ops.extend((0..tail).map(|k| Op::Equal(a.len() - tail + k, b.len() - tail + k)));
    Some(ops)
}

fn myers(a: &[&str], b: &[&str], max_d: usize) -> Option<Vec<Op>> {
    let (n, m) = (a.len() as isize, b.len() as isize);
    let max = n + m;
    let offset = max + 1;
    let mut v = vec![0isize; 2 * max as usize + 3];
    // trace[d] holds v[k] for k in -d..=d as it was before step d.
    let mut trace: Vec<Vec<isize>> = Vec::new();
    let mut found = None;
    'search: for d in 0..=max {
        if d as usize > max_d {
            return None;
        }
        trace.push(v[(offset - d) as usize..=(offset + d) as usize].to_vec());
        let mut k = -d;
        while k <= d {
            let at = |k: isize| (offset + k) as usize;
            let mut x = if k == -d || (k != d && v[at(k - 1)] < v[at(k + 1)]) {
                v[at(k + 1)]
            } else {
                v[at(k - 1)] + 1
            };
            let mut y = x - k;
            while x < n && y < m && a[x as usize] == b[y as usize] {
                x += 1;
                y += 1;
            }
            v[at(k)] = x;
            if x >= n && y >= m {
                found = Some(d);
                break 'search;
            }
            k += 2;
        }
    }
    let found = found?;
    let mut ops = Vec::new();
    let (mut x, mut y) = (n, m);
    for d in (0..=found).rev() {
        if d == 0 {
            while x > 0 && y > 0 {
                ops.push(Op::Equal((x - 1) as usize, (y - 1) as usize));
                x -= 1;
                y -= 1;
            }
            break;
        }
        let snap = &trace[d as usize];
        let get = |k: isize| snap[(k + d) as usize];
        let k = x - y;
        let prev_k = if k == -d || (k != d && get(k - 1) < get(k + 1)) {
            k + 1
        } else {
            k - 1
        };
        let prev_x = get(prev_k);
        let prev_y = prev_x - prev_k;
        while x > prev_x && y > prev_y {
            ops.push(Op::Equal((x - 1) as usize, (y - 1) as usize));
            x -= 1;
            y -= 1;
        }
        if x == prev_x {
            ops.push(Op::Insert((y - 1) as usize));
        } else {
            ops.push(Op::Delete((x - 1) as usize));
        }
        x = prev_x;
        y = prev_y;
    }
    ops.reverse();
    Some(ops)
}
