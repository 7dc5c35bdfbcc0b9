//! `stackgap import` as a reviewer meets it (SPEC §8): NIST's OSCAL pair and a FedRAMP-style
//! matrix printed as stacks that `check` reads, written into hand-written stacks where only the
//! intended lines change and a second run changes nothing, and every refusal leaving the files
//! as they were.

mod common;
use common::{assert_exit, run, stackgap, text, write};

use std::fs;
use std::path::Path;
use std::time::{Duration, SystemTime};

use serde_json::Value;
use tempfile::TempDir;

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oscal-ssp")
        .join(name)
        .display()
        .to_string()
}

fn leveraging() -> String {
    fixture("oscal_leveraging-example_ssp.json")
}

fn leveraged() -> String {
    fixture("oscal_leveraged-example_ssp.json")
}

/// Lines removed from `old` and added in `new`, by a longest-common-subsequence line diff.
fn line_changes(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let a: Vec<&str> = old.lines().collect();
    let b: Vec<&str> = new.lines().collect();
    let mut lcs = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for i in (0..a.len()).rev() {
        for j in (0..b.len()).rev() {
            lcs[i][j] = if a[i] == b[j] {
                lcs[i + 1][j + 1] + 1
            } else {
                lcs[i + 1][j].max(lcs[i][j + 1])
            };
        }
    }
    let (mut i, mut j) = (0, 0);
    let (mut removed, mut added) = (Vec::new(), Vec::new());
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
        } else if lcs[i + 1][j] >= lcs[i][j + 1] {
            removed.push(a[i].to_owned());
            i += 1;
        } else {
            added.push(b[j].to_owned());
            j += 1;
        }
    }
    removed.extend(a[i..].iter().map(|l| (*l).to_owned()));
    added.extend(b[j..].iter().map(|l| (*l).to_owned()));
    (removed, added)
}

/// A file's bytes and modification time, to show it was not touched.
fn snapshot(path: &Path) -> (Vec<u8>, SystemTime) {
    let meta = fs::metadata(path).expect("the file exists");
    (
        fs::read(path).expect("read"),
        meta.modified().expect("mtime"),
    )
}

/// Sets a file's modification time into the past, so that any write would show.
fn age(path: &Path) {
    let past = SystemTime::now() - Duration::from_secs(3600);
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(past))
        .expect("set mtime");
}

/// The findings of `check --format json` as (kind, control, side).
fn findings(stack: &str) -> Vec<(String, String, String)> {
    let out = run(&["check", stack, "--format", "json", "--as-of", "2026-12-01"]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("").to_owned();
            (s("kind"), s("control"), s("side"))
        })
        .collect()
}

#[test]
fn the_nist_pair_prints_a_stack_whose_check_shows_the_consumer_side_of_ac_2() {
    let dir = TempDir::new().expect("temp dir");
    let out = run(&["import", "oscal-ssp", &leveraging(), &leveraged()]);
    assert_exit(&out, 0);
    let printed = text(&out.stdout);
    assert!(printed.contains("catalog = \"none\""), "{printed}");
    let stack = write(dir.path(), "nist.toml", &printed);
    assert_eq!(
        findings(&stack),
        [(
            "not-delivered".to_owned(),
            "ac-2".to_owned(),
            "consumer".to_owned()
        )]
    );
    // Two warnings on standard error, each with its file and JSON path: the satisfied that
    // names a provided, and the responsibility it leaves unsatisfied (the gap above).
    let stderr = text(&out.stderr);
    let lines: Vec<&str> = stderr.lines().collect();
    assert_eq!(lines.len(), 2, "{stderr}");
    assert!(
        lines[0].starts_with(&format!(
            "stackgap: warning: {}: $.system-security-plan.",
            leveraging()
        )),
        "{stderr}"
    );
    assert!(lines[0].contains("it satisfies nothing"), "{stderr}");
    assert!(
        lines[1].contains("responsibility 11111111-0000-4000-9009-002001001002 (ac-2)")
            && lines[1].ends_with("so its side of the hand-off is a gap"),
        "{stderr}"
    );
}

/// A stack written by hand, with comments and a layout no printer would choose.
const HAND_WRITTEN: &str = r#"# Agency portal — reviewed by hand.
[stack]
name    = "Agency portal"   # aligned on purpose
catalog = "none"

[[layer]]
id = "app"
name = "Applications"
[[layer]]
id = "infra"
name = "Infrastructure"

[[control]]
id = "ac-2"
name = "Account Management"
family = "AC"

[[party]]
id = "saas_system_iaas_customer"
name = "Our SaaS"
layer = "app"
implements = [
  "ac-2",   # we thought we ran account reviews
]

# The IaaS, known since the 2018 letter.
[[party]]
id = "csp_iaas_system"
name = "IaaS"
layer = "infra"

[[handoff]]
consumer = "saas_system_iaas_customer"
provider = "csp_iaas_system"
agreement = "ATO letter 2018"
controls = { ac-2 = { assumed = "provider", expires = 2027-12-31, ref = "letter §2" } }   # inline on purpose

# End of the review.
"#;

#[test]
fn into_a_hand_written_stack_only_the_intended_lines_change_and_a_second_run_changes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let stack = write(dir.path(), "agency.toml", HAND_WRITTEN);
    let out = run(&[
        "import",
        "oscal-ssp",
        &leveraging(),
        &leveraged(),
        "--into",
        &stack,
    ]);
    assert_exit(&out, 0);
    assert!(out.stdout.is_empty(), "nothing on stdout with --into");
    let stderr = text(&out.stderr);
    assert!(
        stderr.ends_with(&format!(
            "{stack}: updated 1 entry; changed the implements of 2 parties\n"
        )),
        "{stderr}"
    );
    let after = fs::read_to_string(&stack).expect("read");
    let reference = "OSCAL oscal_leveraging-example_ssp.json ac-2: satisfied 22222222-0000-4000-9009-002001002001, inherited 22222222-0000-4000-9009-002001002002, satisfied 22222222-0000-4000-9009-002001002003; oscal_leveraged-example_ssp.json ac-2: provided 11111111-0000-4000-9009-002001001001, responsibility 11111111-0000-4000-9009-002001001002, provided 11111111-0000-4000-9009-002001002001, responsibility 11111111-0000-4000-9009-002001002002";
    let (removed, added) = line_changes(HAND_WRITTEN, &after);
    assert_eq!(
        removed,
        [
            "implements = [",
            "  \"ac-2\",   # we thought we ran account reviews",
            "controls = { ac-2 = { assumed = \"provider\", expires = 2027-12-31, ref = \"letter §2\" } }   # inline on purpose",
        ],
        "{after}"
    );
    assert_eq!(
        added,
        [
            "implements = [   # we thought we ran account reviews".to_owned(),
            "implements = [\"ac-2\"]".to_owned(),
            format!(
                "controls = {{ ac-2 = {{ assumed = \"shared\", expires = 2027-12-31, ref = \"{reference}\", agreed = \"shared\", evidence = \"attested\" }} }}   # inline on purpose"
            ),
        ],
        "{after}"
    );
    // The same import again: not a byte changes, the file is not even written.
    age(Path::new(&stack));
    let before = snapshot(Path::new(&stack));
    let again = run(&[
        "import",
        "oscal-ssp",
        &leveraging(),
        &leveraged(),
        "--into",
        &stack,
    ]);
    assert_exit(&again, 0);
    assert!(text(&again.stderr).ends_with(&format!("{stack}: unchanged\n")));
    assert_eq!(snapshot(Path::new(&stack)), before);
    // The stack analyses as the import says: nobody covers ac-2 on the consumer side now.
    assert!(findings(&stack).contains(&(
        "not-delivered".to_owned(),
        "ac-2".to_owned(),
        "consumer".to_owned()
    )));
}

/// A FedRAMP-style matrix: AC-2 the provider's and done, AC-3 the customer's, AC-4 the
/// provider's but not done.
const CRM: &str =
    "Control,Responsibility,Implemented\nAC-2,Provider,Yes\nAC-3,Customer,No\nAC-4,Provider,No\n";

fn matrix_args<'a>(csv: &'a str, rest: &[&'a str]) -> Vec<&'a str> {
    let mut args = vec![
        "import",
        "matrix",
        csv,
        "--consumer",
        "agency",
        "--provider",
        "cloud",
        "--id-col",
        "Control",
        "--owner-col",
        "Responsibility",
        "--answer-col",
        "Implemented",
        "--owner-map",
        "Provider=provider,Customer=consumer,Shared=shared",
    ];
    args.extend_from_slice(rest);
    args
}

const SERVICE_STACK: &str = r#"[stack]
name = "agency"
catalog = "none"

[[control]]
id = "AC-2"
name = "Account Management"

[[control]]
id = "AC-4"
name = "Information Flow"

[[party]]
id = "agency"

[[party]]
id = "cloud"
implements = ["AC-4"]  # per the 2024 report

[[handoff]]
consumer = "agency"
provider = "cloud"
service = "hosting"

[handoff.controls]
AC-2 = { agreed = "consumer", expires = 2027-06-30, ref = "MSA §4" }

[[handoff]]
consumer = "agency"
provider = "cloud"
controls = { AC-2 = "consumer" }
"#;

#[test]
fn a_matrix_into_the_hand_off_of_its_service_keeps_expires_and_moves_implements() {
    let dir = TempDir::new().expect("temp dir");
    let csv = write(dir.path(), "crm.csv", CRM);
    let stack = write(dir.path(), "stack.toml", SERVICE_STACK);
    let out = run(&matrix_args(
        &csv,
        &["--service", "hosting", "--into", &stack],
    ));
    assert_exit(&out, 0);
    assert_eq!(
        text(&out.stderr),
        format!(
            "{stack}: added 1 control, 2 entries; updated 1 entry; changed the implements of 1 party\n"
        )
    );
    let after = fs::read_to_string(&stack).expect("read");
    let (removed, added) = line_changes(SERVICE_STACK, &after);
    assert_eq!(
        removed,
        [
            "implements = [\"AC-4\"]  # per the 2024 report",
            "AC-2 = { agreed = \"consumer\", expires = 2027-06-30, ref = \"MSA §4\" }",
        ],
        "{after}"
    );
    assert_eq!(
        added,
        [
            "[[control]]",
            "id = \"AC-3\"",
            "name = \"AC-3\"",
            "family = \"AC\"",
            "",
            "implements = [\"AC-2\"]  # per the 2024 report",
            "AC-2 = { agreed = \"provider\", expires = 2027-06-30, ref = \"crm.csv row 2\" }",
            "AC-3 = { agreed = \"consumer\", ref = \"crm.csv row 3\" }",
            "AC-4 = { agreed = \"provider\", ref = \"crm.csv row 4\" }",
        ],
        "{after}"
    );
    let again = run(&matrix_args(
        &csv,
        &["--service", "hosting", "--into", &stack],
    ));
    assert_exit(&again, 0);
    assert_eq!(text(&again.stderr), format!("{stack}: unchanged\n"));
    assert_eq!(fs::read_to_string(&stack).expect("read"), after);
}

#[test]
fn a_stack_that_does_not_load_is_refused_and_left_as_it_was() {
    let dir = TempDir::new().expect("temp dir");
    let broken = "[stack]\nname = \"b\"\ncatalog = \"none\"\n\n[[party]]\nid = \"a\"\nimplements = [\"NOPE\"]\n";
    let stack = write(dir.path(), "broken.toml", broken);
    age(Path::new(&stack));
    let before = snapshot(Path::new(&stack));
    let out = run(&["import", "oscal-ssp", &leveraging(), "--into", &stack]);
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty());
    let stderr = text(&out.stderr);
    assert!(
        stderr.starts_with(&format!("stackgap: error: {stack}:7:15: ")),
        "{stderr}"
    );
    assert!(
        !stderr.contains("warning"),
        "the artefact is not read: {stderr}"
    );
    assert_eq!(snapshot(Path::new(&stack)), before);
}

#[test]
fn a_fatal_artefact_prints_nothing_and_writes_nothing() {
    let dir = TempDir::new().expect("temp dir");
    let not_an_ssp = write(dir.path(), "catalog.json", r#"{"catalog": {"uuid": "x"}}"#);
    let stack = write(dir.path(), "stack.toml", HAND_WRITTEN);
    age(Path::new(&stack));
    let before = snapshot(Path::new(&stack));
    for target in [&["--into", stack.as_str()][..], &[][..]] {
        let mut args = vec!["import", "oscal-ssp", not_an_ssp.as_str()];
        args.extend_from_slice(target);
        let out = run(&args);
        assert_exit(&out, 2);
        assert!(out.stdout.is_empty(), "{}", text(&out.stdout));
        let stderr = text(&out.stderr);
        assert!(
            stderr.starts_with(&format!("stackgap: error: {not_an_ssp}: ")),
            "{stderr}"
        );
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
    }
    assert_eq!(snapshot(Path::new(&stack)), before);
    // A matrix without a header row is fatal too.
    let csv = write(dir.path(), "empty.csv", "nothing,here\n1,2\n");
    let out = run(&matrix_args(&csv, &["--into", &stack]));
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty());
    assert_eq!(snapshot(Path::new(&stack)), before);
}

#[test]
fn dash_o_writes_a_new_file_and_never_replaces_one_unless_forced() {
    let dir = TempDir::new().expect("temp dir");
    let out_file = dir.path().join("nist.toml").display().to_string();
    let out = run(&[
        "import",
        "oscal-ssp",
        &leveraging(),
        &leveraged(),
        "-o",
        &out_file,
    ]);
    assert_exit(&out, 0);
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).ends_with(&format!(
            "{out_file}: written (1 control, 2 parties, 1 hand-off, 1 entry)\n"
        )),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(findings(&out_file).len(), 1);
    // Without --force an existing file is refused, whatever it holds.
    fs::write(&out_file, "my notes\n").expect("write");
    let refused = run(&["import", "oscal-ssp", &leveraging(), "-o", &out_file]);
    assert_exit(&refused, 2);
    assert!(
        text(&refused.stderr).contains("the file exists; add --force to replace it"),
        "{}",
        text(&refused.stderr)
    );
    assert_eq!(fs::read_to_string(&out_file).expect("read"), "my notes\n");
    let forced = run(&[
        "import",
        "oscal-ssp",
        &leveraging(),
        "-o",
        &out_file,
        "--force",
    ]);
    assert_exit(&forced, 0);
    assert!(
        fs::read_to_string(&out_file)
            .expect("read")
            .contains("[[handoff]]")
    );
    // Never over an artefact, even with --force.
    let own = run(&[
        "import",
        "oscal-ssp",
        &leveraging(),
        "-o",
        &leveraging(),
        "--force",
    ]);
    assert_exit(&own, 2);
    assert!(text(&own.stderr).contains("that is an artefact being imported"));
}

#[test]
fn into_and_dash_o_together_are_an_argument_error() {
    let dir = TempDir::new().expect("temp dir");
    let stack = write(dir.path(), "stack.toml", HAND_WRITTEN);
    let out_file = dir.path().join("out.toml");
    let out = stackgap(&["import", "oscal-ssp", &leveraging(), "--into", &stack, "-o"])
        .arg(&out_file)
        .output()
        .expect("runs");
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr).contains("cannot be used with"),
        "{}",
        text(&out.stderr)
    );
    assert!(!out_file.exists());
    assert_eq!(fs::read_to_string(&stack).expect("read"), HAND_WRITTEN);
}

#[test]
fn evidence_documents_need_a_stack_that_declares_them() {
    let dir = TempDir::new().expect("temp dir");
    let csv = write(dir.path(), "crm.csv", CRM);
    // A printed stack cannot declare the document.
    let out = run(&matrix_args(&csv, &["--evidence", "cloud-soc2"]));
    assert_exit(&out, 2);
    assert!(out.stdout.is_empty());
    assert!(
        text(&out.stderr)
            .contains("--evidence cloud-soc2: a printed stack declares only the evidence documents the artefact describes"),
        "{}",
        text(&out.stderr)
    );
    // A level is fine.
    assert_exit(&run(&matrix_args(&csv, &["--evidence", "attested"])), 0);
    // Into a stack that does not declare it: the loader says so, nothing is written.
    let stack = write(dir.path(), "stack.toml", SERVICE_STACK);
    let out = run(&matrix_args(
        &csv,
        &["--evidence", "cloud-soc2", "--into", &stack],
    ));
    assert_exit(&out, 2);
    assert!(
        text(&out.stderr).contains("unknown evidence `cloud-soc2`"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(fs::read_to_string(&stack).expect("read"), SERVICE_STACK);
    // Into one that does: every entry cites it.
    let declared =
        format!("{SERVICE_STACK}\n[[evidence]]\nid = \"cloud-soc2\"\nlevel = \"attested\"\n");
    fs::write(&stack, &declared).expect("write");
    let out = run(&matrix_args(
        &csv,
        &["--evidence", "cloud-soc2", "--into", &stack],
    ));
    assert_exit(&out, 0);
    let after = fs::read_to_string(&stack).expect("read");
    assert_eq!(
        after.matches("evidence = \"cloud-soc2\"").count(),
        3,
        "{after}"
    );
}

#[test]
fn import_help_shows_examples() {
    for args in [
        &["import", "--help"][..],
        &["import", "oscal-ssp", "--help"][..],
        &["import", "matrix", "--help"][..],
    ] {
        let out = run(args);
        assert_exit(&out, 0);
        let help = text(&out.stdout);
        assert!(help.contains("\nExamples:"), "{args:?}:\n{help}");
        assert!(help.contains("--into"), "{args:?}:\n{help}");
    }
}

/// A two-control NIST OSCAL catalog, as `catalog = "oscal:PATH"` reads it.
const OSCAL_CATALOG: &str = r#"{"catalog": {"uuid": "x", "metadata": {"title": "t"}, "groups": [
  {"id": "ac", "title": "Access Control", "controls": [
    {"id": "ac-2", "title": "Account Management"},
    {"id": "ac-3", "title": "Access Enforcement"}]}]}}"#;

#[test]
fn controls_of_an_oscal_catalog_are_not_declared_again() {
    let dir = TempDir::new().expect("temp dir");
    fs::create_dir(dir.path().join("review")).expect("mkdir");
    write(&dir.path().join("review"), "nist.json", OSCAL_CATALOG);
    let original = "[stack]\nname = \"agency\"\ncatalog = \"oscal:nist.json\"\n";
    let stack = write(&dir.path().join("review"), "stack.toml", original);
    let out = run(&[
        "import",
        "oscal-ssp",
        &leveraging(),
        &leveraged(),
        "--into",
        &stack,
    ]);
    assert_exit(&out, 0);
    let after = fs::read_to_string(&stack).expect("read");
    assert!(!after.contains("[[control]]"), "{after}");
    assert!(
        text(&out.stderr).ends_with(&format!("{stack}: added 2 parties, 1 hand-off, 1 entry\n")),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(findings(&stack).len(), 1, "{after}");
}

#[test]
fn stackgap_s_own_csv_export_imports_back_changing_only_the_refs() {
    let dir = TempDir::new().expect("temp dir");
    let demo = Path::new(env!("CARGO_MANIFEST_DIR")).join("sample-stacks/demo.toml");
    let original = fs::read_to_string(&demo).expect("the demo stack");
    let stack = write(dir.path(), "demo.toml", &original);
    let csv = dir.path().join("demo.csv").display().to_string();
    assert_exit(&run(&["export", &stack, "--format", "csv", "-o", &csv]), 0);
    let args = [
        "import",
        "matrix",
        &csv,
        "--consumer",
        "northwind",
        "--provider",
        "brightpath",
        "--service",
        "CRM",
        "--into",
        &stack,
    ];
    assert_exit(&run(&args), 0);
    let after = fs::read_to_string(&stack).expect("read");
    let (removed, added) = line_changes(&original, &after);
    assert!(!removed.is_empty(), "the refs name the rows");
    assert_eq!(removed.len(), added.len(), "{after}");
    for (old, new) in removed.iter().zip(&added) {
        // `ref = "demo.csv row N"` added; a shorthand `X = "owner"` needs a table for it.
        let (head, tail) = new
            .split_once("ref = \"demo.csv row ")
            .unwrap_or_else(|| panic!("no ref added: {new}"));
        let tail = tail.split_once('"').map_or("", |(_, rest)| rest);
        let without =
            format!("{}{tail}", head.strip_suffix(", ").unwrap_or(head)).replace("{  }", "{}");
        let as_shorthand = without.replacen("{ agreed = ", "", 1).replacen(" }", "", 1);
        assert!(
            without == *old || as_shorthand == *old,
            "only a ref is added: {old:?} → {new:?}"
        );
    }
    let again = run(&args);
    assert_exit(&again, 0);
    assert_eq!(text(&again.stderr), format!("{stack}: unchanged\n"));
}

/// The sample stack built from imports is exactly what its recipe gives today (the skeleton,
/// then the OSCAL pair and the CAIQ workbook with --into, as build.sh does), and it finds
/// what its header says.
#[test]
fn the_imported_sample_is_what_the_imports_build_and_finds_what_its_header_says() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let dir = TempDir::new().expect("temp dir");
    let stack = dir.path().join("imported-saas.toml");
    fs::copy(root.join("sample-stacks/imported/skeleton.toml"), &stack).expect("skeleton");
    for name in [
        "tests/fixtures/oscal-ssp/oscal_leveraging-example_ssp.json",
        "tests/fixtures/oscal-ssp/oscal_leveraged-example_ssp.json",
        "sample-stacks/imported/ledgerly-caiq-v4.xlsx",
    ] {
        let from = root.join(name);
        fs::copy(&from, dir.path().join(from.file_name().expect("a file"))).expect("artefact");
    }
    let steps: [&[&str]; 2] = [
        &[
            "import",
            "oscal-ssp",
            "oscal_leveraging-example_ssp.json",
            "oscal_leveraged-example_ssp.json",
            "--into",
            "imported-saas.toml",
        ],
        &[
            "import",
            "matrix",
            "ledgerly-caiq-v4.xlsx",
            "--consumer",
            "northwind-bank",
            "--provider",
            "saas_system_iaas_customer",
            "--service",
            "Core banking",
            "--assumed",
            "provider",
            "--evidence",
            "ledgerly-soc2-2026",
            "--into",
            "imported-saas.toml",
        ],
    ];
    for args in steps {
        let out = stackgap(args)
            .current_dir(dir.path())
            .output()
            .expect("stackgap runs");
        assert_exit(&out, 0);
    }
    let built = fs::read_to_string(&stack).expect("built");
    let committed =
        fs::read_to_string(root.join("sample-stacks/imported-saas.toml")).expect("sample");
    assert!(
        built == committed,
        "sample-stacks/imported-saas.toml is not what its imports build; run \
         sample-stacks/imported/build.sh\n{}",
        built
    );
    let out = run(&[
        "check",
        &root
            .join("sample-stacks/imported-saas.toml")
            .display()
            .to_string(),
        "--format",
        "json",
        "--as-of",
        "2026-12-02",
    ]);
    let json: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let got: Vec<String> = json["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| {
            let s = |k: &str| f[k].as_str().unwrap_or("-").to_owned();
            format!(
                "{}>{} {} {} {}",
                s("consumer"),
                s("provider"),
                s("control"),
                s("kind"),
                s("side")
            )
        })
        .collect();
    let saas = "saas_system_iaas_customer";
    let want = [
        format!("northwind-bank>{saas} BCR-08 no-mans-land consumer"),
        format!("northwind-bank>{saas} DSP-17 not-delivered provider"),
        format!("northwind-bank>{saas} HRS-11 not-delivered provider"),
        format!("northwind-bank>{saas} IAM-14 misunderstanding consumer"),
        format!("northwind-bank>{saas} LOG-05 weak-assurance provider"),
        format!("northwind-bank>{saas} SEF-07 broken-chain provider"),
        format!("northwind-bank>{saas} STA-08 no-mans-land consumer"),
        format!("{saas}>csp_iaas_system ac-2 not-delivered consumer"),
        format!("{saas}>{saas}-third-parties LOG-05 weak-assurance provider"),
        format!("{saas}>{saas}-third-parties SEF-07 not-delivered provider"),
    ];
    assert_eq!(got, want);
    assert_eq!(
        json["findings"][5]["root_causes"][0],
        format!("{saas}-third-parties")
    );
    let notes = json["notes"].as_array().expect("notes");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert_eq!(notes[0]["evidence"], "ledgerly-soc2-2026");
    assert_eq!(notes[0]["entries"], 9);
}
