//! Finding the header row of a responsibility matrix and the columns it names — a CAIQ v4 sheet,
//! a sheet whose columns the options name, or stackgap's own export — and, when there is none,
//! the fatal problem that tells the reviewer what was looked for and what was there.

use std::collections::HashSet;

use super::cells::Grid;
use super::rules::{normalise, one_line, quoted_list};
use crate::import::Problem;

/// CAIQ v4 `Question ID`: the question, whose id names its control.
pub const QUESTION_ID: &str = "Question ID";
/// CAIQ v4 `Question`: the question's text.
pub const QUESTION: &str = "Question";
/// CAIQ v4 `CSP CAIQ Answer`: `Yes`, `No` or `NA`.
pub const ANSWER: &str = "CSP CAIQ Answer";
/// CAIQ v4 `SSRM Control Ownership`.
pub const OWNERSHIP: &str = "SSRM Control Ownership";
/// CAIQ v4 `CCM Control ID`.
pub const CCM_ID: &str = "CCM Control ID";
/// CAIQ v4 `CCM Control Title`.
pub const CCM_TITLE: &str = "CCM Control Title";

/// The header rule: the first row among the first 20 of a sheet.
pub const HEADER_ROWS: u32 = 20;

/// The columns of stackgap's own export (`stackgap export --format csv|xlsx`) that are read back.
pub mod exported {
    /// The consumer of the hand-off.
    pub const CONSUMER: &str = "Consumer";
    /// The provider of the hand-off.
    pub const PROVIDER: &str = "Provider";
    /// The hand-off's service, empty for none.
    pub const SERVICE: &str = "Service";
    /// The control id.
    pub const CONTROL: &str = "Control";
    /// The control's name.
    pub const CONTROL_NAME: &str = "Control name";
    /// The control's family.
    pub const FAMILY: &str = "Family";
    /// `agreed`.
    pub const AGREED: &str = "Agreed";
    /// `assumed`.
    pub const ASSUMED: &str = "Assumed";
    /// `evidence`, items joined by `", "`.
    pub const EVIDENCE: &str = "Evidence";
    /// `expires`, `YYYY-MM-DD`.
    pub const EXPIRES: &str = "Expires";
    /// `ref`.
    pub const REF: &str = "Ref";
    /// `Yes` / `No`: the provider implements the control.
    pub const PROVIDER_IMPLEMENTS: &str = "Provider implements";
    /// `Yes` / `No`: the consumer implements the control.
    pub const CONSUMER_IMPLEMENTS: &str = "Consumer implements";
    /// The documents the entry cites, one `ID = { level = …, … }` line each.
    pub const DOCUMENTS: &str = "Evidence documents";
    /// The columns whose presence makes a header row the export's.
    pub const REQUIRED: [&str; 4] = [CONSUMER, PROVIDER, CONTROL, AGREED];
}

/// The column names looked for, from the options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Names {
    /// `--id-col`: wins over both CAIQ id columns.
    pub id: Option<String>,
    /// `--owner-col`, else `SSRM Control Ownership`.
    pub owner: String,
    /// `--answer-col`, else `CSP CAIQ Answer`.
    pub answer: String,
    /// Whether stackgap's export layout is recognised too (no column option was given).
    pub exported: bool,
}

/// Where the columns of a CAIQ sheet (or of a sheet the options name) are.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MatrixColumns {
    /// `--id-col`.
    pub id: Option<usize>,
    /// `CCM Control ID` (unless `--id-col`).
    pub ccm_id: Option<usize>,
    /// `Question ID` (unless `--id-col`).
    pub question_id: Option<usize>,
    /// `Question`.
    pub question: Option<usize>,
    /// `CCM Control Title`.
    pub title: Option<usize>,
    /// The ownership column.
    pub owner: usize,
    /// The answer column, if there is one.
    pub answer: Option<usize>,
}

/// Where the columns of stackgap's export are; only the first four are required.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportColumns {
    /// `Consumer`.
    pub consumer: usize,
    /// `Provider`.
    pub provider: usize,
    /// `Control`.
    pub control: usize,
    /// `Agreed`.
    pub agreed: usize,
    /// `Service`.
    pub service: Option<usize>,
    /// `Control name`.
    pub control_name: Option<usize>,
    /// `Family`.
    pub family: Option<usize>,
    /// `Assumed`.
    pub assumed: Option<usize>,
    /// `Evidence`.
    pub evidence: Option<usize>,
    /// `Expires`.
    pub expires: Option<usize>,
    /// `Ref`.
    pub reference: Option<usize>,
    /// `Provider implements`.
    pub provider_implements: Option<usize>,
    /// `Consumer implements`.
    pub consumer_implements: Option<usize>,
    /// `Evidence documents`.
    pub documents: Option<usize>,
}

/// The kind of sheet a header row makes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layout {
    /// A CAIQ sheet, or one whose columns the options name.
    Matrix(MatrixColumns),
    /// stackgap's own export.
    Exported(ExportColumns),
}

/// A header row found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Header {
    /// Its index in [`Grid::rows`]; data rows follow it.
    pub index: usize,
    /// What its columns make the sheet.
    pub layout: Layout,
}

/// The first row among the first 20 that is a header row, if any.
pub fn find(grid: &Grid, names: &Names) -> Option<Header> {
    grid.rows
        .iter()
        .take_while(|(number, _)| *number <= HEADER_ROWS)
        .enumerate()
        .find_map(|(index, (_, cells))| {
            let layout = matrix_columns(cells, names)
                .map(Layout::Matrix)
                .or_else(|| {
                    names
                        .exported
                        .then(|| export_columns(cells))
                        .flatten()
                        .map(Layout::Exported)
                })?;
            Some(Header { index, layout })
        })
}

/// The first cell of a row whose name matches, case-insensitively with whitespace collapsed.
fn column(cells: &[String], name: &str) -> Option<usize> {
    let wanted = normalise(name);
    cells.iter().position(|cell| normalise(cell) == wanted)
}

fn matrix_columns(cells: &[String], names: &Names) -> Option<MatrixColumns> {
    let owner = column(cells, &names.owner)?;
    let (id, ccm_id, question_id) = match &names.id {
        Some(id) => (Some(column(cells, id)?), None, None),
        None => {
            let (ccm_id, question_id) = (column(cells, CCM_ID), column(cells, QUESTION_ID));
            ccm_id.or(question_id)?;
            (None, ccm_id, question_id)
        }
    };
    Some(MatrixColumns {
        id,
        ccm_id,
        question_id,
        question: column(cells, QUESTION),
        title: column(cells, CCM_TITLE),
        owner,
        answer: column(cells, &names.answer),
    })
}

fn export_columns(cells: &[String]) -> Option<ExportColumns> {
    use exported::*;
    let col = |name| column(cells, name);
    Some(ExportColumns {
        consumer: col(CONSUMER)?,
        provider: col(PROVIDER)?,
        control: col(CONTROL)?,
        agreed: col(AGREED)?,
        service: col(SERVICE),
        control_name: col(CONTROL_NAME),
        family: col(FAMILY),
        assumed: col(ASSUMED),
        evidence: col(EVIDENCE),
        expires: col(EXPIRES),
        reference: col(REF),
        provider_implements: col(PROVIDER_IMPLEMENTS),
        consumer_implements: col(CONSUMER_IMPLEMENTS),
        documents: col(DOCUMENTS),
    })
}

/// The most header-like cells a "no header row" problem lists.
const SEEN_SHOWN: usize = 20;

/// The fatal problem of a sheet without a header row: which names were looked for, which
/// header-like cells were there, and a close column name when one looks like a typo.
/// `note` says which sheet this is and why, for a workbook.
pub fn missing(grid: &Grid, names: &Names, file: &str, note: &str) -> Problem {
    let seen = header_like_cells(grid);
    let (id_names, id_flag_given) = match &names.id {
        Some(id) => (vec![id.as_str()], true),
        None => (vec![QUESTION_ID, CCM_ID], false),
    };
    let mut message = format!(
        "no header row with an id column ({}{}) and an ownership column ({:?}{})",
        quoted_list(&id_names, "or"),
        if id_flag_given { ", --id-col" } else { "" },
        names.owner,
        if names.owner == OWNERSHIP {
            ""
        } else {
            ", --owner-col"
        },
    );
    if names.exported {
        message.push_str(&format!(
            ", nor a stackgap export header ({})",
            quoted_list(&exported::REQUIRED, "and")
        ));
    }
    message.push_str(&format!(" in rows 1–{HEADER_ROWS}{note}"));
    if seen.is_empty() {
        message.push_str("; the first rows hold no text");
    } else {
        let shown: Vec<&str> = seen.iter().take(SEEN_SHOWN).map(String::as_str).collect();
        message.push_str(&format!(
            "; header-like cells seen: {}",
            quoted_list(&shown, "and")
        ));
        if seen.len() > SEEN_SHOWN {
            message.push_str(&format!(" and {} more", seen.len() - SEEN_SHOWN));
        }
    }
    message.push_str("; name the columns with --id-col and --owner-col");
    let wanted = id_names
        .iter()
        .map(|name| ("--id-col", *name))
        .chain([("--owner-col", names.owner.as_str())]);
    let hints: Vec<String> = wanted
        .filter_map(|(flag, name)| {
            let close = crate::text::suggest(name, seen.iter().map(String::as_str))?;
            (normalise(close) != normalise(name)).then(|| format!("{flag} {close:?}"))
        })
        .collect();
    if !hints.is_empty() {
        message.push_str(&format!(" (did you mean {}?)", hints.join(", ")));
    }
    Problem {
        file: file.to_string(),
        at: grid.at_sheet(),
        message,
    }
}

/// Text cells of the first rows that could be column names: short, not numbers, each once.
fn header_like_cells(grid: &Grid) -> Vec<String> {
    let mut seen: Vec<String> = Vec::new();
    let mut keys: HashSet<String> = HashSet::new();
    let cells = grid
        .rows
        .iter()
        .take_while(|(number, _)| *number <= HEADER_ROWS)
        .flat_map(|(_, cells)| cells);
    for cell in cells {
        let text = one_line(cell);
        let header_like =
            !text.is_empty() && text.chars().count() <= 60 && text.parse::<f64>().is_err();
        if header_like && keys.insert(normalise(&text)) {
            seen.push(text);
        }
    }
    seen
}

#[cfg(test)]
mod tests {
    use super::*;

    fn grid(rows: &[&[&str]]) -> Grid {
        Grid {
            sheet: Some("Sheet1".to_string()),
            rows: rows
                .iter()
                .zip(1..)
                .map(|(cells, n)| (n, cells.iter().map(|c| c.to_string()).collect()))
                .collect(),
        }
    }

    fn caiq_names() -> Names {
        Names {
            id: None,
            owner: OWNERSHIP.to_string(),
            answer: ANSWER.to_string(),
            exported: true,
        }
    }

    #[test]
    fn the_header_is_the_first_row_with_an_id_and_an_ownership_column() {
        let g = grid(&[
            &["CAIQ v4.0.3 Consensus Assessments Initiative Questionnaire"],
            &["Question ID", "Question"],
            &[
                "  question   id ",
                "QUESTION",
                "csp caiq answer",
                "SSRM\nControl Ownership",
            ],
            &["Question ID", "SSRM Control Ownership"],
        ]);
        let header = find(&g, &caiq_names()).expect("a header");
        assert_eq!(header.index, 2);
        let Layout::Matrix(columns) = header.layout else {
            panic!("a CAIQ header, not {:?}", header.layout)
        };
        assert_eq!(columns.question_id, Some(0));
        assert_eq!(columns.question, Some(1));
        assert_eq!(columns.answer, Some(2));
        assert_eq!(columns.owner, 3);
        assert_eq!(columns.ccm_id, None);
    }

    #[test]
    fn id_col_wins_over_both_caiq_id_columns() {
        let g = grid(&[&[
            "Question ID",
            "CCM Control ID",
            "Ref",
            "SSRM Control Ownership",
        ]]);
        let names = Names {
            id: Some("ref".to_string()),
            ..caiq_names()
        };
        let Some(Header {
            layout: Layout::Matrix(columns),
            ..
        }) = find(&g, &names)
        else {
            panic!("a header")
        };
        assert_eq!(
            (columns.id, columns.ccm_id, columns.question_id),
            (Some(2), None, None)
        );
    }

    #[test]
    fn rows_past_the_twentieth_are_never_a_header() {
        let mut rows: Vec<&[&str]> = vec![&["title"]; 20];
        rows.push(&["Question ID", "SSRM Control Ownership"]);
        assert_eq!(find(&grid(&rows), &caiq_names()), None);
        rows.remove(0);
        assert_eq!(find(&grid(&rows), &caiq_names()).map(|h| h.index), Some(19));
    }

    #[test]
    fn the_export_header_is_recognised_only_without_column_options() {
        let g = grid(&[&[
            "Consumer", "Provider", "Service", "Control", "Agreed", "Ref",
        ]]);
        let header = find(&g, &caiq_names()).expect("the export header");
        let Layout::Exported(columns) = header.layout else {
            panic!("an export header")
        };
        assert_eq!(
            (columns.control, columns.agreed, columns.reference),
            (3, 4, Some(5))
        );
        let names = Names {
            exported: false,
            ..caiq_names()
        };
        assert_eq!(find(&g, &names), None);
    }

    #[test]
    fn a_missing_header_says_what_was_looked_for_and_seen() {
        let g = grid(&[
            &["FedRAMP CRM"],
            &["Control ID", "Control Name", "Responsibilty", "12"],
        ]);
        let names = Names {
            id: Some("Control ID".to_string()),
            owner: "Responsibility".to_string(),
            answer: ANSWER.to_string(),
            exported: false,
        };
        let problem = missing(&g, &names, "crm.xlsx", "");
        assert_eq!(problem.file, "crm.xlsx");
        assert_eq!(problem.at, "sheet \"Sheet1\"");
        for part in [
            "\"Control ID\", --id-col",
            "\"Responsibility\", --owner-col",
            "cells seen: \"FedRAMP CRM\", \"Control ID\", \"Control Name\" and \"Responsibilty\"",
            "did you mean --owner-col \"Responsibilty\"?",
        ] {
            assert!(
                problem.message.contains(part),
                "{part:?} in {}",
                problem.message
            );
        }
        assert!(!problem.message.contains("export"), "{}", problem.message);
        let problem = missing(&grid(&[]), &caiq_names(), "x.csv", "");
        assert!(
            problem
                .message
                .contains("\"Question ID\" or \"CCM Control ID\"")
        );
        assert!(problem.message.contains("the first rows hold no text"));
        assert!(
            problem
                .message
                .contains("\"Consumer\", \"Provider\", \"Control\" and \"Agreed\"")
        );
    }
}
