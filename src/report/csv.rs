//! `export --format csv`: the responsibility matrix alone ([`super::matrix`]), header on the first
//! line, RFC 4180 (comma, CRLF between records, fields quoted when they must be; a line break
//! inside a cell survives inside its quotes). UTF-8 without a byte-order mark.
//!
//! Spreadsheet programs run a cell that starts with `=`, `+`, `-` or `@` as a formula (CSV
//! injection), and some also one that starts with a tab or a carriage return. Every such cell is
//! written with a `'` in front, and so is a cell that already starts with `'`, so the rule can be
//! undone exactly: a reader drops one leading `'` ([`unguard`]). Apart from that guard and the
//! escapes below, cells keep their text: `Ref` and `Why` say what the stack says.
//! Control, invisible and bidi characters are made visible as in every other report
//! ([`super::matrix::cell_text`]): a CSV file shown on a terminal cannot move the cursor or hide
//! text. The summary, the documents and party findings are in the xlsx export only.

use std::borrow::Cow;
use std::io;

use super::Context;
use super::matrix::{COLUMNS, cell_text, rows};

/// The first characters that make a spreadsheet read a cell as a formula, and `'` (see the
/// module documentation).
const GUARDED: [char; 7] = ['=', '+', '-', '@', '\t', '\r', '\''];

/// A cell as written: a `'` in front when it starts with a formula character or a `'`.
pub fn guard(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if GUARDED.contains(&c) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A cell as read back: [`guard`] undone.
pub fn unguard(cell: &str) -> &str {
    cell.strip_prefix('\'').unwrap_or(cell)
}

/// Writes the matrix as CSV.
pub fn write(ctx: &Context, out: impl io::Write) -> io::Result<()> {
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .from_writer(out);
    writer.write_record(COLUMNS)?;
    for row in rows(ctx) {
        let cells = row.cells();
        writer.write_record(cells.iter().map(|c| guard(&cell_text(c)).into_owned()))?;
    }
    writer.flush()
}

/// The matrix as CSV text.
pub fn render(ctx: &Context) -> String {
    let mut out = Vec::new();
    write(ctx, &mut out).expect("writing CSV into memory cannot fail");
    String::from_utf8(out).expect("every cell is UTF-8")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::matrix::tests::{AS_OF, Analysed, HOSTILE, REVIEW, assert_carries_entries};

    fn records(text: &str) -> Vec<Vec<String>> {
        ::csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| {
                r.expect("a CSV record")
                    .iter()
                    .map(str::to_string)
                    .collect()
            })
            .collect()
    }

    #[test]
    fn guard_prefixes_formula_characters_and_unguard_undoes_it() {
        for (cell, want) in [
            ("=1+1", "'=1+1"),
            ("+1", "'+1"),
            ("-1", "'-1"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'x", "''x"),
            ("x=1", "x=1"),
            ("", ""),
        ] {
            assert_eq!(guard(cell), want, "{cell:?}");
            assert_eq!(unguard(&guard(cell)), cell, "{cell:?}");
        }
    }

    #[test]
    fn formula_looking_cells_are_guarded_and_hostile_text_is_made_visible() {
        let a = Analysed::new(HOSTILE, AS_OF);
        let out = render(&a.ctx());
        let records = records(&out);
        assert_eq!(records[0], COLUMNS);
        assert_eq!(records.len(), 4);
        // Rows by control id as bytes: "-Y" < "=SUM(A1)" < "@X".
        let sum = &records[2];
        assert_eq!(&sum[..4], ["'-shop", "'+saas", "'=svc", "'=SUM(A1)"]);
        assert_eq!(
            sum[4], "line one\nline two",
            "a line break survives quoting"
        );
        assert_eq!(sum[5], "'+family");
        assert_eq!(sum[8], "'=doc, contract");
        assert_eq!(sum[11], "'=HYPERLINK(\"http://evil\",\"x\")");
        let at = &records[3];
        assert_eq!(at[3], "'@X");
        assert_eq!(at[4], "bidi \\u{202E}gnp.exe");
        assert_eq!(at[11], "line1\nline2");
        let y = &records[1];
        assert_eq!(y[4], "tab\\tand \\u{001B}[2J clear");
        assert_eq!(y[11], "''quoted");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202E}'),
            "nothing reaches a terminal raw"
        );
        for record in &records[1..] {
            for cell in record {
                assert!(
                    !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
                    "unguarded {cell:?}"
                );
            }
        }
    }

    #[test]
    fn records_end_in_crlf_and_the_header_is_the_first_line() {
        let a = Analysed::new(REVIEW, AS_OF);
        let out = render(&a.ctx());
        let first = out.split("\r\n").next().expect("a first line");
        assert_eq!(first, COLUMNS.join(","));
        assert_eq!(out.matches("\r\n").count(), 8, "the header and seven rows");
        assert!(out.ends_with("\r\n"));
    }

    #[test]
    fn the_csv_carries_every_entry_field_back() {
        for text in [REVIEW, HOSTILE] {
            let a = Analysed::new(text, AS_OF);
            let read: Vec<Vec<String>> = records(&render(&a.ctx()))
                .into_iter()
                .map(|r| r.iter().map(|c| unguard(c).to_string()).collect())
                .collect();
            assert_carries_entries(&a.stack, &read);
        }
    }
}
