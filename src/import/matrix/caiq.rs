//! A CAIQ v4 sheet, or any sheet with an id and an ownership column, turned into an [`Import`]:
//! rows grouped by control, each control's rows added up by the rules of SPEC §8.1, outsourced
//! controls delegated to the provider's third parties.

use std::collections::HashMap;

use super::cells::Grid;
use super::header::{self, MatrixColumns};
use super::rules::{self, Answer, RowOwner, Tally, one_line};
use super::{MatrixOptions, Source};
use crate::import::{Field, Import, ImportControl, ImportEntry, ImportHandoff, Problem};

/// One control's rows, as they are read.
#[derive(Debug, Default)]
struct ControlRows {
    id: String,
    tally: Tally,
    /// (row number, question id when the row has one), in row order.
    rows: Vec<(u32, Option<String>)>,
    title: Option<String>,
    question: Option<String>,
}

/// Reads the data rows below the header into an import; warnings are added to `warnings`.
pub fn read(
    source: &Source,
    columns: &MatrixColumns,
    options: &MatrixOptions,
    warnings: &mut Vec<Problem>,
) -> Result<Import, Problem> {
    let grid = source.grid;
    if columns.answer.is_none() {
        let message = format!(
            "no answer column {:?}: every answer counts as \"No\", so the provider is recorded \
             as implementing nothing (name the column with --answer-col)",
            answer_name(options)
        );
        warnings.push(source.warning(grid.at(source.header_row()), message));
    }
    let mut controls: Vec<ControlRows> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut any_id = false;
    for (number, cells) in source.data_rows() {
        let Some((id, question_id)) = row_control(cells, columns) else {
            continue;
        };
        any_id = true;
        let at = grid.at(*number);
        if let Some(problem) = crate::text::id_problem(&id) {
            let column = id_columns(columns, options);
            let message = format!("{column}: control id {id:?}: {problem}; the row is skipped");
            warnings.push(source.warning(at, message));
            continue;
        }
        let (owner, answer) = owner_and_answer(cells, columns, options, |message| {
            warnings.push(source.warning(at.clone(), message));
        });
        let slot = *index.entry(id.clone()).or_insert_with(|| {
            controls.push(ControlRows {
                id,
                ..ControlRows::default()
            });
            controls.len() - 1
        });
        let control = &mut controls[slot];
        control.tally.add(owner, answer);
        control.rows.push((*number, question_id));
        let text = |column: Option<usize>| {
            column
                .map(|c| one_line(Grid::cell(cells, c)))
                .filter(|t| !t.is_empty())
        };
        control.title = control.title.take().or_else(|| text(columns.title));
        control.question = control.question.take().or_else(|| text(columns.question));
    }
    if !any_id {
        return Err(source.no_data_row());
    }
    let caiq = columns.question_id.is_some();
    Ok(build(source, caiq, &controls, options))
}

/// A row's ownership and answer; an unknown value is reported through `warn` (with its column)
/// and counts as empty / `No`.
fn owner_and_answer(
    cells: &[String],
    columns: &MatrixColumns,
    options: &MatrixOptions,
    mut warn: impl FnMut(String),
) -> (RowOwner, Answer) {
    let owner_cell = Grid::cell(cells, columns.owner);
    let owner =
        rules::ownership(owner_cell, options.owner_map.as_ref()).unwrap_or_else(|message| {
            warn(format!("column {:?}: {message}", owner_name(options)));
            RowOwner::None
        });
    let answer = match columns.answer {
        Some(column) => rules::answer(Grid::cell(cells, column)).unwrap_or_else(|message| {
            warn(format!("column {:?}: {message}", answer_name(options)));
            Answer::No
        }),
        None => Answer::No,
    };
    (owner, answer)
}

/// The control of a row and its question id, or `None` for a row without an id.
fn row_control(cells: &[String], columns: &MatrixColumns) -> Option<(String, Option<String>)> {
    let cleaned = |column: Option<usize>| {
        column
            .map(|c| rules::clean_id(Grid::cell(cells, c)))
            .filter(|id| !id.is_empty())
    };
    if columns.id.is_some() {
        return cleaned(columns.id).map(|id| (id, None));
    }
    let question_id = cleaned(columns.question_id);
    let control = cleaned(columns.ccm_id).or_else(|| {
        question_id
            .as_deref()
            .map(|q| rules::question_control(q).to_string())
    })?;
    Some((control, question_id))
}

/// The import of the controls read: C → P entries, P's `implements`, and the hand-off to P's
/// third parties for outsourced controls.
fn build(source: &Source, caiq: bool, controls: &[ControlRows], options: &MatrixOptions) -> Import {
    let mut import = source.import(options);
    let mut entries = Vec::new();
    let mut outsourced = Vec::new();
    let mut provider_implements = Vec::new();
    let mut third_implements = Vec::new();
    for control in controls.iter().filter(|c| c.tally.kept()) {
        let id = control.id.clone();
        import.controls.push(ImportControl {
            id: id.clone(),
            name: control
                .title
                .clone()
                .or_else(|| control.question.clone())
                .unwrap_or_else(|| id.clone()),
            family: rules::family(&id),
        });
        let reference = reference(caiq, source.base, &control.rows);
        entries.push(ImportEntry {
            control: id.clone(),
            agreed: control.tally.owner().map_or(Field::Unset, Field::Set),
            assumed: options.assumed.map_or(Field::Keep, Field::Set),
            evidence: options
                .evidence
                .clone()
                .map_or(Field::Keep, |e| Field::Set(vec![e])),
            expires: Field::Keep,
            reference: reference.clone(),
        });
        provider_implements.push((id.clone(), control.tally.provider_implements()));
        if control.tally.outsourced() {
            outsourced.push(ImportEntry {
                control: id.clone(),
                agreed: Field::Set(crate::stack::Owner::Provider),
                assumed: Field::Keep,
                evidence: Field::Set(vec!["none".to_string()]),
                expires: Field::Keep,
                reference,
            });
            third_implements.push((id, control.tally.all_yes()));
        }
    }
    if import.controls.is_empty() && !controls.is_empty() {
        import.warnings.push(Problem {
            file: source.file.to_string(),
            at: String::new(),
            message: "every control is answered NA: nothing is imported".to_string(),
        });
    }
    import.handoffs[0].entries = entries;
    import.parties[1].implements = provider_implements;
    if !outsourced.is_empty() {
        let (party, handoff) = super::third_parties(&options.provider);
        import.parties.push(crate::import::ImportParty {
            implements: third_implements,
            ..party
        });
        import.handoffs.push(ImportHandoff {
            entries: outsourced,
            ..handoff
        });
    }
    import
}

/// The `ref` of an entry: `CAIQ` and the question ids on a CAIQ sheet, else the file's name and
/// the rows (a CAIQ row without a question id is named by its row).
fn reference(caiq: bool, base: &str, rows: &[(u32, Option<String>)]) -> String {
    if caiq {
        let mut items: Vec<String> = Vec::new();
        for (number, question) in rows {
            let item = question.clone().unwrap_or_else(|| format!("row {number}"));
            if !items.contains(&item) {
                items.push(item);
            }
        }
        return format!("CAIQ {}", items.join(", "));
    }
    let numbers: Vec<String> = rows.iter().map(|(n, _)| n.to_string()).collect();
    let rows_word = if numbers.len() == 1 { "row" } else { "rows" };
    format!("{base} {rows_word} {}", numbers.join(", "))
}

fn owner_name(options: &MatrixOptions) -> String {
    options
        .owner_col
        .clone()
        .unwrap_or_else(|| header::OWNERSHIP.to_string())
}

fn answer_name(options: &MatrixOptions) -> String {
    options
        .answer_col
        .clone()
        .unwrap_or_else(|| header::ANSWER.to_string())
}

fn id_columns(columns: &MatrixColumns, options: &MatrixOptions) -> String {
    match (&options.id_col, columns.ccm_id) {
        (Some(id), _) => format!("column {id:?}"),
        (None, Some(_)) => format!("column {:?} or {:?}", header::CCM_ID, header::QUESTION_ID),
        (None, None) => format!("column {:?}", header::QUESTION_ID),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn references_name_the_questions_or_the_rows() {
        let q = |n: u32, id: &str| (n, Some(id.to_string()));
        let cases = [
            (
                true,
                vec![q(5, "A&A-01.1"), q(6, "A&A-01.2")],
                "CAIQ A&A-01.1, A&A-01.2",
            ),
            (
                true,
                vec![q(5, "A&A-01.1"), q(9, "A&A-01.1")],
                "CAIQ A&A-01.1",
            ),
            (
                true,
                vec![q(5, "A&A-01.1"), (7, None)],
                "CAIQ A&A-01.1, row 7",
            ),
            (false, vec![(3, None)], "crm.csv row 3"),
            (false, vec![(3, None), (8, None)], "crm.csv rows 3, 8"),
        ];
        for (caiq, rows, want) in cases {
            assert_eq!(reference(caiq, "crm.csv", &rows), want);
        }
    }

    #[test]
    fn a_rows_control_follows_the_id_rules() {
        let caiq = MatrixColumns {
            id: None,
            ccm_id: Some(1),
            question_id: Some(0),
            question: None,
            title: None,
            owner: 2,
            answer: None,
        };
        let given = MatrixColumns {
            id: Some(1),
            ccm_id: None,
            question_id: None,
            ..caiq
        };
        let row = |cells: &[&str]| cells.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let some = |c: &str, q: Option<&str>| Some((c.to_string(), q.map(str::to_string)));
        let cases = [
            (
                &caiq,
                row(&["A&A-01.1", "A&A-01"]),
                some("A&A-01", Some("A&A-01.1")),
            ),
            (
                &caiq,
                row(&["A&A-01.2", ""]),
                some("A&A-01", Some("A&A-01.2")),
            ),
            (
                &caiq,
                row(&[" BCR-08.1 ", " "]),
                some("BCR-08", Some("BCR-08.1")),
            ),
            (&caiq, row(&["", "DSP-17"]), some("DSP-17", None)),
            (&caiq, row(&["", ""]), None),
            (&caiq, row(&[]), None),
            (
                &given,
                row(&["A&A-01.1", "AC-2 (1)"]),
                some("AC-2(1)", None),
            ),
            (&given, row(&["A&A-01.1", ""]), None),
        ];
        for (columns, cells, want) in cases {
            assert_eq!(row_control(&cells, columns), want, "{cells:?}");
        }
    }
}
