//! stackgap's own responsibility matrix (`stackgap export --format csv|xlsx`) read back into the
//! entries it was written from, so a matrix sent out for review and returned edited can be
//! imported again.

use std::collections::HashSet;

use super::cells::Grid;
use super::header::{ExportColumns, exported};
use super::rules::{self, normalise, one_line};
use super::{MatrixOptions, Source};
use crate::date::Date;
use crate::import::{Field, Import, ImportControl, ImportEntry, Problem};
use crate::stack::Owner;

/// Reads the rows of the hand-off `options.consumer → options.provider` (and service).
pub fn read(
    source: &Source,
    columns: &ExportColumns,
    options: &MatrixOptions,
    warnings: &mut Vec<Problem>,
) -> Result<Import, Problem> {
    let mut import = source.import(options);
    let mut others: Vec<String> = Vec::new();
    let mut seen: HashSet<String> = HashSet::new();
    let (mut any_row, mut matched) = (false, false);
    for (number, cells) in source.data_rows() {
        let cell = |column: usize| Grid::cell(cells, column).trim();
        let id = rules::clean_id(cell(columns.control));
        if id.is_empty() {
            continue;
        }
        any_row = true;
        let service = columns.service.map(cell).filter(|s| !s.is_empty());
        let pair = (cell(columns.consumer), cell(columns.provider), service);
        if pair
            != (
                &options.consumer,
                &options.provider,
                options.service.as_deref(),
            )
        {
            let name = handoff_name(pair.0, pair.1, pair.2);
            if !others.contains(&name) {
                others.push(name);
            }
            continue;
        }
        matched = true;
        let mut row = Row {
            source,
            cells,
            at: source.grid.at(*number),
            warnings: &mut *warnings,
        };
        if let Some(problem) = crate::text::id_problem(&id) {
            row.warn(
                exported::CONTROL,
                format!("control id {id:?}: {problem}; the row is skipped"),
            );
            continue;
        }
        if !seen.insert(id.clone()) {
            row.warn(
                exported::CONTROL,
                format!("control {id:?} is listed again; this row is skipped"),
            );
            continue;
        }
        import.controls.push(ImportControl {
            id: id.clone(),
            name: Some(row.text(columns.control_name))
                .filter(|n| !n.is_empty())
                .unwrap_or_else(|| id.clone()),
            family: Some(row.text(columns.family)).filter(|f| !f.is_empty()),
        });
        let entry = row.entry(&id, *number, columns, options);
        import.handoffs[0].entries.push(entry);
        for (party, column, name) in [
            (
                1,
                columns.provider_implements,
                exported::PROVIDER_IMPLEMENTS,
            ),
            (
                0,
                columns.consumer_implements,
                exported::CONSUMER_IMPLEMENTS,
            ),
        ] {
            if let Some(implements) = column.and_then(|c| row.yes_no(c, name)) {
                import.parties[party]
                    .implements
                    .push((id.clone(), implements));
            }
        }
    }
    if !any_row {
        return Err(source.no_data_row());
    }
    if !matched {
        return Err(no_such_handoff(source, options, &others));
    }
    Ok(import)
}

/// One data row being read, and where its warnings go.
struct Row<'a, 'w> {
    source: &'a Source<'a>,
    cells: &'a [String],
    at: String,
    warnings: &'w mut Vec<Problem>,
}

impl Row<'_, '_> {
    fn warn(&mut self, column: &str, message: String) {
        let problem = self
            .source
            .warning(self.at.clone(), format!("column {column:?}: {message}"));
        self.warnings.push(problem);
    }

    /// A cell's text on one line; empty when the column is missing.
    fn text(&self, column: Option<usize>) -> String {
        column.map_or_else(String::new, |c| one_line(Grid::cell(self.cells, c)))
    }

    /// The entry a row states; `--assumed` and `--evidence` win over its cells.
    fn entry(
        &mut self,
        id: &str,
        number: u32,
        columns: &ExportColumns,
        options: &MatrixOptions,
    ) -> ImportEntry {
        let agreed = self.owner(Some(columns.agreed), exported::AGREED);
        let assumed = match options.assumed {
            Some(owner) => Field::Set(owner),
            None => self.owner(columns.assumed, exported::ASSUMED),
        };
        let evidence = match &options.evidence {
            Some(evidence) => Field::Set(vec![evidence.clone()]),
            None => self.evidence(columns.evidence),
        };
        let reference = Some(self.text(columns.reference))
            .filter(|r| !r.is_empty())
            .unwrap_or_else(|| format!("{} row {number}", self.source.base));
        ImportEntry {
            control: id.to_string(),
            agreed,
            assumed,
            evidence,
            expires: self.expires(columns.expires),
            reference,
        }
    }

    /// `provider` / `consumer` / `shared`; empty unsets; a missing column or an unknown value
    /// (a warning) keeps what the stack has.
    fn owner(&mut self, column: Option<usize>, name: &str) -> Field<Owner> {
        let Some(column) = column else {
            return Field::Keep;
        };
        let value = normalise(Grid::cell(self.cells, column));
        if value.is_empty() {
            return Field::Unset;
        }
        if let Some(owner) = Owner::parse(&value) {
            return Field::Set(owner);
        }
        let message = format!(
            "unknown owner {:?}, left as it is; expected \"provider\", \"consumer\" or \"shared\"",
            self.text(Some(column))
        );
        self.warn(name, message);
        Field::Keep
    }

    /// The evidence items, split at commas; empty unsets.
    fn evidence(&mut self, column: Option<usize>) -> Field<Vec<String>> {
        let Some(column) = column else {
            return Field::Keep;
        };
        let items: Vec<String> = Grid::cell(self.cells, column)
            .split(',')
            .map(str::trim)
            .filter(|item| !item.is_empty())
            .map(str::to_string)
            .collect();
        if items.is_empty() {
            return Field::Unset;
        }
        if let Some((item, problem)) = items
            .iter()
            .find_map(|item| crate::text::id_problem(item).map(|p| (item, p)))
        {
            let message =
                format!("evidence {item:?}: {problem}; the entry's evidence is left as it is");
            self.warn(exported::EVIDENCE, message);
            return Field::Keep;
        }
        Field::Set(items)
    }

    /// `YYYY-MM-DD`; empty unsets.
    fn expires(&mut self, column: Option<usize>) -> Field<Date> {
        let Some(column) = column else {
            return Field::Keep;
        };
        let text = self.text(Some(column));
        if text.is_empty() {
            return Field::Unset;
        }
        match Date::parse(&text) {
            Some(date) => Field::Set(date),
            None => {
                let message = format!("{text:?} is not a date YYYY-MM-DD; left as it is");
                self.warn(exported::EXPIRES, message);
                Field::Keep
            }
        }
    }

    /// `Yes` / `No` (also `TRUE` / `FALSE`); empty or unknown (a warning): not stated.
    fn yes_no(&mut self, column: usize, name: &str) -> Option<bool> {
        match normalise(Grid::cell(self.cells, column)).as_str() {
            "yes" | "true" => Some(true),
            "no" | "false" => Some(false),
            "" => None,
            _ => {
                let message = format!(
                    "{:?} is neither \"Yes\" nor \"No\"; left as it is",
                    self.text(Some(column))
                );
                self.warn(name, message);
                None
            }
        }
    }
}

fn handoff_name(consumer: &str, provider: &str, service: Option<&str>) -> String {
    match service {
        Some(service) => format!("{consumer} → {provider} ({service})"),
        None => format!("{consumer} → {provider}"),
    }
}

/// The fatal problem of an export that has rows, none of them for the hand-off asked for.
fn no_such_handoff(source: &Source, options: &MatrixOptions, others: &[String]) -> Problem {
    let wanted = handoff_name(
        &options.consumer,
        &options.provider,
        options.service.as_deref(),
    );
    let mut message = format!(
        "no row for the hand-off {wanted}; the file has {}",
        others.join(", ")
    );
    if let Some(close) = crate::text::suggest(&wanted, others.iter().map(String::as_str)) {
        message.push_str(&format!(" (did you mean {close}?)"));
    }
    message.push_str("; choose one with --consumer, --provider and --service");
    Problem {
        file: source.file.to_string(),
        at: source.grid.at_sheet(),
        message,
    }
}
