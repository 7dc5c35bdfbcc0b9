//! `export --format xlsx`: the responsibility matrix as a workbook (rust_xlsxwriter) — a
//! `Summary` sheet first (provenance, counts, hand-offs ranked by open gaps, requirements nobody
//! covers, evidence documents, expiring evidence, notes, a legend), then the `Matrix` sheet
//! ([`super::matrix`]): header frozen, an autofilter over the table, `Why` wrapped, status cells
//! with their word and a fill colour.
//!
//! Every cell from the stack is written as a string (`write_string` never reads `=` as a
//! formula), with control, invisible and bidi characters made visible as in every other report.
//! A cell longer than Excel's 32,767 characters is cut, and says so. The workbook's creation date
//! is the analysis date, so the same stack, options and date give the same bytes.

use std::borrow::Cow;

use rust_xlsxwriter::{
    Color, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet,
    XlsxError,
};

use super::Context;
use super::matrix::{COLUMNS, Row, Status, Summary, cell_text, column, rows, summary};

/// The most rows a worksheet holds (Excel's limit), header included.
const MAX_ROWS: usize = 1_048_576;
/// The most UTF-16 units a cell holds (Excel's limit).
const MAX_CELL: usize = 32_767;

/// Why a workbook could not be made.
#[derive(Debug, thiserror::Error)]
pub enum XlsxExportError {
    /// More entries than a worksheet has rows.
    #[error(
        "the matrix has {rows} rows, more than the {max} a worksheet holds; use --format csv",
        max = MAX_ROWS - 1
    )]
    TooManyRows {
        /// The matrix's rows.
        rows: usize,
    },
    /// rust_xlsxwriter refused something.
    #[error("cannot build the workbook: {0}")]
    Workbook(#[from] XlsxError),
}

/// The workbook's bytes.
pub fn render(ctx: &Context) -> Result<Vec<u8>, XlsxExportError> {
    let rows = rows(ctx);
    if rows.len() >= MAX_ROWS {
        return Err(XlsxExportError::TooManyRows { rows: rows.len() });
    }
    let summary = summary(ctx);
    let formats = Formats::new();
    let mut workbook = Workbook::new();
    workbook.set_properties(&properties(&summary));
    summary_sheet(workbook.add_worksheet(), &summary, &formats)?;
    matrix_sheet(workbook.add_worksheet(), &rows, &formats)?;
    Ok(workbook.save_to_buffer()?)
}

/// Title and comment; the creation date is the analysis date (left to the clock only when
/// Excel cannot hold that date).
fn properties(summary: &Summary) -> DocProperties {
    let properties = DocProperties::new()
        .set_title(fit(&cell_text(&format!(
            "Responsibility matrix: {}",
            summary.stack
        ))))
        .set_comment(format!(
            "stackgap {}, input SHA-256 {}, as of {}",
            summary.version, summary.sha256, summary.as_of
        ));
    let date = summary.as_of;
    match (u16::try_from(date.year).ok())
        .and_then(|y| ExcelDateTime::from_ymd(y, date.month, date.day).ok())
    {
        Some(created) => properties.set_creation_datetime(&created),
        None => properties,
    }
}

/// The cell formats, made once.
struct Formats {
    title: Format,
    heading: Format,
    label: Format,
    header: Format,
    plain: Format,
    left: Format,
    wrap: Format,
    status: [Format; 4],
}

impl Formats {
    fn new() -> Formats {
        let top = Format::new().set_align(FormatAlign::Top);
        let status = Status::ALL.map(|s| {
            let (fill, font) = match s {
                Status::Gap => (0xFFC7CE, 0x9C0006),
                Status::Warning => (0xFFEB9C, 0x9C5700),
                Status::Accepted => (0xD9D9D9, 0x404040),
                Status::Ok => (0xC6EFCE, 0x006100),
            };
            top.clone()
                .set_bold()
                .set_background_color(Color::RGB(fill))
                .set_font_color(Color::RGB(font))
        });
        Formats {
            title: Format::new().set_bold().set_font_size(14),
            heading: Format::new().set_bold().set_font_size(12),
            label: Format::new().set_bold(),
            header: Format::new()
                .set_bold()
                .set_background_color(Color::RGB(0xDDEBF7))
                .set_border_bottom(FormatBorder::Thin),
            wrap: top.clone().set_text_wrap(),
            left: Format::new().set_align(FormatAlign::Left),
            plain: top,
            status,
        }
    }

    fn status(&self, s: Status) -> &Format {
        let at = Status::ALL.iter().position(|x| *x == s).unwrap_or(0);
        &self.status[at]
    }
}

/// A cell's text cut to what Excel holds, saying so when cut.
fn fit(s: &str) -> Cow<'_, str> {
    if s.len() <= MAX_CELL || s.encode_utf16().count() <= MAX_CELL {
        return Cow::Borrowed(s);
    }
    let total = s.chars().count();
    let mark = format!(" … [cut by stackgap: {total} characters, a cell holds {MAX_CELL}]");
    let room = MAX_CELL - mark.encode_utf16().count();
    let mut units = 0;
    let mut out = String::new();
    for c in s.chars() {
        units += c.len_utf16();
        if units > room {
            break;
        }
        out.push(c);
    }
    out.push_str(&mark);
    Cow::Owned(out)
}

/// Writes text from the stack as a string cell: made visible, cut to fit.
fn put(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    text: &str,
    format: &Format,
) -> Result<(), XlsxError> {
    sheet.write_string_with_format(row, col, fit(&cell_text(text)), format)?;
    Ok(())
}

fn matrix_sheet(sheet: &mut Worksheet, rows: &[Row], f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Matrix")?;
    for (c, name) in COLUMNS.iter().enumerate() {
        sheet.write_string_with_format(0, c as u16, *name, &f.header)?;
    }
    let wrapped = [
        column::CONTROL_NAME,
        column::IN_FORCE,
        column::FINDINGS,
        column::WHY,
    ];
    for (i, row) in rows.iter().enumerate() {
        let r = i as u32 + 1;
        for (c, cell) in row.cells().iter().enumerate() {
            let format = if c == column::STATUS {
                f.status(row.status)
            } else if wrapped.contains(&c) {
                &f.wrap
            } else {
                &f.plain
            };
            put(sheet, r, c as u16, cell, format)?;
        }
    }
    for (c, width) in widths(rows).into_iter().enumerate() {
        sheet.set_column_width(c as u16, width)?;
    }
    sheet.set_freeze_panes(1, 0)?;
    sheet.autofilter(0, 0, rows.len() as u32, COLUMNS.len() as u16 - 1)?;
    Ok(())
}

/// Column widths in characters: the longest line of each column (header included), within
/// bounds that keep the long text columns readable and wrapped.
fn widths(rows: &[Row]) -> Vec<f64> {
    let cap = |c: usize| match c {
        column::WHY => 80,
        column::IN_FORCE => 48,
        column::FINDINGS => 36,
        column::CONTROL_NAME => 36,
        column::REF => 32,
        _ => 24,
    };
    let mut widest: Vec<usize> = COLUMNS.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (c, cell) in row.cells().iter().enumerate() {
            let longest = cell.lines().map(|l| l.chars().count()).max().unwrap_or(0);
            widest[c] = widest[c].max(longest);
        }
    }
    widest
        .into_iter()
        .enumerate()
        .map(|(c, w)| (w.clamp(6, cap(c)) + 2) as f64)
        .collect()
}

/// Writes the rows of the summary sheet from the top; each section returns the next free row.
fn summary_sheet(sheet: &mut Worksheet, s: &Summary, f: &Formats) -> Result<(), XlsxError> {
    sheet.set_name("Summary")?;
    for (c, width) in [36, 30, 12, 24, 14, 14, 24, 14, 12, 30]
        .into_iter()
        .enumerate()
    {
        sheet.set_column_width(c as u16, width)?;
    }
    put(
        sheet,
        0,
        0,
        &format!("Responsibility matrix: {}", s.stack),
        &f.title,
    )?;
    let mut r = 1;
    if let Some(d) = s.description {
        put(sheet, r, 0, d, &Format::new())?;
        r += 1;
    }
    r = provenance(sheet, r + 1, s, f)?;
    r = counts(sheet, r + 1, s, f)?;
    r = ranking(sheet, r + 1, s, f)?;
    r = own_requirements(sheet, r + 1, s, f)?;
    r = documents(sheet, r + 1, s, f)?;
    r = sentences(
        sheet,
        r + 1,
        &format!("Evidence expiring within {} days", s.expiring_within),
        &s.expiring,
        f,
    )?;
    if !s.notes.is_empty() {
        r = sentences(sheet, r + 1, "Notes", &s.notes, f)?;
    }
    legend(sheet, r + 1, f)?;
    Ok(())
}

fn provenance(sheet: &mut Worksheet, r: u32, s: &Summary, f: &Formats) -> Result<u32, XlsxError> {
    let min_evidence = format!(
        "{} ({})",
        s.min_evidence,
        if s.min_evidence_overridden {
            "from --min-evidence"
        } else {
            "the stack's min_evidence"
        }
    );
    let without = if s.without.is_empty() {
        "nobody".to_string()
    } else {
        s.without.join(", ")
    };
    let facts: [(&str, String); 7] = [
        ("Stack file", s.source.to_string()),
        ("Input SHA-256", s.sha256.to_string()),
        ("stackgap version", s.version.to_string()),
        ("Analysis date", s.as_of.to_string()),
        ("Minimum evidence", min_evidence),
        ("Switched off (what-if)", without),
        ("Expiring window", format!("{} days", s.expiring_within)),
    ];
    let sizes = [
        ("Parties", s.parties),
        ("Hand-offs", s.handoffs),
        ("Rows in the Matrix sheet", s.entries),
    ];
    put(sheet, r, 0, "Provenance", &f.heading)?;
    let mut at = r + 1;
    for (label, value) in &facts {
        put(sheet, at, 0, label, &f.label)?;
        put(sheet, at, 1, value, &Format::new())?;
        at += 1;
    }
    for (label, n) in sizes {
        put(sheet, at, 0, label, &f.label)?;
        sheet.write_number_with_format(at, 1, n as f64, &f.left)?;
        at += 1;
    }
    Ok(at)
}

fn counts(sheet: &mut Worksheet, r: u32, s: &Summary, f: &Formats) -> Result<u32, XlsxError> {
    put(sheet, r, 0, "Findings", &f.heading)?;
    let lines = [
        ("Open gaps", s.open_gaps, Status::Gap),
        ("Open warnings", s.open_warnings, Status::Warning),
        ("Accepted (gaps and warnings)", s.accepted, Status::Accepted),
    ];
    for (i, (label, n, status)) in lines.into_iter().enumerate() {
        let at = r + 1 + i as u32;
        put(sheet, at, 0, label, &f.label)?;
        // Only a count above zero is coloured: a red 0 would read as an alarm.
        let format = if n > 0 { f.status(status) } else { &f.left };
        sheet.write_number_with_format(at, 1, n as f64, format)?;
    }
    let at = r + 1 + lines.len() as u32;
    put(
        sheet,
        at,
        0,
        "One row per hand-off and control: see the Matrix sheet.",
        &Format::new(),
    )?;
    Ok(at + 1)
}

/// A bold header row for a table on the summary sheet.
fn table_header(
    sheet: &mut Worksheet,
    r: u32,
    names: &[&str],
    f: &Formats,
) -> Result<(), XlsxError> {
    for (c, name) in names.iter().enumerate() {
        put(sheet, r, c as u16, name, &f.header)?;
    }
    Ok(())
}

fn ranking(sheet: &mut Worksheet, r: u32, s: &Summary, f: &Formats) -> Result<u32, XlsxError> {
    put(sheet, r, 0, "Hand-offs by open gaps", &f.heading)?;
    let names = [
        "Hand-off",
        "Agreement",
        "Status",
        "Open gaps",
        "Open warnings",
        "Accepted",
        "Controls",
    ];
    table_header(sheet, r + 1, &names, f)?;
    let mut at = r + 2;
    for line in &s.ranking {
        put(sheet, at, 0, &line.label, &Format::new())?;
        put(
            sheet,
            at,
            1,
            line.agreement.as_deref().unwrap_or(""),
            &Format::new(),
        )?;
        put(sheet, at, 2, line.status.as_str(), f.status(line.status))?;
        let numbers = [
            line.open_gaps,
            line.open_warnings,
            line.accepted,
            line.controls,
        ];
        for (c, n) in numbers.into_iter().enumerate() {
            sheet.write_number(at, 3 + c as u16, n as f64)?;
        }
        at += 1;
    }
    if s.ranking.is_empty() {
        put(sheet, at, 0, "The stack has no hand-offs.", &Format::new())?;
        at += 1;
    }
    Ok(at)
}

fn own_requirements(
    sheet: &mut Worksheet,
    r: u32,
    s: &Summary,
    f: &Formats,
) -> Result<u32, XlsxError> {
    put(
        sheet,
        r,
        0,
        "Requirements nobody covers (party findings: no row in the Matrix)",
        &f.heading,
    )?;
    if s.own.is_empty() {
        put(sheet, r + 1, 0, "None.", &Format::new())?;
        return Ok(r + 2);
    }
    table_header(
        sheet,
        r + 1,
        &["Party", "Control", "Status", "Findings", "Why"],
        f,
    )?;
    let mut at = r + 2;
    for line in &s.own {
        put(sheet, at, 0, &line.party, &Format::new())?;
        put(sheet, at, 1, &line.control, &Format::new())?;
        put(sheet, at, 2, line.status.as_str(), f.status(line.status))?;
        put(sheet, at, 3, &line.finding, &Format::new())?;
        put(sheet, at, 4, &line.why, &Format::new())?;
        at += 1;
    }
    Ok(at)
}

fn documents(sheet: &mut Worksheet, r: u32, s: &Summary, f: &Formats) -> Result<u32, XlsxError> {
    put(sheet, r, 0, "Evidence documents", &f.heading)?;
    if s.documents.is_empty() {
        put(
            sheet,
            r + 1,
            0,
            "The stack has no [[evidence]] documents.",
            &Format::new(),
        )?;
        return Ok(r + 2);
    }
    let in_force = format!("In force on {}", s.as_of);
    let names = [
        "Document",
        "Title",
        "Level",
        in_force.as_str(),
        "Expires",
        "Entries citing",
        "Issuer",
        "Party",
        "Issued",
        "Ref",
    ];
    table_header(sheet, r + 1, &names, f)?;
    let mut at = r + 2;
    for line in &s.documents {
        let d = line.document;
        let date = |d: Option<crate::date::Date>| d.map(|d| d.to_string()).unwrap_or_default();
        let (word, status) = if line.in_force {
            ("Yes", Status::Ok)
        } else {
            ("No — expired", Status::Gap)
        };
        put(sheet, at, 0, &d.id, &Format::new())?;
        put(
            sheet,
            at,
            1,
            d.title.as_deref().unwrap_or(""),
            &Format::new(),
        )?;
        put(sheet, at, 2, d.level.as_str(), &Format::new())?;
        put(sheet, at, 3, word, f.status(status))?;
        put(sheet, at, 4, &date(d.expires), &Format::new())?;
        sheet.write_number(at, 5, line.entries as f64)?;
        put(
            sheet,
            at,
            6,
            d.issuer.as_deref().unwrap_or(""),
            &Format::new(),
        )?;
        put(sheet, at, 7, line.party.unwrap_or(""), &Format::new())?;
        put(sheet, at, 8, &date(d.issued), &Format::new())?;
        put(
            sheet,
            at,
            9,
            d.reference.as_deref().unwrap_or(""),
            &Format::new(),
        )?;
        at += 1;
    }
    Ok(at)
}

/// A heading and one sentence per row ("None." when there are none).
fn sentences(
    sheet: &mut Worksheet,
    r: u32,
    heading: &str,
    lines: &[String],
    f: &Formats,
) -> Result<u32, XlsxError> {
    put(sheet, r, 0, heading, &f.heading)?;
    if lines.is_empty() {
        put(sheet, r + 1, 0, "None.", &Format::new())?;
        return Ok(r + 2);
    }
    for (i, line) in lines.iter().enumerate() {
        put(sheet, r + 1 + i as u32, 0, line, &Format::new())?;
    }
    Ok(r + 1 + lines.len() as u32)
}

fn legend(sheet: &mut Worksheet, r: u32, f: &Formats) -> Result<u32, XlsxError> {
    put(
        sheet,
        r,
        0,
        "Status legend (the Matrix sheet's Status column)",
        &f.heading,
    )?;
    for (i, s) in Status::ALL.into_iter().enumerate() {
        let at = r + 1 + i as u32;
        put(sheet, at, 0, s.as_str(), f.status(s))?;
        put(sheet, at, 1, s.meaning(), &Format::new())?;
    }
    Ok(r + 1 + Status::ALL.len() as u32)
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Read};

    use calamine::{Data, Reader, Xlsx, open_workbook_from_rs};

    use super::*;
    use crate::report::matrix::tests::{AS_OF, Analysed, HOSTILE, REVIEW, assert_carries_entries};

    fn sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes)).expect("an xlsx");
        let range = book.worksheet_range(name).expect("the sheet");
        range
            .rows()
            .map(|r| {
                r.iter()
                    .map(|c| match c {
                        Data::Empty => String::new(),
                        Data::String(s) => s.clone(),
                        Data::Float(f) => f.to_string(),
                        other => panic!("unexpected cell {other:?}"),
                    })
                    .collect()
            })
            .collect()
    }

    /// A part of the workbook's zip, as text.
    fn part(bytes: &[u8], name: &str) -> String {
        let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("a zip");
        let mut text = String::new();
        zip.by_name(name)
            .expect("the part")
            .read_to_string(&mut text)
            .expect("UTF-8 XML");
        text
    }

    #[test]
    fn summary_then_matrix_with_the_header_and_the_rows() {
        let a = Analysed::new(REVIEW, AS_OF);
        let bytes = render(&a.ctx()).expect("a workbook");
        let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(&bytes[..])).expect("an xlsx");
        assert_eq!(book.sheet_names(), ["Summary", "Matrix"]);
        let matrix = sheet(&bytes, "Matrix");
        assert_eq!(matrix[0], COLUMNS);
        assert_eq!(matrix.len(), 8);
        let log = matrix.iter().find(|r| r[3] == "LOG").expect("LOG row");
        assert_eq!(
            log[..9],
            [
                "shop", "saas", "CRM", "LOG", "Logging", "", "shared", "", ""
            ]
        );
        assert_eq!(log[14], "GAP");
        assert_eq!(
            log[15],
            "not-delivered (provider); not-delivered (consumer)"
        );
        let summary = sheet(&bytes, "Summary");
        let find = |label: &str| {
            summary
                .iter()
                .find(|r| r[0] == label)
                .unwrap_or_else(|| panic!("{label} in the summary"))
                .clone()
        };
        assert_eq!(find("Open gaps")[1], "5");
        assert_eq!(find("Open warnings")[1], "1");
        assert_eq!(find("Accepted (gaps and warnings)")[1], "1");
        assert_eq!(find("Analysis date")[1], AS_OF);
        assert_eq!(find("shop → saas (CRM)")[2], "GAP");
        assert_eq!(find("soc2-2025")[3], "No — expired");
        assert_eq!(find("shop")[..4], ["shop", "REQ", "GAP", "unassigned"]);
        for status in Status::ALL {
            assert_eq!(find(status.as_str())[1], status.meaning());
        }
    }

    #[test]
    fn the_header_is_frozen_filtered_and_the_status_cells_filled() {
        let a = Analysed::new(REVIEW, AS_OF);
        let bytes = render(&a.ctx()).expect("a workbook");
        let xml = part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(
            xml.contains(
                r#"<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>"#
            ),
            "{xml}"
        );
        assert!(xml.contains(r#"<autoFilter ref="A1:R8"/>"#), "{xml}");
        let styles = part(&bytes, "xl/styles.xml");
        for fill in ["FFFFC7CE", "FFFFEB9C", "FFD9D9D9", "FFC6EFCE"] {
            assert!(styles.contains(fill), "fill {fill} in {styles}");
        }
    }

    #[test]
    fn formula_looking_text_is_written_as_strings_and_hostile_text_made_visible() {
        let a = Analysed::new(HOSTILE, AS_OF);
        let bytes = render(&a.ctx()).expect("a workbook");
        let mut book: Xlsx<_> = open_workbook_from_rs(Cursor::new(&bytes[..])).expect("an xlsx");
        let formulas = book.worksheet_formula("Matrix").expect("the sheet");
        assert!(
            formulas.used_cells().next().is_none(),
            "no formula anywhere"
        );
        let matrix = sheet(&bytes, "Matrix");
        let sum = &matrix[2];
        assert_eq!(sum[..4], ["-shop", "+saas", "=svc", "=SUM(A1)"]);
        assert_eq!(sum[4], "line one\nline two");
        assert_eq!(sum[11], "=HYPERLINK(\"http://evil\",\"x\")");
        assert_eq!(matrix[3][4], "bidi \\u{202E}gnp.exe");
        assert_eq!(matrix[1][4], "tab\\tand \\u{001B}[2J clear");
    }

    #[test]
    fn the_same_stack_and_date_give_the_same_bytes() {
        let a = Analysed::new(REVIEW, AS_OF);
        let one = render(&a.ctx()).expect("a workbook");
        let two = render(&a.ctx()).expect("a workbook");
        assert!(one == two, "two runs differ");
        let core = part(&one, "docProps/core.xml");
        assert!(core.contains("2026-11-28T00:00:00Z"), "{core}");
    }

    #[test]
    fn the_workbook_carries_every_entry_field_back() {
        for text in [REVIEW, HOSTILE] {
            let a = Analysed::new(text, AS_OF);
            let bytes = render(&a.ctx()).expect("a workbook");
            assert_carries_entries(&a.stack, &sheet(&bytes, "Matrix"));
        }
    }

    #[test]
    fn a_cell_longer_than_excel_holds_is_cut_and_says_so() {
        let short = "x".repeat(MAX_CELL);
        assert_eq!(fit(&short), short);
        let long = "é".repeat(40_000) + "🦀";
        let cut = fit(&long);
        assert!(cut.encode_utf16().count() <= MAX_CELL);
        assert!(
            cut.ends_with("[cut by stackgap: 40001 characters, a cell holds 32767]"),
            "{}",
            &cut[cut.len() - 80..]
        );
    }
}
