//! Whole matrices read end to end: CAIQ workbooks built here with rust_xlsxwriter, one written
//! by openpyxl (committed), FedRAMP-style CSV files, and every fatal and warning case with the
//! file, sheet and row it names.

use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook as XlsxBook};
use tempfile::TempDir;

use super::*;
use crate::import::{Field, ImportControl, ImportEntry};

/// Writes a workbook: sheets in order, each a list of rows with cells separated by `|` (empty
/// cells are left unwritten, as a spreadsheet program leaves them).
pub(super) fn write_book(path: &Path, sheets: &[(&str, &[&str])]) -> XlsxBook {
    let mut book = XlsxBook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet();
        sheet.set_name(*name).expect("a valid sheet name");
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.split('|').enumerate() {
                if !cell.is_empty() {
                    sheet
                        .write_string(r as u32, c as u16, cell)
                        .expect("a cell");
                }
            }
        }
    }
    book.save(path).expect("the workbook is written");
    book
}

pub(super) fn options(consumer: &str, provider: &str) -> MatrixOptions {
    MatrixOptions {
        consumer: consumer.to_string(),
        provider: provider.to_string(),
        ..MatrixOptions::default()
    }
}

fn entry(control: &str, agreed: Option<Owner>, reference: &str) -> ImportEntry {
    ImportEntry {
        control: control.to_string(),
        agreed: agreed.map_or(Field::Unset, Field::Set),
        assumed: Field::Keep,
        evidence: Field::Keep,
        expires: Field::Keep,
        reference: reference.to_string(),
    }
}

fn delegated(control: &str, reference: &str) -> ImportEntry {
    ImportEntry {
        evidence: Field::Set(vec!["none".to_string()]),
        ..entry(control, Some(Owner::Provider), reference)
    }
}

fn control(id: &str, name: &str, family: &str) -> ImportControl {
    ImportControl {
        id: id.to_string(),
        name: name.to_string(),
        family: Some(family.to_string()),
    }
}

fn implements(list: &[(&str, bool)]) -> Vec<(String, bool)> {
    list.iter().map(|(c, b)| (c.to_string(), *b)).collect()
}

/// The CAIQ v4 columns in CSA's order.
const CAIQ_HEADER: &str = "Question ID|Question|CSP CAIQ Answer|SSRM Control Ownership|\
    CSP Implementation Description (Optional/Recommended)|\
    CSC Responsibilities (Optional/Recommended)|CCM Control ID|CCM Control Specification|\
    CCM Control Title|CCM Domain Title";

/// The CAIQ workbook most tests read: an `Introduction` sheet first, a `CAIQ Guide` sheet
/// without a header, then the questionnaire with a merged title row above its header, a control
/// title merged down two rows, an answer merged over two questions, lower-case and padded
/// answers, a blank row, an NA-only control and two outsourced ones.
fn write_caiq(dir: &Path) -> PathBuf {
    let path = dir.join("Example CAIQ.xlsx");
    // Question ID | Question | answer | ownership | | | CCM id | | CCM title
    let rows = [
        "Consensus Assessments Initiative Questionnaire v4.0.3",
        "Example Cloud Ltd",
        "",
        CAIQ_HEADER,
        "A&A-01.1|Are audit policies established?|yes|CSP-owned|||A&A-01",
        "A&A-01.2|Are they reviewed annually?| YES |csp-owned ",
        "",
        "A&A-02.1|Are independent assessments conducted?|No|Shared CSP and CSC|||A&A-02||Independent Assessments",
        "BCR-08.1|Is cloud data backed up?|NA|CSP-owned|||BCR-08||Backup",
        "BCR-08.2|Can backups be restored?|n/a||||BCR-08",
        "CEK-03.1|Is data encrypted at rest?|Yes|3rd-party outsourced|||CEK-03||Data Encryption",
        "STA-08.1|Are supply chain risks managed?|No|Shared CSP and 3rd-party|||STA-08||Supply Chain Risk Management",
        "IAM-14.1|Is multifactor\nauthentication  used?|Yes|CSC-owned|||IAM-14",
        "IAM-14.2|Are certificates used for systems?||CSP-owned|||IAM-14",
        "DSP-17.1|Is sensitive data protected?|Yes||||DSP-17||Sensitive Data Protection",
    ];
    let mut book = write_book(
        &path,
        &[
            ("Introduction", &["How to answer the CAIQ"]),
            ("CAIQ Guide", &["Answer Yes, No or NA."]),
            ("CAIQv4.0.3", &rows),
        ],
    );
    let sheet = book.worksheet_from_name("CAIQv4.0.3").expect("the sheet");
    let plain = Format::new();
    sheet
        .merge_range(0, 0, 0, 9, rows[0], &Format::new().set_bold())
        .expect("a merged title");
    sheet
        .merge_range(
            4,
            8,
            5,
            8,
            "Audit and Assurance Policy and Procedures",
            &plain,
        )
        .expect("a merged control title");
    // IAM-14's answer spans both of its questions: IAM-14.2 says "Yes" too.
    sheet
        .merge_range(12, 2, 13, 2, "Yes", &plain)
        .expect("a merged answer");
    book.save(&path).expect("the workbook is written");
    path
}

#[test]
fn a_caiq_workbook_gives_every_entry_implementation_and_delegation() {
    let dir = TempDir::new().unwrap();
    let import = read(&write_caiq(dir.path()), &options("acme", "cloudco")).expect("it reads");
    let caiq = |ids: &str| format!("CAIQ {ids}");
    let want = Import {
        name: "Import of Example CAIQ.xlsx".to_string(),
        controls: vec![
            control("A&A-01", "Audit and Assurance Policy and Procedures", "A&A"),
            control("A&A-02", "Independent Assessments", "A&A"),
            control("CEK-03", "Data Encryption", "CEK"),
            control("STA-08", "Supply Chain Risk Management", "STA"),
            control("IAM-14", "Is multifactor authentication used?", "IAM"),
            control("DSP-17", "Sensitive Data Protection", "DSP"),
        ],
        parties: vec![
            ImportParty {
                id: "acme".to_string(),
                name: None,
                layer_of: None,
                implements: vec![],
            },
            ImportParty {
                id: "cloudco".to_string(),
                name: None,
                layer_of: None,
                implements: implements(&[
                    ("A&A-01", true),
                    ("A&A-02", false),
                    ("CEK-03", false),
                    ("STA-08", false),
                    ("IAM-14", true),
                    ("DSP-17", false),
                ]),
            },
            ImportParty {
                id: "cloudco-third-parties".to_string(),
                name: Some("Third parties of cloudco".to_string()),
                layer_of: Some("cloudco".to_string()),
                implements: implements(&[("CEK-03", true), ("STA-08", false)]),
            },
        ],
        handoffs: vec![
            ImportHandoff {
                consumer: "acme".to_string(),
                provider: "cloudco".to_string(),
                service: None,
                agreement: None,
                entries: vec![
                    entry("A&A-01", Some(Owner::Provider), &caiq("A&A-01.1, A&A-01.2")),
                    entry("A&A-02", Some(Owner::Shared), &caiq("A&A-02.1")),
                    entry("CEK-03", Some(Owner::Provider), &caiq("CEK-03.1")),
                    entry("STA-08", Some(Owner::Provider), &caiq("STA-08.1")),
                    entry("IAM-14", Some(Owner::Shared), &caiq("IAM-14.1, IAM-14.2")),
                    entry("DSP-17", None, &caiq("DSP-17.1")),
                ],
            },
            ImportHandoff {
                consumer: "cloudco".to_string(),
                provider: "cloudco-third-parties".to_string(),
                service: Some("outsourced".to_string()),
                agreement: None,
                entries: vec![
                    delegated("CEK-03", &caiq("CEK-03.1")),
                    delegated("STA-08", &caiq("STA-08.1")),
                ],
            },
        ],
        documents: Vec::new(),
        warnings: vec![],
    };
    assert_eq!(import, want);
}

#[test]
fn assumed_evidence_and_service_apply_to_the_consumer_handoff_only() {
    let dir = TempDir::new().unwrap();
    let options = MatrixOptions {
        service: Some("IaaS".to_string()),
        assumed: Some(Owner::Provider),
        evidence: Some("cloudco-soc2-2025".to_string()),
        ..options("acme", "cloudco")
    };
    let import = read(&write_caiq(dir.path()), &options).expect("it reads");
    let [direct, outsourced] = &import.handoffs[..] else {
        panic!("two hand-offs: {:?}", import.handoffs)
    };
    assert_eq!(direct.service.as_deref(), Some("IaaS"));
    for entry in &direct.entries {
        assert_eq!(entry.assumed, Field::Set(Owner::Provider), "{entry:?}");
        assert_eq!(
            entry.evidence,
            Field::Set(vec!["cloudco-soc2-2025".to_string()])
        );
    }
    assert_eq!(outsourced.service.as_deref(), Some("outsourced"));
    for entry in &outsourced.entries {
        assert_eq!(entry.assumed, Field::Keep, "{entry:?}");
        assert_eq!(entry.evidence, Field::Set(vec!["none".to_string()]));
    }
}

#[test]
fn a_caiq_workbook_written_by_openpyxl() {
    let path =
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/import/caiq-v4-openpyxl.xlsx");
    let import = read(&path, &options("acme", "examplecloud")).expect("it reads");
    assert_eq!(import.warnings, vec![]);
    let ids: Vec<&str> = import.controls.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "A&A-01", "A&A-02", "BCR-08", "CEK-03", "DCS-01", "IAM-14", "STA-08", "TVM-01"
        ],
        "DSP-17 is answered NA only"
    );
    assert_eq!(
        import.controls[0],
        control("A&A-01", "Audit and Assurance Policy and Procedures", "A&A")
    );
    let caiq = |ids: &str| format!("CAIQ {ids}");
    assert_eq!(
        import.handoffs[0].entries,
        [
            entry("A&A-01", Some(Owner::Provider), &caiq("A&A-01.1, A&A-01.2")),
            entry("A&A-02", Some(Owner::Provider), &caiq("A&A-02.1")),
            entry(
                "BCR-08",
                Some(Owner::Shared),
                &caiq("BCR-08.1, BCR-08.2, BCR-08.3")
            ),
            entry("CEK-03", Some(Owner::Provider), &caiq("CEK-03.1")),
            entry("DCS-01", Some(Owner::Provider), &caiq("DCS-01.1")),
            entry("IAM-14", Some(Owner::Shared), &caiq("IAM-14.1, IAM-14.2")),
            entry("STA-08", Some(Owner::Provider), &caiq("STA-08.1")),
            entry("TVM-01", None, &caiq("TVM-01.1")),
        ]
    );
    assert_eq!(
        import.parties[1].implements,
        implements(&[
            ("A&A-01", true),
            ("A&A-02", true),
            ("BCR-08", false),
            ("CEK-03", true),
            ("DCS-01", false),
            ("IAM-14", true),
            ("STA-08", false),
            ("TVM-01", false),
        ])
    );
    assert_eq!(import.parties[2].id, "examplecloud-third-parties");
    assert_eq!(
        import.parties[2].implements,
        implements(&[("DCS-01", false), ("STA-08", true)])
    );
    assert_eq!(
        import.handoffs[1].entries,
        [
            delegated("DCS-01", &caiq("DCS-01.1")),
            delegated("STA-08", &caiq("STA-08.1"))
        ]
    );
}

/// A FedRAMP-style customer responsibility matrix: a byte-order mark, two title rows, a quoted
/// cell over two lines, a blank line, ragged rows, one control on two rows.
const CRM: &str = "\u{feff}FedRAMP Customer Responsibility Matrix,,,\n\
System: Example Cloud (Moderate),,,\n\
Control ID,Control Name,Responsibility,Customer Responsibility\n\
AC-2,Account Management,Shared,\"The customer manages\n\
its own accounts.\"\n\
AC-2 (1),Automated System Account Management,customer,\n\
AC-3,Access Enforcement,Inherited\n\
\n\
AC-17,Remote Access,HYBRID,\"Customer configures VPN, MFA.\"\n\
AU-2,Event Logging,Inherited,,extra,cells\n\
SC-7,Boundary Protection,Customer,\n\
SC-7,Boundary Protection,Inherited,\n";

fn crm_options() -> MatrixOptions {
    MatrixOptions {
        id_col: Some("Control ID".to_string()),
        owner_col: Some("Responsibility".to_string()),
        owner_map: Some(
            parse_owner_map("Customer=consumer,Inherited=provider,Shared=shared,Hybrid=shared")
                .expect("a valid map"),
        ),
        ..options("agency", "examplecloud")
    }
}

#[test]
fn a_fedramp_crm_csv_with_an_owner_map() {
    let dir = TempDir::new().unwrap();
    std::fs::create_dir(dir.path().join("from-vendor")).unwrap();
    let path = dir.path().join("from-vendor").join("crm.csv");
    std::fs::write(&path, CRM).unwrap();
    let import = read(&path, &crm_options()).expect("it reads");
    assert_eq!(
        import.handoffs[0].entries,
        [
            entry("AC-2", Some(Owner::Shared), "crm.csv row 4"),
            entry("AC-2(1)", Some(Owner::Consumer), "crm.csv row 5"),
            entry("AC-3", Some(Owner::Provider), "crm.csv row 6"),
            entry("AC-17", Some(Owner::Shared), "crm.csv row 8"),
            entry("AU-2", Some(Owner::Provider), "crm.csv row 9"),
            entry("SC-7", Some(Owner::Shared), "crm.csv rows 10, 11"),
        ],
        "rows as a spreadsheet numbers them; the file's name without its folder"
    );
    assert_eq!(import.controls[1], control("AC-2(1)", "AC-2(1)", "AC"));
    assert_eq!(import.handoffs.len(), 1, "nothing outsourced");
    assert!(import.parties[1].implements.iter().all(|(_, i)| !i));
    assert_eq!(
        import.warnings,
        [Problem {
            file: path.display().to_string(),
            at: "row 3".to_string(),
            message: "no answer column \"CSP CAIQ Answer\": every answer counts as \"No\", so \
                      the provider is recorded as implementing nothing (name the column with \
                      --answer-col)"
                .to_string(),
        }]
    );
}

#[test]
fn an_answer_column_named_by_option_and_a_windows_1252_file() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("CRM.CSV");
    let text = b"Control ID,Responsibility,Implemented\n\
AC-2,Inherited,Yes\n\
AC-3,Inherited,No\n\
AC-4,Customer\x92s,Yes\n";
    std::fs::write(&path, text).unwrap();
    let options = MatrixOptions {
        answer_col: Some("implemented".to_string()),
        ..crm_options()
    };
    let import = read(&path, &options).expect("it reads");
    assert_eq!(
        import.parties[1].implements,
        implements(&[("AC-2", true), ("AC-3", false), ("AC-4", false)])
    );
    let warnings: Vec<(&str, &str)> = import
        .warnings
        .iter()
        .map(|w| (w.at.as_str(), w.message.as_str()))
        .collect();
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert_eq!(
        warnings[0],
        ("", "the file is not UTF-8; read as Windows-1252")
    );
    assert_eq!(warnings[1].0, "row 4");
    assert!(
        warnings[1]
            .1
            .starts_with("column \"Responsibility\": unknown ownership value \"Customer’s\""),
        "{}",
        warnings[1].1
    );
    assert_eq!(import.handoffs[0].entries[2].agreed, Field::Unset);
}

#[test]
fn owner_maps_parse_or_say_what_is_wrong() {
    let ok = parse_owner_map(" Customer = consumer , Inherited=PROVIDER,Hybrid=shared,,Vendor=outsourced,Not applicable=none")
        .expect("a valid map");
    assert_eq!(ok.len(), 5);
    let cases = [
        ("", "maps no value"),
        ("Customer", "\"Customer\" is not VALUE=TARGET"),
        ("=consumer", "maps no value"),
        (
            "Customer=client",
            "\"client\" is not one of \"provider\", \"consumer\"",
        ),
        ("Customer=consumr", "(did you mean \"consumer\"?)"),
        (
            "Customer=consumer,customer=provider",
            "\"customer\" is mapped twice",
        ),
    ];
    for (map, part) in cases {
        let message = parse_owner_map(map).expect_err(map);
        assert!(message.contains(part), "{map:?}: {message}");
    }
}

/// What a fatal problem must say: its `at`, and parts of its message.
fn assert_fatal(result: Result<Import, Problem>, file: &Path, at: &str, parts: &[&str]) {
    let problem = result.expect_err("a fatal problem");
    assert_eq!(problem.file, file.display().to_string(), "{problem}");
    assert_eq!(problem.at, at, "{problem}");
    for part in parts {
        assert!(problem.message.contains(part), "{part:?} in {problem}");
    }
}

#[test]
fn files_that_cannot_be_read_are_fatal() {
    let dir = TempDir::new().unwrap();
    let write = |name: &str, text: &str| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path
    };
    let extensions = ".xlsx, .xlsm, .xlsb, .xls, .ods, .csv";
    let cases = [
        (
            write("answers.pdf", "%PDF"),
            vec!["\".pdf\" is not a spreadsheet extension", extensions],
        ),
        (
            write("README", "text"),
            vec!["the file has no extension", extensions],
        ),
        (dir.path().join("missing.xlsx"), vec!["cannot read it"]),
        (dir.path().join("missing.csv"), vec!["cannot read it"]),
        (write("broken.xlsx", "not a zip"), vec!["cannot read it"]),
        (write("broken.ods", "not a zip"), vec!["cannot read it"]),
    ];
    for (path, parts) in cases {
        assert_fatal(read(&path, &options("acme", "cloudco")), &path, "", &parts);
    }
}

#[test]
fn a_sheet_without_a_header_row_is_fatal_and_says_what_was_there() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("vendor.xlsx");
    write_book(
        &path,
        &[
            (
                "Introduction",
                &["About this questionnaire", "Question Id.|Reply|Owner"],
            ),
            ("CAIQ Notes", &["Question ID|Notes"]),
        ],
    );
    assert_fatal(
        read(&path, &options("acme", "cloudco")),
        &path,
        "sheet \"Introduction\"",
        &[
            "in rows 1–20 (the first sheet; the sheets named CAIQ… have none either: \
             \"CAIQ Notes\")",
            "an id column (\"Question ID\" or \"CCM Control ID\")",
            "an ownership column (\"SSRM Control Ownership\")",
            "nor a stackgap export header",
            "cells seen: \"About this questionnaire\", \"Question Id.\", \"Reply\" and \"Owner\"",
            "name the columns with --id-col and --owner-col",
            "did you mean --id-col \"Question Id.\"?",
        ],
    );

    let path = dir.path().join("crm.csv");
    std::fs::write(&path, "Control ID,Responsibilty\nAC-2,Customer\n").unwrap();
    assert_fatal(
        read(&path, &crm_options()),
        &path,
        "",
        &[
            "no header row with an id column (\"Control ID\", --id-col)",
            "(\"Responsibility\", --owner-col) in rows 1–20;",
            "(\"Responsibility\", --owner-col)",
            "did you mean --owner-col \"Responsibilty\"?",
        ],
    );

    // A header on row 21 is too far down.
    let path = dir.path().join("late.csv");
    let text = format!(
        "{}Question ID,SSRM Control Ownership\nA-1.1,CSP-owned\n",
        "title\n".repeat(20)
    );
    std::fs::write(&path, text).unwrap();
    assert_fatal(
        read(&path, &options("acme", "cloudco")),
        &path,
        "",
        &["\"Agreed\") in rows 1–20;"],
    );
}

#[test]
fn a_header_without_data_rows_is_fatal() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("empty.xlsx");
    write_book(
        &path,
        &[(
            "CAIQv4",
            &[
                "CAIQ",
                "",
                "Question ID|CSP CAIQ Answer|SSRM Control Ownership",
                "|Yes|CSP-owned",
            ],
        )],
    );
    assert_fatal(
        read(&path, &options("acme", "cloudco")),
        &path,
        "sheet \"CAIQv4\", row 3",
        &["no data row below the header row"],
    );
    let path = dir.path().join("empty.csv");
    std::fs::write(&path, "Consumer,Provider,Control,Agreed\n").unwrap();
    assert_fatal(
        read(&path, &options("acme", "cloudco")),
        &path,
        "row 1",
        &["no data row"],
    );
}

#[test]
fn bad_arguments_are_fatal_before_the_file_is_read() {
    let path = Path::new("never-read.xlsx");
    let cases = [
        (
            options("acme", "acme"),
            "--consumer and --provider are both \"acme\"",
        ),
        (
            options("ac me", "cloudco"),
            "--consumer \"ac me\": an id must not contain whitespace",
        ),
        (
            options("acme", ""),
            "--provider \"\": an id must not be empty",
        ),
        (
            MatrixOptions {
                evidence: Some("SOC 2".to_string()),
                ..options("acme", "cloudco")
            },
            "--evidence \"SOC 2\"",
        ),
        (
            MatrixOptions {
                owner_col: Some("  ".to_string()),
                ..options("acme", "cloudco")
            },
            "--owner-col must name a column",
        ),
        (
            MatrixOptions {
                owner_map: Some(OwnerMap::default()),
                ..options("acme", "cloudco")
            },
            "--owner-map maps no value",
        ),
    ];
    for (options, part) in cases {
        assert_fatal(read(path, &options), path, "", &[part]);
    }
}

#[test]
fn row_problems_are_warnings_that_name_the_sheet_row_and_column() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("caiq.xlsx");
    write_book(
        &path,
        &[(
            "CAIQv4",
            &[
                "Question ID|CSP CAIQ Answer|SSRM Control Ownership",
                "A&A-01.1|Yes|CSP owned",
                "A&A-01.2|Partially|CSP-owned",
                "A&A\u{200B}-02.1|Yes|CSP-owned",
                "BCR-01.1|NA|CSP-owned",
            ],
        )],
    );
    let import = read(&path, &options("acme", "cloudco")).expect("it reads");
    let at = |row: u32| format!("sheet \"CAIQv4\", row {row}");
    let warnings: Vec<(String, &str)> = import
        .warnings
        .iter()
        .map(|w| (w.at.clone(), w.message.as_str()))
        .collect();
    assert_eq!(warnings.len(), 3, "{warnings:?}");
    assert_eq!(warnings[0].0, at(2));
    assert!(
        warnings[0].1.starts_with(
            "column \"SSRM Control Ownership\": unknown ownership value \"CSP owned\", counted as empty"
        ) && warnings[0].1.ends_with("(did you mean \"CSP-owned\"?)"),
        "{}",
        warnings[0].1
    );
    assert_eq!(warnings[1].0, at(3));
    assert!(
        warnings[1].1.starts_with(
            "column \"CSP CAIQ Answer\": unknown answer \"Partially\", counted as \"No\""
        ),
        "{}",
        warnings[1].1
    );
    assert_eq!(warnings[2].0, at(4));
    assert!(
        warnings[2].1.contains("column \"Question ID\"")
            && warnings[2].1.contains("invisible")
            && warnings[2].1.ends_with("the row is skipped"),
        "{}",
        warnings[2].1
    );
    assert!(
        import
            .warnings
            .iter()
            .all(|w| w.file == path.display().to_string())
    );
    // The unknown ownership counts as empty, the unknown answer as No; BCR-01 is all NA.
    assert_eq!(
        import.handoffs[0].entries,
        [entry(
            "A&A-01",
            Some(Owner::Provider),
            "CAIQ A&A-01.1, A&A-01.2"
        )]
    );
    assert_eq!(
        import.parties[1].implements,
        implements(&[("A&A-01", false)])
    );
}

#[test]
fn a_matrix_answered_na_throughout_imports_nothing_and_says_so() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("na.csv");
    std::fs::write(
        &path,
        "Question ID,CSP CAIQ Answer,SSRM Control Ownership\nA-1.1,NA,CSP-owned\nA-1.2,N/A,\n",
    )
    .unwrap();
    let import = read(&path, &options("acme", "cloudco")).expect("it reads");
    assert!(import.controls.is_empty() && import.handoffs[0].entries.is_empty());
    assert_eq!(import.parties.len(), 2, "both parties are still listed");
    assert_eq!(import.warnings.len(), 1);
    assert_eq!(
        import.warnings[0].message,
        "every control is answered NA: nothing is imported"
    );
}

#[test]
fn a_byte_order_mark_before_the_header_is_dropped() {
    let dir = TempDir::new().unwrap();
    let path = dir.path().join("bom.csv");
    std::fs::write(
        &path,
        "\u{feff}Question ID,CSP CAIQ Answer,SSRM Control Ownership\r\nA-1.1,Yes,CSP-owned\r\n",
    )
    .unwrap();
    let import = read(&path, &options("acme", "cloudco")).expect("the header is on row 1");
    assert_eq!(
        import.handoffs[0].entries,
        [entry("A-1", Some(Owner::Provider), "CAIQ A-1.1")]
    );
    assert_eq!(import.warnings, []);
}
