//! `stackgap catalog`: the built-in controls, as text grouped by family or as JSON.

use crate::stack::catalog;

/// The built-in controls, one per three lines grouped by family, with a count at the end.
pub fn text() -> String {
    let mut out = String::new();
    for family in catalog::families() {
        out.push_str(&format!("{family}\n"));
        for c in catalog::BUILTIN.iter().filter(|c| c.family == family) {
            out.push_str(&format!(
                "  {:<17} {}\n  {:<17} {}\n  {:<17} {}\n",
                c.id,
                c.name,
                "",
                c.description,
                "",
                c.refs.join(", ")
            ));
        }
        out.push('\n');
    }
    out.push_str(&format!(
        "{} built-in controls in {} families\n",
        catalog::BUILTIN.len(),
        catalog::families().len()
    ));
    out
}

/// The built-in controls as a JSON array, with each one's template owners.
pub fn json() -> String {
    let list: Vec<serde_json::Value> = catalog::BUILTIN
        .iter()
        .map(|c| {
            serde_json::json!({
                "id": c.id, "name": c.name, "family": c.family, "description": c.description,
                "refs": c.refs,
                "template": { "iaas": c.template[0].as_str(), "paas": c.template[1].as_str(), "saas": c.template[2].as_str() },
            })
        })
        .collect();
    super::json::pretty(&list)
}
