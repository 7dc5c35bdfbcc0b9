//! The responsibility matrix, `export --format csv|xlsx`: every finding of `check` at its row,
//! rows a reviewer can read, the xlsx summary sheet, every entry field carried back, the same
//! bytes to a pipe or a file, and xlsx refused on a terminal.

use std::collections::BTreeMap;
use std::io::{Cursor, Read as _};

use calamine::{Data, Reader as _, Xlsx, open_workbook_from_rs};
use stackgap::report::matrix::column;

use super::*;

/// The matrix header, spelled out here so that a rename fails a test: the importer of §8.1
/// recognises the layout by these names.
const MATRIX_COLUMNS: [&str; 18] = [
    "Consumer",
    "Provider",
    "Service",
    "Control",
    "Control name",
    "Family",
    "Agreed",
    "Assumed",
    "Evidence",
    "Expires",
    "Evidence in force",
    "Ref",
    "Provider implements",
    "Consumer implements",
    "Status",
    "Findings",
    "Why",
    "Evidence documents",
];

fn scenario(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/scenarios")
        .join(name)
        .display()
        .to_string()
}

/// The stacks the matrix tests run on: a sample with an accepted risk, a party finding and an
/// expired entry; and the scenario with documents, refs and expiry.
fn matrix_stacks() -> [String; 2] {
    [
        sample("healthcare-records.toml"),
        scenario("evidence-documents.toml"),
    ]
}

/// The CSV export parsed back with the csv crate, the formula guard undone.
fn csv_matrix(stack: &str) -> Vec<Vec<String>> {
    let out = run_ok(&["export", stack, "--format", "csv", "--as-of", AS_OF], 0);
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(out.as_bytes())
        .records()
        .map(|r| {
            r.expect("a CSV record")
                .iter()
                .map(|c| stackgap::report::csv::unguard(c).to_string())
                .collect()
        })
        .collect()
}

/// The xlsx export written with -o, read back.
fn xlsx_export(stack: &str, extra: &[&str]) -> Vec<u8> {
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("review.xlsx").display().to_string();
    let mut args = vec![
        "export", stack, "--format", "xlsx", "--as-of", AS_OF, "-o", &out,
    ];
    args.extend_from_slice(extra);
    assert_eq!(run_ok(&args, 0), "", "-o prints nothing");
    std::fs::read(&out).expect("the workbook is written")
}

fn xlsx_sheet(bytes: &[u8], name: &str) -> Vec<Vec<String>> {
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
                    other => panic!("{name}: unexpected cell {other:?}"),
                })
                .collect()
        })
        .collect()
}

fn xlsx_part(bytes: &[u8], name: &str) -> String {
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).expect("an xlsx is a zip");
    let mut text = String::new();
    zip.by_name(name)
        .expect("the part")
        .read_to_string(&mut text)
        .expect("UTF-8 XML");
    text
}

/// The row of a matrix at (consumer, provider, service, control); there must be one.
fn matrix_row<'m>(matrix: &'m [Vec<String>], place: [&str; 4]) -> &'m [String] {
    let rows: Vec<&Vec<String>> = matrix[1..].iter().filter(|r| r[..4] == place).collect();
    assert_eq!(rows.len(), 1, "one row at {place:?}");
    rows[0]
}

/// Every hand-off finding of `check --format json` is at its row, with its kind, side, message
/// and a status at least as bad; every party finding is on the summary sheet when there is one;
/// and the matrix lists no finding that check does not.
fn assert_findings_at_their_rows(
    report: &Value,
    matrix: &[Vec<String>],
    summary: Option<&[Vec<String>]>,
) {
    assert_eq!(matrix[0], MATRIX_COLUMNS);
    let (mut at_handoffs, mut listed) = (0, 0);
    for f in report["findings"].as_array().expect("findings") {
        let s = |k: &str| f[k].as_str().unwrap_or("").to_string();
        let (kind, accepted) = (s("kind"), f["accepted"] == true);
        if f["party"].is_string() {
            if let Some(summary) = summary {
                let want = [s("party"), s("control")];
                assert!(
                    summary
                        .iter()
                        .any(|r| r.len() > 3 && r[..2] == want && r[3].starts_with(kind.as_str())),
                    "party finding {want:?} {kind} on the summary"
                );
            }
            continue;
        }
        at_handoffs += 1;
        let place = [s("consumer"), s("provider"), s("service"), s("control")];
        let row = matrix_row(matrix, place.each_ref().map(String::as_str));
        let item = match f["side"].as_str() {
            Some(side) if accepted => format!("{kind} ({side}, accepted)"),
            Some(side) => format!("{kind} ({side})"),
            None if accepted => format!("{kind} (accepted)"),
            None => kind.clone(),
        };
        assert!(
            row[15].split("; ").any(|i| i == item),
            "{place:?}: {item} in {:?}",
            row[15]
        );
        assert!(
            row[16].contains(&s("message")),
            "{place:?}: why {:?}",
            row[16]
        );
        let worst_allowed: &[&str] = match (accepted, s("severity").as_str()) {
            (false, "gap") => &["GAP"],
            (false, _) => &["GAP", "WARNING"],
            (true, _) => &["GAP", "WARNING", "ACCEPTED"],
        };
        assert!(
            worst_allowed.contains(&row[14].as_str()),
            "{place:?}: {}",
            row[14]
        );
    }
    for row in &matrix[1..] {
        listed += row[15].split("; ").filter(|i| !i.is_empty()).count();
        assert_eq!(row[15].is_empty(), row[14] == "OK", "{row:?}");
    }
    assert_eq!(
        listed, at_handoffs,
        "the matrix lists exactly check's hand-off findings"
    );
}

#[test]
fn the_matrix_shows_every_finding_of_check_at_its_row_in_csv_and_xlsx() {
    for stack in matrix_stacks() {
        let report = json(
            &[
                "check",
                &stack,
                "--format",
                "json",
                "--as-of",
                AS_OF,
                "--fail-on",
                "never",
            ],
            0,
        );
        let csv = csv_matrix(&stack);
        assert_findings_at_their_rows(&report, &csv, None);
        let bytes = xlsx_export(&stack, &[]);
        let book: Xlsx<_> = open_workbook_from_rs(Cursor::new(&bytes[..])).expect("an xlsx");
        assert_eq!(book.sheet_names(), ["Summary", "Matrix"], "{stack}");
        let matrix = xlsx_sheet(&bytes, "Matrix");
        let summary = xlsx_sheet(&bytes, "Summary");
        assert_findings_at_their_rows(&report, &matrix, Some(&summary));
        assert_eq!(matrix, csv, "{stack}: both formats hold the same cells");
        let sheet = xlsx_part(&bytes, "xl/worksheets/sheet2.xml");
        assert!(
            sheet.contains(r#"state="frozen""#) && sheet.contains(r#"ySplit="1""#),
            "frozen header"
        );
        let filter = format!(r#"<autoFilter ref="A1:R{}"/>"#, matrix.len());
        assert!(sheet.contains(&filter), "{filter} in {stack}");
    }
}

#[test]
fn known_rows_of_the_matrix_read_as_a_reviewer_expects() {
    let [healthcare, documents] = matrix_stacks();
    let csv = csv_matrix(&documents);
    let b = matrix_row(&csv, ["c", "p", "", "B"]);
    assert_eq!(
        b[4..],
        [
            "cites last year's report, expired on 2026-10-31",
            "",
            "provider",
            "",
            "soc2-2025",
            "",
            "none — soc2-2025 expired 2026-10-31",
            "CAIQ-BCR-08.1",
            "Yes",
            "No",
            "WARNING",
            "weak-assurance (provider)",
            "B is delivered, but the assurance is none (below attested) along c → p; weakest link c → p (evidence none); evidence document soc2-2025, cited by c → p, expired on 2026-10-31",
            "soc2-2025 = { level = \"attested\", expires = 2026-10-31 }",
        ]
    );
    // Every field of a document, one line per document cited.
    assert_eq!(
        matrix_row(&csv, ["c", "p", "", "A"])[column::DOCUMENTS],
        "soc2-2026 = { level = \"attested\", title = \"SOC 2 Type II 2026\", issuer = \"Example Audit LLP\", party = \"p\", issued = 2026-01-15, expires = 2027-01-15, covers = [\"A\", \"E\", \"F\"], ref = \"vault://reports/p-soc2-2026.pdf\" }"
    );
    assert_eq!(
        matrix_row(&csv, ["top", "c", "", "A"])[column::DOCUMENTS],
        ""
    );
    let a = matrix_row(&csv, ["c", "p", "", "A"]);
    assert_eq!(
        a[10..15],
        [
            "attested (soc2-2026 \"SOC 2 Type II 2026\", attested, expires 2027-01-15)",
            "MSA-7.2",
            "Yes",
            "No",
            "OK"
        ]
    );
    let d = matrix_row(&csv, ["c", "p", "", "D"]);
    assert_eq!(d[9..11], ["2026-11-01", "none — entry expired 2026-11-01"]);

    let bytes = xlsx_export(&healthcare, &[]);
    let matrix = xlsx_sheet(&bytes, "Matrix");
    let log = matrix_row(&matrix, ["aldhelm", "carevault", "EHR", "LOG-ACCESS"]);
    assert_eq!(log[6], "shared");
    assert_eq!(log[14], "ACCEPTED");
    assert_eq!(log[15], "not-delivered (consumer, accepted)");
    assert!(
        log[16].contains("— accepted: Privacy office samples"),
        "{}",
        log[16]
    );
    assert!(
        log[16].ends_with("(RISK-2026-031, by Group CISO, until 2027-06-30)"),
        "{}",
        log[16]
    );
    let summary = xlsx_sheet(&bytes, "Summary");
    let value = |label: &str| {
        summary
            .iter()
            .find(|r| r[0] == label)
            .map(|r| r[1].clone())
            .unwrap_or_else(|| panic!("{label} on the summary"))
    };
    assert_eq!(value("Open gaps"), "6");
    assert_eq!(value("Open warnings"), "3");
    assert_eq!(value("Accepted (gaps and warnings)"), "1");
    assert_eq!(value("Input SHA-256"), sha256_of(&healthcare));
    assert_eq!(value("stackgap version"), VERSION);
    assert_eq!(value("Analysis date"), AS_OF);
}

#[test]
fn the_xlsx_summary_names_the_what_ifs_documents_and_expiring_evidence() {
    let documents = scenario("evidence-documents.toml");
    let bytes = xlsx_export(
        &documents,
        &["--without", "c", "--min-evidence", "verified"],
    );
    let summary = xlsx_sheet(&bytes, "Summary");
    let row = |first: &str| {
        summary
            .iter()
            .find(|r| r[0] == first)
            .unwrap_or_else(|| panic!("{first} on the summary"))
            .clone()
    };
    assert_eq!(row("Switched off (what-if)")[1], "c");
    assert_eq!(row("Minimum evidence")[1], "verified (from --min-evidence)");
    // A, E and F cite it (the expiring note counts only the two that deliver assurance).
    let soc2 = row("soc2-2026");
    assert_eq!(
        soc2[..6],
        [
            "soc2-2026",
            "SOC 2 Type II 2026",
            "attested",
            "Yes",
            "2027-01-15",
            "3"
        ]
    );
    assert_eq!(row("soc2-2025")[3], "No — expired");
    assert!(
        summary
            .iter()
            .any(|r| r[0]
                .starts_with("document soc2-2026 (SOC 2 Type II 2026) expires on 2027-01-15")),
        "the expiring note"
    );
    for status in ["GAP", "WARNING", "ACCEPTED", "OK"] {
        assert!(row(status)[1].len() > 10, "legend for {status}");
    }
}

/// Every entry of a stack file as written, per hand-off: (control, agreed, assumed, evidence
/// items joined by ", ", expires, ref), sorted.
type Written = BTreeMap<[String; 3], Vec<[String; 6]>>;

fn entries_written(path: &str) -> Written {
    let table: toml::Table = std::fs::read_to_string(path)
        .expect("read stack")
        .parse()
        .expect("stack is TOML");
    let mut all = Written::new();
    for h in table["handoff"].as_array().expect("hand-offs") {
        let s = |k: &str| h.get(k).and_then(|v| v.as_str()).unwrap_or("").to_string();
        let list = all
            .entry([s("consumer"), s("provider"), s("service")])
            .or_default();
        let Some(controls) = h.get("controls").and_then(|c| c.as_table()) else {
            continue;
        };
        for (control, v) in controls {
            let field = |k: &str| match v.get(k) {
                Some(toml::Value::String(s)) => s.clone(),
                Some(toml::Value::Datetime(d)) => d.to_string(),
                Some(toml::Value::Array(items)) => items
                    .iter()
                    .map(|i| i.as_str().expect("evidence items are strings"))
                    .collect::<Vec<_>>()
                    .join(", "),
                _ => String::new(),
            };
            let agreed = v.as_str().map_or_else(|| field("agreed"), str::to_string);
            list.push([
                control.clone(),
                agreed,
                field("assumed"),
                field("evidence"),
                field("expires"),
                field("ref"),
            ]);
        }
        list.sort();
    }
    all
}

/// The same, read back from a matrix by its column names only.
fn entries_read(matrix: &[Vec<String>]) -> Written {
    let at = |name: &str| matrix[0].iter().position(|h| h == name).expect(name);
    let place = ["Consumer", "Provider", "Service"].map(at);
    let fields = ["Control", "Agreed", "Assumed", "Evidence", "Expires", "Ref"].map(at);
    let mut all = Written::new();
    for row in &matrix[1..] {
        all.entry(place.map(|c| row[c].clone()))
            .or_default()
            .push(fields.map(|c| row[c].clone()));
    }
    for list in all.values_mut() {
        list.sort();
    }
    all
}

#[test]
fn the_matrix_carries_every_entry_field_back_per_handoff() {
    let mut stacks: Vec<String> = sample_stacks()
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    stacks.push(scenario("evidence-documents.toml"));
    for stack in stacks {
        let written = entries_written(&stack);
        let csv = csv_matrix(&stack);
        assert_eq!(entries_read(&csv), written, "{stack} through CSV");
        let matrix = xlsx_sheet(&xlsx_export(&stack, &[]), "Matrix");
        assert_eq!(entries_read(&matrix), written, "{stack} through xlsx");
    }
}

#[test]
fn xlsx_goes_to_a_pipe_or_a_file_the_same_bytes_every_run() {
    let documents = scenario("evidence-documents.toml");
    let piped = run(&["export", &documents, "--format", "xlsx", "--as-of", AS_OF]);
    assert_eq!(piped.status.code(), Some(0), "{}", text(&piped.stderr));
    assert!(piped.stdout.starts_with(b"PK"), "a zip on standard output");
    assert_eq!(
        piped.stdout,
        xlsx_export(&documents, &[]),
        "pipe and -o agree"
    );
    let again = run(&["export", &documents, "--format", "xlsx", "--as-of", AS_OF]);
    assert_eq!(piped.stdout, again.stdout, "deterministic");
    let dir = tempfile::tempdir().expect("temp dir");
    let out = dir.path().join("matrix.csv").display().to_string();
    let shown = run_ok(
        &["export", &documents, "--format", "csv", "--as-of", AS_OF],
        0,
    );
    run_ok(
        &[
            "export", &documents, "--format", "csv", "--as-of", AS_OF, "-o", &out,
        ],
        0,
    );
    assert_eq!(std::fs::read_to_string(&out).expect("written"), shown);
}

#[test]
fn xlsx_is_refused_on_a_terminal_with_a_hint() {
    use portable_pty::{CommandBuilder, PtySize, native_pty_system};
    let pair = native_pty_system()
        .openpty(PtySize {
            rows: 24,
            cols: 200,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("open a pty");
    let mut cmd = CommandBuilder::new(env!("CARGO_BIN_EXE_stackgap"));
    cmd.args([
        "export",
        &scenario("evidence-documents.toml"),
        "--format",
        "xlsx",
    ]);
    let mut child = pair.slave.spawn_command(cmd).expect("spawn on the pty");
    drop(pair.slave);
    let mut reader = pair.master.try_clone_reader().expect("pty reader");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let mut out = Vec::new();
        let mut buf = [0u8; 4096];
        // On Linux the master reads EIO once the child has gone: that is the end.
        while let Ok(n) = reader.read(&mut buf) {
            if n == 0 {
                break;
            }
            out.extend_from_slice(&buf[..n]);
        }
        let _ = tx.send(out);
    });
    let out = rx
        .recv_timeout(std::time::Duration::from_secs(30))
        .expect("stackgap finishes on a terminal");
    let status = child.wait().expect("child exits");
    drop(pair.master);
    assert_eq!(status.exit_code(), 2);
    let out = String::from_utf8_lossy(&out);
    assert!(out.contains("-o review.xlsx"), "{out}");
    assert!(
        !out.contains("PK"),
        "no workbook bytes on the terminal: {out}"
    );
}
