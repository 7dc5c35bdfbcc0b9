//! stackgap's own responsibility matrix (`stackgap export --format csv|xlsx`) read back into the
//! entries it was written from, so a matrix sent out for review and returned edited can be
//! imported again.

use std::collections::HashSet;

use super::cells::Grid;
use super::header::{ExportColumns, exported};
use super::rules::{self, normalise, one_line};
use super::{MatrixOptions, Source};
use crate::date::Date;
use crate::import::{Field, Import, ImportControl, ImportDocument, ImportEntry, Problem};
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
    let wanted = (
        options.consumer.as_str(),
        options.provider.as_str(),
        options.service.as_deref(),
    );
    for (number, cells) in source.data_rows() {
        let csv = source.grid.sheet.is_none();
        let cell = |column: usize| exported_cell(csv, cells, column).trim();
        let id = rules::clean_id(cell(columns.control));
        if id.is_empty() {
            continue;
        }
        any_row = true;
        let service = columns.service.map(cell).filter(|s| !s.is_empty());
        let pair = (cell(columns.consumer), cell(columns.provider), service);
        if pair != wanted {
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
        row.read_into(&mut import, &id, *number, columns, options);
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
        column.map_or_else(String::new, |c| one_line(self.cell(c)))
    }

    /// A cell as stackgap wrote it.
    fn cell(&self, column: usize) -> &str {
        exported_cell(self.source.grid.sheet.is_none(), self.cells, column)
    }

    /// Adds what the row states to the import: its control, its entry at C → P, and whether
    /// each side implements the control.
    fn read_into(
        &mut self,
        import: &mut Import,
        id: &str,
        number: u32,
        columns: &ExportColumns,
        options: &MatrixOptions,
    ) {
        let name = self.text(columns.control_name);
        let family = self.text(columns.family);
        import.controls.push(ImportControl {
            id: id.to_string(),
            name: if name.is_empty() {
                id.to_string()
            } else {
                name
            },
            family: (!family.is_empty()).then_some(family),
        });
        let entry = self.entry(id, number, columns, options);
        import.handoffs[0].entries.push(entry);
        if let Some(column) = columns.documents {
            self.documents(column, &mut import.documents);
        }
        let sides = [
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
        ];
        for (party, column, name) in sides {
            if let Some(implements) = column.and_then(|c| self.yes_no(c, name)) {
                import.parties[party]
                    .implements
                    .push((id.to_string(), implements));
            }
        }
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
        // A ref is kept exactly as written, line breaks and all: it is the stack's own text.
        let reference = columns
            .reference
            .map(|c| self.cell(c).to_string())
            .filter(|r| !r.trim().is_empty())
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
        let value = normalise(self.cell(column));
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
        let items: Vec<String> = self
            .cell(column)
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

    /// The documents the row describes, added to those of earlier rows; a document described
    /// differently than before keeps its first description (a warning).
    fn documents(&mut self, column: usize, documents: &mut Vec<ImportDocument>) {
        let (read, problems) = super::documents::parse(self.cell(column));
        for problem in problems {
            self.warn(exported::DOCUMENTS, problem);
        }
        for doc in read {
            match documents.iter().find(|d| d.id == doc.id) {
                None => documents.push(doc),
                Some(first) if *first == doc => {}
                Some(_) => {
                    let message = format!(
                        "document {:?} is described differently in an earlier row; the first description is kept",
                        doc.id
                    );
                    self.warn(exported::DOCUMENTS, message);
                }
            }
        }
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
        match normalise(self.cell(column)).as_str() {
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

/// A cell of stackgap's export: in a CSV file, without the `'` the export puts before a cell
/// a spreadsheet would take for a formula (`report::csv::guard`).
fn exported_cell(csv: bool, cells: &[String], column: usize) -> &str {
    let cell = Grid::cell(cells, column);
    if csv {
        crate::report::csv::unguard(cell)
    } else {
        cell
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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use rust_xlsxwriter::{ExcelDateTime, Format};
    use tempfile::TempDir;

    use super::super::tests::{options, write_book};
    use super::super::{MatrixOptions, read};
    use super::*;
    use crate::import::{ImportHandoff, ImportParty};

    /// The columns of `stackgap export`, in its order.
    const HEADER: &str = "Consumer|Provider|Service|Control|Control name|Family|Agreed|Assumed|\
        Evidence|Expires|Evidence in force|Ref|Provider implements|Consumer implements|Status|\
        Findings|Why";

    /// An export of three hand-offs; rows 2, 3 and 6 are acme → crmly (CRM).
    const ROWS: [&str; 5] = [
        "acme|crmly|CRM|BACKUP|Backups|Continuity|consumer|provider|attested|2027-03-31|attested|\
         MSA §7|No|Yes|gap|1|no-mans-land: nobody backs up",
        "acme|crmly|CRM|ENC-REST|Encryption at rest|Cryptography|provider||crmly-soc2-2025, \
         attested||attested||Yes|No|covered|0|",
        "acme|crmly||BACKUP|Backups|Continuity|shared||||contract||No|No|covered|0|",
        "crmly|cloudstore||ENC-REST|Encryption at rest|Cryptography|provider||||contract||Yes|No|\
         covered|0|",
        "acme|crmly|CRM|IAM-JML||||consumer|none||none|ticket SEC-12||Yes|gap|1|not delivered",
    ];

    fn write_csv(path: &Path) {
        let mut writer = csv::Writer::from_path(path).unwrap();
        for row in [HEADER].iter().chain(&ROWS) {
            writer.write_record(row.split('|')).unwrap();
        }
        writer.flush().unwrap();
    }

    /// The export as a workbook: a `Summary` sheet first, then `Matrix`, with the first
    /// `Expires` written as a date cell, as a spreadsheet export may.
    fn write_xlsx(path: &Path) {
        let mut rows = vec![HEADER];
        rows.extend(ROWS);
        let summary: &[&str] = &["Stack|Acme CRM rollout", "Provider|crmly", "Gaps|2"];
        let mut book = write_book(path, &[("Summary", summary), ("Matrix", &rows)]);
        let date = ExcelDateTime::from_ymd(2027, 3, 31).unwrap();
        book.worksheet_from_name("Matrix")
            .unwrap()
            .write_datetime_with_format(1, 9, &date, &Format::new().set_num_format("yyyy-mm-dd"))
            .unwrap();
        book.save(path).unwrap();
    }

    fn set<T>(value: T) -> Field<T> {
        Field::Set(value)
    }

    fn items(list: &[&str]) -> Field<Vec<String>> {
        set(list.iter().map(|s| s.to_string()).collect())
    }

    /// What the acme → crmly (CRM) rows of [`ROWS`] state, read back from a file named `base`.
    fn expected(base: &str) -> Import {
        let entry =
            |control: &str, agreed, assumed, evidence, expires, reference: &str| ImportEntry {
                control: control.to_string(),
                agreed,
                assumed,
                evidence,
                expires,
                reference: reference.to_string(),
            };
        let party = |id: &str, implements: &[(&str, bool)]| ImportParty {
            id: id.to_string(),
            name: None,
            layer_of: None,
            implements: implements
                .iter()
                .map(|(c, b)| (c.to_string(), *b))
                .collect(),
        };
        let control = |id: &str, name: &str, family: Option<&str>| ImportControl {
            id: id.to_string(),
            name: name.to_string(),
            family: family.map(str::to_string),
        };
        let date = Date::new(2027, 3, 31).unwrap();
        Import {
            name: format!("Import of {base}"),
            controls: vec![
                control("BACKUP", "Backups", Some("Continuity")),
                control("ENC-REST", "Encryption at rest", Some("Cryptography")),
                control("IAM-JML", "IAM-JML", None),
            ],
            parties: vec![
                party(
                    "acme",
                    &[("BACKUP", true), ("ENC-REST", false), ("IAM-JML", true)],
                ),
                party("crmly", &[("BACKUP", false), ("ENC-REST", true)]),
            ],
            handoffs: vec![ImportHandoff {
                consumer: "acme".to_string(),
                provider: "crmly".to_string(),
                service: Some("CRM".to_string()),
                agreement: None,
                entries: vec![
                    entry(
                        "BACKUP",
                        set(Owner::Consumer),
                        set(Owner::Provider),
                        items(&["attested"]),
                        set(date),
                        "MSA §7",
                    ),
                    entry(
                        "ENC-REST",
                        set(Owner::Provider),
                        Field::Unset,
                        items(&["crmly-soc2-2025", "attested"]),
                        Field::Unset,
                        &format!("{base} row 3"),
                    ),
                    entry(
                        "IAM-JML",
                        Field::Unset,
                        set(Owner::Consumer),
                        items(&["none"]),
                        Field::Unset,
                        "ticket SEC-12",
                    ),
                ],
            }],
            documents: Vec::new(),
            warnings: vec![],
        }
    }

    fn crm() -> MatrixOptions {
        MatrixOptions {
            service: Some("CRM".to_string()),
            ..options("acme", "crmly")
        }
    }

    #[test]
    fn an_exported_csv_reads_back_to_the_same_entries() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("matrix.csv");
        write_csv(&path);
        assert_eq!(
            read(&path, &crm()).expect("it reads"),
            expected("matrix.csv")
        );
    }

    #[test]
    fn an_exported_workbook_reads_back_from_its_matrix_sheet() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("matrix.xlsx");
        write_xlsx(&path);
        assert_eq!(
            read(&path, &crm()).expect("it reads"),
            expected("matrix.xlsx")
        );
    }

    #[test]
    fn the_service_selects_the_rows_and_the_options_win_over_cells() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("matrix.csv");
        write_csv(&path);
        let options = MatrixOptions {
            assumed: Some(Owner::Shared),
            evidence: Some("verified".to_string()),
            ..options("acme", "crmly")
        };
        let import = read(&path, &options).expect("it reads");
        assert_eq!(import.handoffs[0].service, None);
        assert_eq!(
            import.handoffs[0].entries,
            [ImportEntry {
                control: "BACKUP".to_string(),
                agreed: set(Owner::Shared),
                assumed: set(Owner::Shared),
                evidence: items(&["verified"]),
                expires: Field::Unset,
                reference: "matrix.csv row 4".to_string(),
            }]
        );
    }

    #[test]
    fn an_export_without_the_handoff_asked_for_is_fatal() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("matrix.xlsx");
        write_xlsx(&path);
        let problem = read(&path, &options("acme", "crmy")).expect_err("no such hand-off");
        assert_eq!(problem.at, "sheet \"Matrix\"");
        assert_eq!(
            problem.message,
            "no row for the hand-off acme → crmy; the file has acme → crmly (CRM), acme → crmly, \
             crmly → cloudstore (did you mean acme → crmly?); choose one with --consumer, \
             --provider and --service"
        );
    }

    #[test]
    fn unreadable_cells_of_an_export_warn_and_leave_the_field_as_it_is() {
        let dir = TempDir::new().unwrap();
        let path = dir.path().join("edited.csv");
        let rows = [
            "Consumer|Provider|Control|Agreed|Assumed|Evidence|Expires|Provider implements",
            "acme|crmly|BACKUP|the vendor|provider|SOC 2|31/03/2027|maybe",
            "acme|crmly|BACKUP|consumer||||Yes",
        ];
        std::fs::write(&path, rows.join("\n").replace('|', ",")).unwrap();
        let import = read(&path, &options("acme", "crmly")).expect("it reads");
        let entry = &import.handoffs[0].entries[0];
        assert_eq!(
            (&entry.agreed, &entry.evidence, &entry.expires),
            (&Field::Keep, &Field::Keep, &Field::Keep)
        );
        assert_eq!(entry.reference, "edited.csv row 2");
        assert!(import.parties[1].implements.is_empty());
        let warnings: Vec<(&str, &str)> = import
            .warnings
            .iter()
            .map(|w| (w.at.as_str(), w.message.as_str()))
            .collect();
        assert_eq!(
            warnings,
            [
                (
                    "row 2",
                    "column \"Agreed\": unknown owner \"the vendor\", left as it is; expected \"provider\", \"consumer\" or \"shared\""
                ),
                (
                    "row 2",
                    "column \"Evidence\": evidence \"SOC 2\": an id must not contain whitespace; the entry's evidence is left as it is"
                ),
                (
                    "row 2",
                    "column \"Expires\": \"31/03/2027\" is not a date YYYY-MM-DD; left as it is"
                ),
                (
                    "row 2",
                    "column \"Provider implements\": \"maybe\" is neither \"Yes\" nor \"No\"; left as it is"
                ),
                (
                    "row 3",
                    "column \"Control\": control \"BACKUP\" is listed again; this row is skipped"
                ),
            ]
        );
    }

    /// What a spreadsheet would take for a formula, and a ref over two lines, come back from
    /// stackgap's own export exactly as the stack wrote them, through CSV and xlsx alike.
    #[test]
    fn formula_looking_ids_and_multi_line_refs_come_back_from_a_real_export() {
        let text = r#"
[stack]
name = "hostile"
catalog = "none"
[[control]]
id = "=HYPERLINK(1)"
name = "Looks like a formula"
[[control]]
id = "-1"
name = "Looks like a number"
[[party]]
id = "@acme"
[[party]]
id = "+crmly"
implements = ["-1"]
[[handoff]]
consumer = "@acme"
provider = "+crmly"
[handoff.controls]
"=HYPERLINK(1)" = { agreed = "provider", ref = """MSA §7.2
and DPA annex 2""" }
"-1" = { agreed = "shared", assumed = "consumer", ref = "'quoted' ref" }
"#;
        let stack = crate::stack::load_str(text, "hostile.toml", None).expect("loads");
        let what_if = crate::analysis::WhatIf::new(&stack, crate::date::Date::today());
        let report = crate::analysis::analyse(&stack, &what_if);
        let ctx = crate::report::Context {
            stack: &stack,
            report: &report,
            what_if: &what_if,
            blast: None,
            fix_first: None,
        };
        let dir = TempDir::new().expect("temp dir");
        let csv = dir.path().join("matrix.csv");
        std::fs::write(&csv, crate::report::csv::render(&ctx)).expect("write csv");
        let xlsx = dir.path().join("matrix.xlsx");
        std::fs::write(&xlsx, crate::report::xlsx::render(&ctx).expect("xlsx")).expect("write");
        let options = MatrixOptions {
            consumer: "@acme".into(),
            provider: "+crmly".into(),
            ..MatrixOptions::default()
        };
        for path in [&csv, &xlsx] {
            let import = read(path, &options).expect("reads back");
            let entries: Vec<(&str, Option<&Owner>, &str)> = import.handoffs[0]
                .entries
                .iter()
                .map(|e| (e.control.as_str(), e.agreed.value(), e.reference.as_str()))
                .collect();
            assert_eq!(
                entries,
                [
                    ("-1", Some(&Owner::Shared), "'quoted' ref"),
                    (
                        "=HYPERLINK(1)",
                        Some(&Owner::Provider),
                        "MSA §7.2\nand DPA annex 2"
                    ),
                ],
                "{}",
                path.display()
            );
            assert_eq!(import.parties[1].id, "+crmly");
            assert_eq!(
                import.parties[1].implements,
                [
                    ("-1".to_string(), true),
                    ("=HYPERLINK(1)".to_string(), false)
                ]
            );
        }
    }
}
