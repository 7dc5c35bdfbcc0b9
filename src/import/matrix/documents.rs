//! The `Evidence documents` cell of stackgap's own matrix read back: each line declares one
//! document an entry cites, as `report::matrix::documents_cell` writes it (a TOML key and an
//! inline table of the `[[evidence]]` fields), so a stack printed from the matrix alone can
//! declare every document its entries cite.
//!
//! Decisions: the cell is read as one TOML document (a reviewer may reflow it, add a field or
//! drop one); a field that cannot be read is a warning and left out, an unknown field too; a
//! cell that is not TOML is one warning and declares nothing. `level` must be one of the four
//! level names; dates are local dates (`2027-03-31`).

use toml::{Table, Value};

use crate::date::Date;
use crate::import::ImportDocument;
use crate::stack::Evidence;

/// The documents a cell declares, and what could not be read in it (one message each).
pub fn parse(cell: &str) -> (Vec<ImportDocument>, Vec<String>) {
    let mut problems = Vec::new();
    if cell.trim().is_empty() {
        return (Vec::new(), problems);
    }
    let table = match cell.parse::<Table>() {
        Ok(table) => table,
        Err(e) => {
            let message = e.message().trim_end_matches('\n').replace('\n', " ");
            problems.push(format!(
                "not read: {message}; expected one `ID = {{ level = \"attested\", … }}` a line"
            ));
            return (Vec::new(), problems);
        }
    };
    let mut documents = Vec::new();
    for (id, value) in table {
        if let Some(problem) = crate::text::id_problem(&id) {
            problems.push(format!("document {id:?}: {problem}; left out"));
            continue;
        }
        let Value::Table(fields) = value else {
            problems.push(format!(
                "document {id:?}: expected `{{ level = …, … }}`, found a {}; left out",
                value.type_str()
            ));
            continue;
        };
        let mut doc = ImportDocument::bare(&id);
        for (key, value) in fields {
            if let Err(expected) = set_field(&mut doc, &key, value) {
                problems.push(format!("document {id:?}: `{key}` {expected}; left out"));
            }
        }
        documents.push(doc);
    }
    (documents, problems)
}

/// Sets one field from its TOML value; what was expected when the value does not fit.
fn set_field(doc: &mut ImportDocument, key: &str, value: Value) -> Result<(), String> {
    let text = |value: Value| match value {
        Value::String(s) => Ok(s),
        other => Err(format!("should be a string, not a {}", other.type_str())),
    };
    match key {
        "level" => {
            let word = text(value)?;
            doc.level = Some(Evidence::parse(&word).ok_or_else(|| {
                format!("{word:?} is not a level (none, contract, attested, verified)")
            })?);
        }
        "title" => doc.title = Some(text(value)?),
        "issuer" => doc.issuer = Some(text(value)?),
        "party" => doc.party = Some(text(value)?),
        "ref" => doc.reference = Some(text(value)?),
        "issued" => doc.issued = Some(date(value)?),
        "expires" => doc.expires = Some(date(value)?),
        "covers" => {
            let Value::Array(items) = value else {
                return Err("should be a list of control ids".into());
            };
            let ids = items
                .into_iter()
                .map(|item| text(item).map(|s| s.trim().to_string()))
                .collect::<Result<Vec<_>, _>>()?;
            if ids.is_empty() || ids.iter().any(|id| crate::text::id_problem(id).is_some()) {
                return Err("should list valid control ids".into());
            }
            doc.covers = Some(ids);
        }
        _ => return Err("is not a field of [[evidence]]".into()),
    }
    Ok(())
}

/// A TOML local date (`2027-03-31`), or the same as a string.
fn date(value: Value) -> Result<Date, String> {
    let parsed = match &value {
        Value::Datetime(dt) if dt.time.is_none() && dt.offset.is_none() => dt
            .date
            .and_then(|d| Date::new(i32::from(d.year), d.month, d.day)),
        Value::String(s) => Date::parse(s.trim()),
        _ => None,
    };
    parsed.ok_or_else(|| "should be a date YYYY-MM-DD".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cell_declares_each_document_with_every_field() {
        let cell = "soc2 = { level = \"attested\", title = \"SOC 2, \\\"Type II\\\"\", issuer = \"Audit\\u202ELLP\", party = \"saas\", issued = 2025-04-01, expires = 2026-03-31, covers = [\"BK\", \"A&B-01\"], ref = \"vault://x\" }\n\"iso.27001\" = { level = \"verified\" }";
        let (mut docs, problems) = parse(cell);
        assert!(problems.is_empty(), "{problems:?}");
        docs.sort_by(|a, b| b.id.cmp(&a.id));
        let soc2 = ImportDocument {
            level: Some(Evidence::Attested),
            title: Some("SOC 2, \"Type II\"".into()),
            issuer: Some("Audit\u{202E}LLP".into()),
            party: Some("saas".into()),
            issued: Date::new(2025, 4, 1),
            expires: Date::new(2026, 3, 31),
            covers: Some(vec!["BK".into(), "A&B-01".into()]),
            reference: Some("vault://x".into()),
            ..ImportDocument::bare("soc2")
        };
        let iso = ImportDocument {
            level: Some(Evidence::Verified),
            ..ImportDocument::bare("iso.27001")
        };
        assert_eq!(docs, [soc2, iso]);
    }

    #[test]
    fn what_cannot_be_read_is_left_out_with_a_reason() {
        // Fields come in key order.
        let (docs, problems) = parse(
            "a = { level = \"gold\", expires = \"31/03/2027\", colour = \"red\" }\nb = \"attested\"",
        );
        assert_eq!(docs, [ImportDocument::bare("a")]);
        assert_eq!(
            problems,
            [
                "document \"a\": `colour` is not a field of [[evidence]]; left out",
                "document \"a\": `expires` should be a date YYYY-MM-DD; left out",
                "document \"a\": `level` \"gold\" is not a level (none, contract, attested, verified); left out",
                "document \"b\": expected `{ level = …, … }`, found a string; left out",
            ]
        );
        let (docs, problems) = parse("soc2: attested");
        assert!(docs.is_empty());
        assert_eq!(problems.len(), 1);
        assert!(problems[0].starts_with("not read: "), "{problems:?}");
    }
}
