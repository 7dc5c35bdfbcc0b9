//! `catalog = "oscal:PATH"`: the controls of a NIST OSCAL catalog (JSON) beside the stack file,
//! read once while the stack loads.

use std::path::{Path, PathBuf};

use super::{io_message, read_bounded};
use crate::stack::Control;
use crate::text::id_problem;

/// Loads the controls of a NIST OSCAL catalog (JSON): ids, titles, and families from groups.
pub(super) fn controls(path: &str, base_dir: Option<&Path>) -> Result<Vec<Control>, String> {
    let Some(base) = base_dir else {
        return Err("an OSCAL catalog needs a stack read from a file, not standard input".into());
    };
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let base = base
        .canonicalize()
        .map_err(|e| format!("cannot resolve the stack's folder: {e}"))?;
    let wanted: PathBuf = base.join(path);
    let real = wanted
        .canonicalize()
        .map_err(|e| format!("cannot open OSCAL catalog {path:?}: {}", io_message(&e)))?;
    if !real.starts_with(&base) {
        return Err(format!(
            "OSCAL catalog {path:?} is outside the stack's folder; stackgap reads catalogs only from beside the stack"
        ));
    }
    let bytes = read_bounded(&real).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("OSCAL catalog {path:?} is not valid JSON: {e}"))?;
    let catalog = json
        .get("catalog")
        .ok_or_else(|| format!("OSCAL catalog {path:?} has no top-level `catalog` object"))?;
    let mut out: Vec<Control> = Vec::new();
    // (node, family, is_control), walked without recursion: OSCAL nests controls in controls.
    let mut todo: Vec<(&serde_json::Value, Option<String>, bool)> = vec![(catalog, None, false)];
    while let Some((node, family, is_control)) = todo.pop() {
        if is_control && let Some(id) = node.get("id").and_then(|i| i.as_str()) {
            let name = node
                .get("title")
                .and_then(|t| t.as_str())
                .unwrap_or(id)
                .to_string();
            if id_problem(id).is_none() && !out.iter().any(|c| c.id == id) {
                out.push(Control {
                    id: id.into(),
                    name,
                    family: family.clone(),
                    description: None,
                    refs: vec![format!("OSCAL {id}")],
                    builtin: false,
                });
            }
        }
        for control in node
            .get("controls")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
            .rev()
        {
            todo.push((control, family.clone(), true));
        }
        for group in node
            .get("groups")
            .and_then(|g| g.as_array())
            .into_iter()
            .flatten()
            .rev()
        {
            let title = group
                .get("title")
                .and_then(|t| t.as_str())
                .map(str::to_string);
            todo.push((group, title.or_else(|| family.clone()), false));
        }
    }
    if out.is_empty() {
        return Err(format!("OSCAL catalog {path:?} lists no controls"));
    }
    Ok(out)
}

/// The catalog id an unknown OSCAL id most likely meant, only when it is the same control
/// written another way (`AC-2`, `ac-02`, `ac-2(1)` for `ac-2.1`) or one slip away with the same
/// numbers (`ac_2`): `ac-22` or `pe-9` are other controls, never typos of `ac-2` or `pe-2`.
pub(super) fn close_oscal_id<'a>(
    wanted: &str,
    ids: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    /// Lower case, `(1)` as `.1`, and no leading zeros: `AC-02(1)` is `ac-2.1`.
    fn normal(id: &str) -> String {
        let lower = id.to_lowercase().replace('(', ".").replace(')', "");
        let mut out = String::with_capacity(lower.len());
        let mut chars = lower.chars().peekable();
        let mut in_number = false;
        while let Some(c) = chars.next() {
            if c == '0' && !in_number && chars.peek().is_some_and(char::is_ascii_digit) {
                continue;
            }
            in_number = c.is_ascii_digit();
            out.push(c);
        }
        out
    }
    fn numbers(id: &str) -> Vec<&str> {
        id.split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .collect()
    }
    let wanted = normal(wanted);
    let mut best: Option<(usize, &str)> = None;
    for id in ids {
        let candidate = normal(id);
        let d = crate::text::edit_distance(&wanted, &candidate);
        let close = d == 0 || (d == 1 && numbers(&wanted) == numbers(&candidate));
        if close && best.is_none_or(|b| (d, id) < b) {
            best = Some((d, id));
        }
    }
    best.map(|(_, id)| id)
}
