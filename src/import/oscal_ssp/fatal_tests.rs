//! Fatal problems: nothing is imported, and the problem names the file, the JSON path and what
//! was expected there. Most cases break one field of NIST's example pair.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{Source, import, read};
use crate::import::Problem;

const LEVERAGING: &str = "oscal_leveraging-example_ssp.json";
const LEVERAGED: &str = "oscal_leveraged-example_ssp.json";
const PLAN: &str = "$.system-security-plan";
const CHARS: &str = "$.system-security-plan.system-characteristics";
const REQ: &str = "$.system-security-plan.control-implementation.implemented-requirements[0]";
const STMT: &str = "$.system-security-plan.control-implementation.implemented-requirements[0]\
                    .statements[0]";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oscal-ssp")
        .join(name)
}

fn nist(name: &str) -> Value {
    let text = std::fs::read_to_string(fixture(name)).expect("the NIST fixture is readable");
    serde_json::from_str(&text).expect("the NIST fixture is JSON")
}

/// The member at a JSON pointer of `doc`.
fn at<'v>(doc: &'v mut Value, pointer: &str) -> &'v mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the fixture"))
}

fn remove(doc: &mut Value, pointer: &str, key: &str) {
    let removed = at(doc, pointer).as_object_mut().and_then(|o| o.remove(key));
    assert!(removed.is_some(), "no {key} at {pointer}");
}

fn fatal(leveraging: Value, leveraged: Value) -> Problem {
    let main = Source {
        file: LEVERAGING.into(),
        base: LEVERAGING.into(),
        json: leveraging,
    };
    let other = Source {
        file: LEVERAGED.into(),
        base: LEVERAGED.into(),
        json: leveraged,
    };
    import(&main, &[other]).expect_err("a fatal problem")
}

type Break = fn(&mut Value);

#[test]
fn broken_leveraging_plans_name_the_path_and_what_was_expected() {
    const SATISFIED: &str = "/system-security-plan/control-implementation/implemented-requirements/0/statements/0/by-components/1/satisfied/0";
    const BC2: &str = "/system-security-plan/control-implementation/implemented-requirements/0/statements/0/by-components/2";
    let cases: Vec<(Break, String, &str)> = vec![
        (
            |d| remove(d, "/system-security-plan", "system-characteristics"),
            PLAN.into(),
            "missing `system-characteristics`: expected an object",
        ),
        (
            |d| {
                remove(
                    d,
                    "/system-security-plan/system-characteristics",
                    "system-ids",
                )
            },
            CHARS.into(),
            "missing `system-ids`: expected an array of system ids (the first names the party)",
        ),
        (
            |d| *at(d, "/system-security-plan/system-characteristics/system-ids") = json!([]),
            format!("{CHARS}.system-ids"),
            "expected an array of system ids (the first names the party), found an empty array",
        ),
        (
            |d| {
                *at(
                    d,
                    "/system-security-plan/system-characteristics/system-ids/0/id",
                ) = json!("")
            },
            format!("{CHARS}.system-ids[0].id"),
            "the first system id is empty: expected the id that names this system",
        ),
        (
            |d| {
                remove(
                    d,
                    "/system-security-plan/system-characteristics",
                    "system-name",
                )
            },
            CHARS.into(),
            "missing `system-name`: expected a string",
        ),
        (
            |d| {
                let auth = "/system-security-plan/system-implementation/leveraged-authorizations/0";
                remove(d, auth, "party-uuid");
            },
            format!("{PLAN}.system-implementation.leveraged-authorizations[0]"),
            "missing `party-uuid`: expected a string",
        ),
        (
            |d| {
                let req = "/system-security-plan/control-implementation/implemented-requirements/0";
                remove(d, req, "control-id");
            },
            REQ.into(),
            "missing `control-id`: expected a string",
        ),
        (
            |d| {
                let id = "/system-security-plan/control-implementation/implemented-requirements/0/control-id";
                *at(d, id) = json!("ac 2");
            },
            format!("{REQ}.control-id"),
            "`control-id` \"ac 2\" cannot be a control id: an id must not contain whitespace",
        ),
        (
            |d| remove(d, SATISFIED, "responsibility-uuid"),
            format!("{STMT}.by-components[1].satisfied[0]"),
            "missing `responsibility-uuid`: expected a string",
        ),
        (
            |d| {
                let list = at(d, &format!("{BC2}/satisfied"));
                list.as_array_mut().expect("an array").push(json!("oops"));
            },
            format!("{STMT}.by-components[2].satisfied[1]"),
            "expected an object, found a string",
        ),
        (
            |d| *at(d, &format!("{BC2}/inherited")) = json!({}),
            format!("{STMT}.by-components[2].inherited"),
            "expected an array, found an object",
        ),
        (
            |d| *at(d, &format!("{BC2}/inherited/0/uuid")) = json!(5),
            format!("{STMT}.by-components[2].inherited[0].uuid"),
            "expected a string, found a number",
        ),
        (
            |d| remove(d, BC2, "component-uuid"),
            format!("{STMT}.by-components[2]"),
            "missing `component-uuid`: expected a string",
        ),
    ];
    for (i, (break_it, want_at, want_message)) in cases.into_iter().enumerate() {
        let mut doc = nist(LEVERAGING);
        break_it(&mut doc);
        let p = fatal(doc, nist(LEVERAGED));
        assert_eq!(
            (p.file.as_str(), p.at.as_str(), p.message.as_str()),
            (LEVERAGING, want_at.as_str(), want_message),
            "case {i}"
        );
    }
}

#[test]
fn broken_leveraged_plans_name_their_own_file() {
    const EXPORT: &str = "/system-security-plan/control-implementation/implemented-requirements/0/statements/0/by-components/0/export";
    let cases: Vec<(Break, String, &str)> = vec![
        (
            |d| remove(d, &format!("{EXPORT}/provided/0"), "uuid"),
            format!("{STMT}.by-components[0].export.provided[0]"),
            "missing `uuid`: expected a string",
        ),
        (
            |d| *at(d, &format!("{EXPORT}/responsibilities/0/provided-uuid")) = json!(null),
            format!("{STMT}.by-components[0].export.responsibilities[0].provided-uuid"),
            "expected a string, found null",
        ),
        (
            |d| remove(d, "/system-security-plan/metadata/parties/0", "uuid"),
            format!("{PLAN}.metadata.parties[0]"),
            "missing `uuid`: expected a string",
        ),
    ];
    for (i, (break_it, want_at, want_message)) in cases.into_iter().enumerate() {
        let mut doc = nist(LEVERAGED);
        break_it(&mut doc);
        let p = fatal(nist(LEVERAGING), doc);
        assert_eq!(
            (p.file.as_str(), p.at.as_str(), p.message.as_str()),
            (LEVERAGED, want_at.as_str(), want_message),
            "case {i}"
        );
    }
}

#[test]
fn documents_that_are_not_system_security_plans_are_refused() {
    let expected = "; expected a JSON object with `system-security-plan`";
    let cases = [
        (json!([]), "$", "the document is not a JSON object"),
        (json!({ "catalog": {} }), "$", "this is an OSCAL `catalog`"),
        (
            json!({ "component-definition": {} }),
            "$",
            "this is an OSCAL `component-definition`",
        ),
        (json!({}), "$", "no `system-security-plan`"),
    ];
    for (doc, want_at, what) in cases {
        let p = fatal(doc.clone(), nist(LEVERAGED));
        let message = format!("not an OSCAL system security plan: {what}{expected}");
        assert_eq!(
            (p.at.as_str(), p.message.as_str()),
            (want_at, &*message),
            "{doc}"
        );
        // The same for a leveraged file, even one that would match nothing.
        let p = fatal(nist(LEVERAGING), doc);
        assert_eq!(
            (p.file.as_str(), p.message.as_str()),
            (LEVERAGED, &*message)
        );
    }
    let p = fatal(json!({ "system-security-plan": [] }), nist(LEVERAGED));
    assert_eq!(
        (p.at.as_str(), p.message.as_str()),
        (PLAN, "expected an object, found an array")
    );
}

#[test]
fn files_that_cannot_be_read_or_are_not_json_are_refused() {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let missing = dir.path().join("missing.json");
    let garbage = dir.path().join("garbage.json");
    std::fs::write(&garbage, "{ \"system-security-plan\": ").expect("written");
    let leveraging = fixture(LEVERAGING);
    let cases: Vec<(&Path, Vec<PathBuf>, &Path, &str)> = vec![
        (&missing, vec![], &missing, "no such file; check the path"),
        (
            dir.path(),
            vec![],
            dir.path(),
            "is a directory; give an OSCAL system security plan (.json)",
        ),
        (
            &garbage,
            vec![],
            &garbage,
            "not JSON: EOF while parsing a value at line 1 column 26; expected an OSCAL system \
             security plan in JSON",
        ),
        // A LEVERAGED.json is parsed before matching: one that is not JSON stops the import.
        (
            &leveraging,
            vec![fixture(LEVERAGED), garbage.clone()],
            &garbage,
            "not JSON: EOF while parsing a value at line 1 column 26; expected an OSCAL system \
             security plan in JSON",
        ),
    ];
    for (main, others, file, message) in cases {
        let p = read(main, &others).expect_err("a fatal problem");
        let want = Problem {
            file: file.display().to_string(),
            at: String::new(),
            message: message.into(),
        };
        assert_eq!(p, want);
    }
}

#[test]
fn a_byte_order_mark_is_skipped() {
    let text = serde_json::to_vec(&nist(LEVERAGING)).expect("serialised");
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(&text);
    let source = Source::parse("bom.json", "bom.json", &bytes).expect("parsed");
    let imported = import(&source, &[]).expect("imported");
    assert_eq!(imported.parties[0].id, "saas_system_iaas_customer");
}

#[test]
fn problems_print_file_path_and_message() {
    let mut doc = nist(LEVERAGING);
    remove(
        &mut doc,
        "/system-security-plan/system-characteristics",
        "system-name",
    );
    let p = fatal(doc, nist(LEVERAGED));
    assert_eq!(
        p.to_string(),
        format!("{LEVERAGING}: {CHARS}: missing `system-name`: expected a string")
    );
}
