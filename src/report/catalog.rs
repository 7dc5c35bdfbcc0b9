//! `stackgap catalog [FILE]`: the built-in controls, or every control a stack can use (its
//! catalog's — built-in, none or OSCAL — and its own `[[control]]` tables), as text grouped by
//! family or as JSON.

use std::fmt::Write;

use crate::stack::{CatalogSource, Control, Stack, catalog};
use crate::text::escape;

/// The built-in controls, one per three lines grouped by family, with a count at the end.
pub fn text() -> String {
    let controls = builtin();
    let mut out = grouped(&controls);
    let _ = writeln!(
        out,
        "{} built-in controls in {} families",
        catalog::BUILTIN.len(),
        catalog::families().len()
    );
    out
}

/// The built-in controls as a JSON array, with each one's template owners.
pub fn json() -> String {
    super::json::pretty(&builtin().iter().map(entry).collect::<Vec<_>>())
}

/// The controls a stack can use, grouped by family as [`text`] lists the built-in ones, under a
/// line naming the stack and its catalog.
pub fn stack_text(stack: &Stack) -> String {
    let catalog = match &stack.catalog {
        CatalogSource::Builtin => "the built-in catalog".to_string(),
        CatalogSource::None => "no catalog".to_string(),
        CatalogSource::Oscal(path) => format!("the OSCAL catalog {path}"),
    };
    let mut out = format!(
        "Controls of {} ({}): {catalog} and its own [[control]] tables\n\n",
        escape(&stack.name),
        escape(&stack.source.name)
    );
    out.push_str(&grouped(&stack.controls));
    let families = families(&stack.controls);
    let builtin = stack.controls.iter().filter(|c| c.builtin).count();
    let _ = writeln!(
        out,
        "{} control{} in {} famil{}: {builtin} built-in, {} from the stack's catalog file or its [[control]] tables",
        stack.controls.len(),
        if stack.controls.len() == 1 { "" } else { "s" },
        families.len(),
        if families.len() == 1 { "y" } else { "ies" },
        stack.controls.len() - builtin
    );
    out
}

/// The controls a stack can use as a JSON array, as [`json`] lists the built-in ones; a
/// control that is not built in has no template.
pub fn stack_json(stack: &Stack) -> String {
    super::json::pretty(&stack.controls.iter().map(entry).collect::<Vec<_>>())
}

/// The built-in catalog as the controls a stack would hold.
fn builtin() -> Vec<Control> {
    catalog::BUILTIN
        .iter()
        .map(|b| Control {
            id: b.id.into(),
            name: b.name.into(),
            family: Some(b.family.into()),
            description: Some(b.description.into()),
            refs: b.refs.iter().map(|r| r.to_string()).collect(),
            builtin: true,
        })
        .collect()
}

/// One control in JSON: its template when it is built in.
fn entry(c: &Control) -> serde_json::Value {
    let template = catalog::BUILTIN
        .iter()
        .find(|b| c.builtin && b.id == c.id)
        .map(|b| {
            serde_json::json!({ "iaas": b.template[0].as_str(), "paas": b.template[1].as_str(), "saas": b.template[2].as_str() })
        });
    serde_json::json!({
        "id": c.id, "name": c.name, "family": c.family, "description": c.description,
        "refs": c.refs, "template": template, "builtin": c.builtin,
    })
}

/// The families in first-seen order; controls without one come last, as "Other".
fn families(controls: &[Control]) -> Vec<Option<&str>> {
    let mut out: Vec<Option<&str>> = Vec::new();
    for c in controls {
        if c.family.is_some() && !out.contains(&c.family.as_deref()) {
            out.push(c.family.as_deref());
        }
    }
    if controls.iter().any(|c| c.family.is_none()) {
        out.push(None);
    }
    out
}

/// Each family's controls: the id and name, then the description and the references, each on
/// its own line under the name when there is one.
fn grouped(controls: &[Control]) -> String {
    let mut out = String::new();
    for family in families(controls) {
        let _ = writeln!(out, "{}", escape(family.unwrap_or("Other")));
        for c in controls.iter().filter(|c| c.family.as_deref() == family) {
            let _ = writeln!(out, "  {:<17} {}", escape(&c.id), escape(&c.name));
            if let Some(d) = &c.description {
                let _ = writeln!(out, "  {:<17} {}", "", escape(d));
            }
            if !c.refs.is_empty() {
                let _ = writeln!(out, "  {:<17} {}", "", escape(&c.refs.join(", ")));
            }
        }
        out.push('\n');
    }
    out
}
