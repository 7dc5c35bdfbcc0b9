//! Reading a spreadsheet into rows of text, numbered as a spreadsheet program numbers them: the
//! typed cells of a workbook (calamine) and the records of a CSV file (csv) both become a
//! [`Grid`], so the SPEC's rules never see where a cell came from.

use std::fs::File;
use std::io::BufReader;
use std::path::Path;

use calamine::{Data, Dimensions, Error, Ods, Reader, SheetType, Sheets, Xls, Xlsb, Xlsx};

use super::super::Problem;

/// One sheet as text: every row of its used range with its 1-based spreadsheet number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grid {
    /// The sheet's name; `None` for a CSV file.
    pub sheet: Option<String>,
    /// (row number, cells), top to bottom; cells are relative to the first used column, the same
    /// for every row of a sheet.
    pub rows: Vec<(u32, Vec<String>)>,
}

impl Grid {
    /// A cell's text, empty beyond a short (ragged) row.
    pub fn cell(row: &[String], column: usize) -> &str {
        row.get(column).map_or("", String::as_str)
    }

    /// Where a row is, for a warning: `sheet "NAME", row N` or `row N`.
    pub fn at(&self, row: u32) -> String {
        match &self.sheet {
            Some(sheet) => format!("sheet \"{sheet}\", row {row}"),
            None => format!("row {row}"),
        }
    }

    /// Where the whole sheet is, for a fatal problem: `sheet "NAME"`, or empty for a CSV file.
    pub fn at_sheet(&self) -> String {
        self.sheet
            .as_ref()
            .map_or_else(String::new, |sheet| format!("sheet \"{sheet}\""))
    }
}

/// A workbook opened, its sheets read one at a time, as they are looked at.
pub struct Workbook {
    file: String,
    book: Sheets<BufReader<File>>,
}

impl Workbook {
    /// The extensions of the workbooks calamine reads.
    pub const EXTENSIONS: [&'static str; 5] = ["xlsx", "xlsm", "xlsb", "xls", "ods"];

    /// Opens a workbook, its kind chosen by the (lower-case) extension; `None` when the
    /// extension is not one of [`Workbook::EXTENSIONS`].
    pub fn open(path: &Path, file: &str, extension: &str) -> Option<Result<Workbook, Problem>> {
        let book = match extension {
            "xlsx" | "xlsm" => open::<Xlsx<_>>(path, Sheets::Xlsx, Error::Xlsx),
            "xlsb" => open::<Xlsb<_>>(path, Sheets::Xlsb, Error::Xlsb),
            "xls" => open::<Xls<_>>(path, Sheets::Xls, Error::Xls),
            "ods" => open::<Ods<_>>(path, Sheets::Ods, Error::Ods),
            _ => return None,
        };
        Some(
            book.map(|book| Workbook {
                file: file.to_string(),
                book,
            })
            .map_err(|e| unreadable(file, &e)),
        )
    }

    /// The names of the worksheets (chart sheets left out), in workbook order.
    pub fn sheet_names(&self) -> Vec<String> {
        self.book
            .sheets_metadata()
            .iter()
            .filter(|s| s.typ == SheetType::WorkSheet)
            .map(|s| s.name.clone())
            .collect()
    }

    /// One sheet as text. Merged cells read as their top-left value in every cell they cover:
    /// the reader sees one value spanning those rows, so each row says it.
    pub fn grid(&mut self, name: &str) -> Result<Grid, Problem> {
        let range = self
            .book
            .worksheet_range(name)
            .map_err(|e| unreadable(&self.file, &e))?;
        let merges = match &mut self.book {
            Sheets::Xlsx(book) => book.merge_cells_by_sheet_name(name).unwrap_or_default(),
            Sheets::Xls(book) => book.merge_cells_by_sheet_name(name).unwrap_or_default(),
            Sheets::Xlsb(_) | Sheets::Ods(_) => Vec::new(),
        };
        let (top, left) = range.start().unwrap_or((0, 0));
        let mut rows: Vec<Vec<String>> = range
            .rows()
            .map(|row| row.iter().map(cell_text).collect())
            .collect();
        fill_merges(&mut rows, (top, left), &merges);
        Ok(Grid {
            sheet: Some(name.to_string()),
            rows: rows
                .into_iter()
                .zip(top + 1..)
                .map(|(cells, number)| (number, cells))
                .collect(),
        })
    }
}

/// Opens one kind of workbook as the [`Sheets`] of any kind.
fn open<R: Reader<BufReader<File>>>(
    path: &Path,
    sheets: fn(R) -> Sheets<BufReader<File>>,
    error: fn(R::Error) -> Error,
) -> Result<Sheets<BufReader<File>>, Error> {
    calamine::open_workbook::<R, _>(path)
        .map(sheets)
        .map_err(error)
}

fn unreadable(file: &str, error: &dyn std::fmt::Display) -> Problem {
    Problem {
        file: file.to_string(),
        at: String::new(),
        message: format!("cannot read it: {error}"),
    }
}

/// A typed cell as the text a spreadsheet shows: whole numbers without `.0` (ids such as `12`
/// are often stored as numbers), dates as `YYYY-MM-DD`, errors as Excel writes them.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => if *b { "TRUE" } else { "FALSE" }.to_string(),
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, ms) = dt.to_ymd_hms_milli();
            if (h, mi, s, ms) == (0, 0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTime(dt) => float_text(dt.as_f64()),
        Data::DateTimeIso(s) => s.strip_suffix("T00:00:00").unwrap_or(s).to_string(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn float_text(f: f64) -> String {
    // Whole numbers print as integers, so an id stored as 12.0 reads `12`; beyond 2^53 a float
    // is no longer a whole count anyway.
    if f.fract() == 0.0 && f.abs() < 9.0e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// Copies each merged region's top-left value into the other cells it covers (within the grid).
fn fill_merges(rows: &mut [Vec<String>], (top, left): (u32, u32), merges: &[Dimensions]) {
    for merge in merges {
        let (Some(r0), Some(c0)) = (
            merge.start.0.checked_sub(top),
            merge.start.1.checked_sub(left),
        ) else {
            continue;
        };
        let (r0, c0) = (r0 as usize, c0 as usize);
        let Some(value) = rows.get(r0).and_then(|row| row.get(c0)).cloned() else {
            continue;
        };
        let r1 = ((merge.end.0 - top) as usize).min(rows.len().saturating_sub(1));
        for row in &mut rows[r0..=r1] {
            let c1 = ((merge.end.1 - left) as usize).min(row.len().saturating_sub(1));
            for cell in row.iter_mut().take(c1 + 1).skip(c0) {
                if cell.is_empty() {
                    cell.clone_from(&value);
                }
            }
        }
    }
}

/// Reads a CSV file: comma-separated, quoted cells may hold commas and line breaks, rows may
/// be ragged, a UTF-8 byte-order mark is dropped, and a file that is not UTF-8 is read as
/// Windows-1252 (what Excel writes for "CSV") with a warning. Rows are numbered as a
/// spreadsheet program shows them: blank lines count, line breaks inside a cell do not.
pub fn read_csv(path: &Path, file: &str) -> Result<(Grid, Vec<Problem>), Problem> {
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(file, &e))?
        .len();
    if size > crate::stack::load::MAX_FILE_BYTES {
        return Err(Problem {
            file: file.to_string(),
            at: String::new(),
            message: format!(
                "the file is {size} bytes; at most {} are read",
                crate::stack::load::MAX_FILE_BYTES
            ),
        });
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(file, &e))?;
    // The csv crate drops a BOM itself, but only from UTF-8 text: a BOM before bytes that are not
    // UTF-8 would otherwise reach the header as `ï»¿`.
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let mut warnings = Vec::new();
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => {
            warnings.push(Problem {
                file: file.to_string(),
                at: String::new(),
                message: "the file is not UTF-8; read as Windows-1252".to_string(),
            });
            bytes.iter().map(|&b| windows_1252(b)).collect()
        }
    };
    let rows = csv_rows(&text).map_err(|e| unreadable(file, &e))?;
    Ok((Grid { sheet: None, rows }, warnings))
}

/// Parses CSV text into numbered rows. The csv crate skips blank lines, so each record's number
/// is found from the text between the end of the previous record and the end of this one.
fn csv_rows(text: &str) -> Result<Vec<(u32, Vec<String>)>, csv::Error> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let (mut end, mut number) = (0usize, 0u32);
    while reader.read_record(&mut record)? {
        let next_end = reader.position().byte() as usize;
        let mut between = &text.as_bytes()[end..next_end];
        if end > 0 && text.as_bytes()[end - 1] == b'\r' {
            // The previous record ended on the `\r` of a `\r\n`: its `\n` is no blank line.
            between = between.strip_prefix(b"\n").unwrap_or(between);
        }
        number += 1 + leading_line_breaks(between);
        rows.push((number, record.iter().map(str::to_string).collect()));
        end = next_end;
    }
    Ok(rows)
}

/// How many line breaks (`\r\n`, `\n` or `\r`) start the text: the blank lines before a record.
fn leading_line_breaks(mut bytes: &[u8]) -> u32 {
    let mut count = 0;
    loop {
        bytes = match bytes {
            [b'\r', b'\n', rest @ ..] | [b'\n' | b'\r', rest @ ..] => rest,
            _ => return count,
        };
        count += 1;
    }
}

/// A Windows-1252 byte as a character (0x80–0x9F hold the typographic quotes and dashes Excel
/// writes; the five undefined bytes keep their Latin-1 meaning).
fn windows_1252(byte: u8) -> char {
    const HIGH: [char; 32] = [
        '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', 'Š', '‹', 'Œ', '\u{8D}', 'Ž',
        '\u{8F}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', 'š', '›', 'œ', '\u{9D}',
        'ž', 'Ÿ',
    ];
    match byte {
        0x80..=0x9F => HIGH[usize::from(byte - 0x80)],
        _ => char::from(byte),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_rows_are_numbered_as_a_spreadsheet_shows_them() {
        let text = "a,b\n\n\n1,\"x\ny\"\n2,3\r\n\r\n4\n5";
        let rows = csv_rows(text).unwrap();
        let numbers: Vec<(u32, &str)> = rows.iter().map(|(n, r)| (*n, r[0].as_str())).collect();
        assert_eq!(
            numbers,
            [(1, "a"), (4, "1"), (5, "2"), (7, "4"), (8, "5")],
            "blank lines count, a line break inside quotes does not"
        );
        assert_eq!(rows[1].1, ["1", "x\ny"]);
    }

    #[test]
    fn typed_cells_read_as_the_text_a_spreadsheet_shows() {
        use calamine::{CellErrorType, ExcelDateTime, ExcelDateTimeType};
        let cases = [
            (Data::Empty, ""),
            (Data::String(" Yes ".into()), " Yes "),
            (Data::Int(12), "12"),
            (Data::Float(12.0), "12"),
            (Data::Float(1.5), "1.5"),
            (Data::Bool(true), "TRUE"),
            (
                Data::DateTime(ExcelDateTime::new(
                    46477.0,
                    ExcelDateTimeType::DateTime,
                    false,
                )),
                "2027-03-31",
            ),
            (
                Data::DateTimeIso("2027-03-31T00:00:00".into()),
                "2027-03-31",
            ),
            (Data::Error(CellErrorType::NA), "#N/A"),
        ];
        for (cell, want) in cases {
            assert_eq!(cell_text(&cell), want, "{cell:?}");
        }
    }

    #[test]
    fn merged_cells_fill_the_rows_they_cover() {
        // The grid starts on the sheet's second row (row index 1).
        let mut rows = vec![
            vec!["t".to_string(), String::new()],
            vec![String::new(), "x".to_string()],
            vec![String::new(), String::new()],
        ];
        let merges = [
            // A2:A9, running past the grid's last row.
            Dimensions::new((1, 0), (8, 0)),
            // B1:B3, starting above the grid: its value is not in the grid.
            Dimensions::new((0, 1), (2, 1)),
        ];
        fill_merges(&mut rows, (1, 0), &merges);
        assert_eq!(rows[1], ["t", "x"]);
        assert_eq!(rows[2], ["t", ""]);
    }

    #[test]
    fn windows_1252_quotes_become_unicode() {
        let bytes = b"Customer\x92s \x93keys\x94 \xe9";
        let text: String = bytes.iter().map(|&b| windows_1252(b)).collect();
        assert_eq!(text, "Customer’s “keys” é");
    }
}
