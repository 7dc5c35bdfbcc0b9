//! `stackgap import matrix` (SPEC §8.1): a responsibility matrix — a CSA CAIQ v4 workbook, any
//! spreadsheet with an id and an ownership column, or stackgap's own exported matrix — read into
//! an [`Import`] of the hand-off consumer → provider.
//!
//! [`read`] is pure with respect to any stack: it lists every control it uses and both parties,
//! and leaves deciding what already exists to the code that applies the import.
//!
//! The parts: `cells` reads a workbook (calamine) or a CSV file (csv) into rows of text numbered
//! as a spreadsheet shows them; `header` finds the header row and its columns; `rules` holds the
//! SPEC's rules for one row and one control; `caiq` and `exported` turn the rows of each layout
//! into the import.
//!
//! # Decisions where the SPEC is silent
//!
//! - **Files.** The extension decides, case-insensitively: `.csv`, and the workbooks calamine
//!   reads (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`). A CSV file is comma-separated; a UTF-8
//!   byte-order mark is dropped; a file that is not UTF-8 is read as Windows-1252 (what Excel
//!   writes as "CSV") with a warning; a CSV file over 64 MiB is refused, as a stack file is.
//! - **Row numbers** are those a spreadsheet program shows: 1-based, title rows above the header
//!   and blank rows counted, a line break inside a quoted CSV cell not counted. "The first 20
//!   rows" are rows 1–20 of the sheet, blank ones included.
//! - **Merged cells** (`.xlsx`, `.xls`) read as their top-left value in every cell they cover:
//!   an answer or an ownership merged over three questions applies to all three, as the reader
//!   sees it. (`.xlsb` and `.ods` do not expose merges: their other cells read as empty.)
//! - **Which sheet.** Worksheets only (chart sheets are skipped), hidden ones included. First the
//!   sheets whose name starts with `CAIQ` (any case), in workbook order, the first with a CAIQ (or
//!   `--id-col`/`--owner-col`) header row; then, when no column option is given, a sheet named
//!   `Matrix` (any case) with stackgap's export header; else the first sheet, where either header
//!   counts.
//! - **stackgap's own export** is recognised by a header row with `Consumer`, `Provider`,
//!   `Control` and `Agreed`, only when none of `--id-col`, `--owner-col`, `--answer-col`,
//!   `--owner-map` is given (those ask for the owner-column reading). Only rows whose Consumer,
//!   Provider and Service (trimmed; empty = no service) equal the options are read; none is fatal
//!   and lists the hand-offs the file has. A column the file lacks leaves its field as it is
//!   (`Keep`, or not listed for the `implements` columns); an empty cell unsets it (`Agreed`,
//!   `Assumed`, `Evidence`, `Expires`); `Evidence` is split at commas; `Provider implements` /
//!   `Consumer implements` read `Yes`/`No` (also `TRUE`/`FALSE`), empty = not listed. An unknown
//!   value there is a warning and leaves the field as it is (the import cannot tell what it
//!   meant). A control listed twice for the hand-off: the first row counts, the rest warn.
//!   `Control name` empty → the id; `Family` empty → none; the control id is cleaned as below.
//!   `Evidence documents` (one `ID = { level = …, … }` line per cited document, see
//!   `matrix/documents.rs`) describes the documents the entries cite, so a printed stack can
//!   declare them; a document described differently in two rows keeps its first description.
//!   `Evidence in force`, `Status`, `Findings` and `Why` are not read: the analysis derives
//!   them again. No third parties in this layout.
//! - **Ids.** An id cell is trimmed and its inner whitespace removed; a CAIQ question id without a
//!   `.` is its own control. A `Question ID` without `CCM Control ID` is enough for a CAIQ header.
//! - **References.** A CAIQ sheet is one read through `Question ID` (no `--id-col`): `ref` is
//!   `CAIQ` and the question ids of every row of the control, `NA` rows included, each once; a
//!   row with no question id (its control from `CCM Control ID`) is named `row N` there.
//!   Otherwise `FILE row N` / `FILE rows N, M` with the file's base name.
//! - **Names.** A control's name is the first non-empty `CCM Control Title` among its rows, else
//!   the first non-empty `Question`, else its id, with line breaks and runs of spaces made one
//!   space. `CSC Responsibilities (Optional/Recommended)` is not read: no stack field holds free
//!   text per entry.
//! - **Controls all `NA`** are left out of `controls`, the entries and `implements`; when every
//!   control is, a warning says nothing was imported.
//! - **Arguments.** Fatal: consumer or provider not a valid id, consumer = provider, an
//!   `--evidence` that is not a valid id, an empty column name, an empty `--owner-map`. An empty
//!   `--service` means no service. `--owner-map` splits at `,` and at the first `=` (so mapped
//!   values cannot hold a comma); its values and targets are matched case-insensitively; a value
//!   mapped to two targets is an error.
//! - **Sheets named by options** (`--id-col`, …) take the CAIQ answer column by default, so a
//!   sheet without `CSP CAIQ Answer` and without `--answer-col` gives one warning and every
//!   answer counts as `No` (the provider is recorded as implementing nothing), as the SPEC says.
//! - **"No header row"** lists as header-like the short text cells (at most 60 characters, not a
//!   number) of rows 1–20, each once, the first 20 of them; a close match to a name looked for
//!   is suggested as the `--id-col` / `--owner-col` to give.
//! - **Fatal "no data row"**: no row below the header has an id (rows whose id is invalid count
//!   as data: they warn). Warnings name the row and the column; a missing answer column warns
//!   once, at the header row.
//! - **Cells.** Whole numbers read without `.0`, dates as `YYYY-MM-DD`, booleans as
//!   `TRUE`/`FALSE`, errors as Excel writes them (`#N/A` is an unknown answer, not `N/A`).

use std::path::Path;

mod caiq;
mod cells;
mod documents;
mod exported;
mod header;
mod rules;

pub use rules::OwnerMap;

use self::cells::{Grid, Workbook};
use self::header::{Header, Layout, Names};
use self::rules::RowOwner;
use super::{Import, ImportHandoff, ImportParty, Problem};
use crate::stack::Owner;

/// Options of `stackgap import matrix` (SPEC §8.1).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MatrixOptions {
    /// `--consumer`: the party that relies.
    pub consumer: String,
    /// `--provider`: the party relied on, whose answers the matrix holds.
    pub provider: String,
    /// `--service`: the service of the hand-off C → P.
    pub service: Option<String>,
    /// `--assumed`: written into every C → P entry.
    pub assumed: Option<Owner>,
    /// `--evidence LEVEL|DOC`: written as given into every C → P entry.
    pub evidence: Option<String>,
    /// `--id-col`: the column of control ids (wins over both CAIQ id columns).
    pub id_col: Option<String>,
    /// `--owner-col`: the ownership column (default `SSRM Control Ownership`).
    pub owner_col: Option<String>,
    /// `--answer-col`: the answer column (default `CSP CAIQ Answer`).
    pub answer_col: Option<String>,
    /// `--owner-map`, parsed by [`parse_owner_map`]; replaces the CAIQ ownership values.
    pub owner_map: Option<OwnerMap>,
}

/// Parses `--owner-map`: `VALUE=TARGET` pairs separated by commas, e.g.
/// `Customer=consumer,Inherited=provider,Shared=shared`; targets are `provider`, `consumer`,
/// `shared`, `outsourced` and `none`.
pub fn parse_owner_map(s: &str) -> Result<OwnerMap, String> {
    let mut map = OwnerMap::default();
    for pair in s.split(',').filter(|p| !p.trim().is_empty()) {
        let Some((value, target)) = pair.split_once('=') else {
            return Err(format!("{:?} is not VALUE=TARGET", pair.trim()));
        };
        if value.trim().is_empty() {
            return Err(format!("{:?} maps no value", pair.trim()));
        }
        let target_key = rules::normalise(target);
        let Some((_, owner)) = RowOwner::TARGETS.iter().find(|(t, _)| *t == target_key) else {
            let targets: Vec<&str> = RowOwner::TARGETS.iter().map(|(t, _)| *t).collect();
            let mut message = format!(
                "{:?}: {:?} is not one of {}",
                pair.trim(),
                target.trim(),
                rules::quoted_list(&targets, "or")
            );
            if let Some(close) = crate::text::suggest(target.trim(), targets) {
                message.push_str(&format!(" (did you mean {close:?}?)"));
            }
            return Err(message);
        };
        map.insert(value.trim(), *owner)?;
    }
    if map.is_empty() {
        return Err("it maps no value; write VALUE=TARGET pairs separated by commas".to_string());
    }
    Ok(map)
}

/// Reads a responsibility matrix (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods` or `.csv`, by
/// extension) into the import of the hand-off `consumer → provider`.
pub fn read(path: &Path, options: &MatrixOptions) -> Result<Import, Problem> {
    let file = path.display().to_string();
    check(options, &file)?;
    let mut options = options.clone();
    options.service = options.service.filter(|s| !s.trim().is_empty());
    let names = Names {
        id: options.id_col.clone(),
        owner: (options.owner_col.clone()).unwrap_or_else(|| header::OWNERSHIP.to_string()),
        answer: (options.answer_col.clone()).unwrap_or_else(|| header::ANSWER.to_string()),
        exported: options.id_col.is_none()
            && options.owner_col.is_none()
            && options.answer_col.is_none()
            && options.owner_map.is_none(),
    };
    let extension = path
        .extension()
        .map(|e| e.to_string_lossy().to_lowercase())
        .unwrap_or_default();
    let mut warnings = Vec::new();
    let (grid, header) = if extension == "csv" {
        let (grid, read_warnings) = cells::read_csv(path, &file)?;
        warnings.extend(read_warnings);
        match header::find(&grid, &names) {
            Some(header) => (grid, header),
            None => return Err(header::missing(&grid, &names, &file, "")),
        }
    } else {
        match Workbook::open(path, &file, &extension) {
            Some(book) => choose_sheet(&mut book?, &names, &file)?,
            None => return Err(unknown_extension(&file, &extension)),
        }
    };
    let base = path
        .file_name()
        .map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
    let source = Source {
        file: &file,
        base: &base,
        grid: &grid,
        header: header.index,
    };
    let mut import = match &header.layout {
        Layout::Matrix(columns) => caiq::read(&source, columns, &options, &mut warnings)?,
        Layout::Exported(columns) => exported::read(&source, columns, &options, &mut warnings)?,
    };
    warnings.append(&mut import.warnings);
    import.warnings = warnings;
    Ok(import)
}

/// Refuses arguments that could only give a broken stack.
fn check(options: &MatrixOptions, file: &str) -> Result<(), Problem> {
    let bad = |message: String| Problem {
        file: file.to_string(),
        at: String::new(),
        message,
    };
    for (flag, id) in [
        ("--consumer", Some(options.consumer.as_str())),
        ("--provider", Some(options.provider.as_str())),
        ("--evidence", options.evidence.as_deref()),
    ] {
        if let Some(id) = id
            && let Some(problem) = crate::text::id_problem(id)
        {
            return Err(bad(format!("{flag} {id:?}: {problem}")));
        }
    }
    if options.consumer == options.provider {
        return Err(bad(format!(
            "--consumer and --provider are both {:?}: a hand-off needs two parties",
            options.consumer
        )));
    }
    for (flag, name) in [
        ("--id-col", &options.id_col),
        ("--owner-col", &options.owner_col),
        ("--answer-col", &options.answer_col),
    ] {
        if name.as_ref().is_some_and(|n| n.trim().is_empty()) {
            return Err(bad(format!("{flag} must name a column")));
        }
    }
    if options.owner_map.as_ref().is_some_and(OwnerMap::is_empty) {
        return Err(bad("--owner-map maps no value".to_string()));
    }
    Ok(())
}

fn unknown_extension(file: &str, extension: &str) -> Problem {
    let read: Vec<String> = Workbook::EXTENSIONS
        .iter()
        .chain(&["csv"])
        .map(|e| format!(".{e}"))
        .collect();
    let what = if extension.is_empty() {
        "the file has no extension".to_string()
    } else {
        format!("\".{extension}\" is not a spreadsheet extension")
    };
    Problem {
        file: file.to_string(),
        at: String::new(),
        message: format!("{what}; import matrix reads {}", read.join(", ")),
    }
}

/// The sheet to read and its header row (see the module's decisions).
fn choose_sheet(book: &mut Workbook, names: &Names, file: &str) -> Result<(Grid, Header), Problem> {
    let sheets = book.sheet_names();
    let Some(first) = sheets.first() else {
        return Err(Problem {
            file: file.to_string(),
            at: String::new(),
            message: "the workbook has no worksheet".to_string(),
        });
    };
    let caiq: Vec<&String> = sheets
        .iter()
        .filter(|s| s.to_lowercase().starts_with("caiq"))
        .collect();
    let matrix_only = Names {
        exported: false,
        ..names.clone()
    };
    for name in &caiq {
        let grid = book.grid(name)?;
        if let Some(header) = header::find(&grid, &matrix_only) {
            return Ok((grid, header));
        }
    }
    if names.exported
        && let Some(name) = sheets
            .iter()
            .find(|s| s.trim().eq_ignore_ascii_case("matrix"))
    {
        let grid = book.grid(name)?;
        if let Some(header) =
            header::find(&grid, names).filter(|h| matches!(h.layout, Layout::Exported(_)))
        {
            return Ok((grid, header));
        }
    }
    let grid = book.grid(first)?;
    match header::find(&grid, names) {
        Some(header) => Ok((grid, header)),
        None => {
            let note = if caiq.is_empty() {
                " (the first sheet; no sheet is named CAIQ…)".to_string()
            } else {
                let tried: Vec<&str> = caiq.iter().map(|s| s.as_str()).collect();
                format!(
                    " (the first sheet; the sheets named CAIQ… have none either: {})",
                    rules::quoted_list(&tried, "and")
                )
            };
            Err(header::missing(&grid, names, file, &note))
        }
    }
}

/// The sheet being read, with what every layout needs to name where things are.
struct Source<'a> {
    /// The file as named on the command line.
    file: &'a str,
    /// Its base name, for references that do not change with the working folder.
    base: &'a str,
    grid: &'a Grid,
    /// Index of the header row in `grid.rows`.
    header: usize,
}

impl Source<'_> {
    /// The header row's spreadsheet number.
    fn header_row(&self) -> u32 {
        self.grid.rows[self.header].0
    }

    /// The rows below the header.
    fn data_rows(&self) -> impl Iterator<Item = &(u32, Vec<String>)> {
        self.grid.rows.iter().skip(self.header + 1)
    }

    fn warning(&self, at: String, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            at,
            message,
        }
    }

    fn no_data_row(&self) -> Problem {
        let at = self.grid.at(self.header_row());
        self.warning(
            at,
            "no data row below the header row: nothing to import".to_string(),
        )
    }

    /// An import with its name, both parties (consumer first) and the hand-off C → P, empty.
    fn import(&self, options: &MatrixOptions) -> Import {
        let party = |id: &str| ImportParty {
            id: id.to_string(),
            name: None,
            layer_of: None,
            implements: Vec::new(),
        };
        Import {
            name: format!("Import of {}", self.base),
            controls: Vec::new(),
            parties: vec![party(&options.consumer), party(&options.provider)],
            handoffs: vec![ImportHandoff {
                consumer: options.consumer.clone(),
                provider: options.provider.clone(),
                service: options.service.clone(),
                agreement: None,
                entries: Vec::new(),
            }],
            documents: Vec::new(),
            warnings: Vec::new(),
        }
    }
}

/// The party `P-third-parties` and the hand-off P → it, empty.
fn third_parties(provider: &str) -> (ImportParty, ImportHandoff) {
    let id = format!("{provider}-third-parties");
    let party = ImportParty {
        id: id.clone(),
        name: Some(format!("Third parties of {provider}")),
        layer_of: Some(provider.to_string()),
        implements: Vec::new(),
    };
    let handoff = ImportHandoff {
        consumer: provider.to_string(),
        provider: id,
        service: Some("outsourced".to_string()),
        agreement: None,
        entries: Vec::new(),
    };
    (party, handoff)
}

#[cfg(test)]
mod tests;
