//! What NIST's published leveraged/leveraging example pair (tests/fixtures/oscal-ssp/) imports
//! as, derived by hand from the two files and SPEC §8.2.
//!
//! The leveraged plan (`csp_iaas_system`, "Leveraged IaaS System") exports for `ac-2`, in its one
//! statement's two by-components:
//!   by-components[0]: provided …9009-002001001001, responsibility …9009-002001001002
//!   by-components[1]: provided …9009-002001002001, responsibility …9009-002001002002
//! Its `metadata.parties` hold 11111111-0000-4000-9000-100000000001, the `party-uuid` of the
//! leveraging plan's only authorization ("CSP IaaS [Leveraged System]", 2018-01-01): matched.
//!
//! The leveraging plan (`saas_system_iaas_customer`, "Leveraging SaaS System") says for `ac-2`:
//!   by-components[1] (component …9001-000000000002, prop leveraged-authorization-uuid = the
//!     authorization): satisfied …9009-002001002001 → …9009-002001001001, which the leveraged
//!     plan exports as a *provided*: a warning, it satisfies nothing;
//!   by-components[2] (component …9001-000000000003, no prop): inherited …9009-002001002002 →
//!     provided …9009-002001002001 (exported: fine); satisfied …9009-002001002003 →
//!     responsibility …9009-002001002002 (exported: fine).

use std::path::{Path, PathBuf};

use super::read;
use crate::import::{
    Field, Import, ImportControl, ImportEntry, ImportHandoff, ImportParty, Problem,
};
use crate::stack::Owner;

const LEVERAGING: &str = "oscal_leveraging-example_ssp.json";
const LEVERAGED: &str = "oscal_leveraged-example_ssp.json";
const SATISFIED_PROVIDED: &str = "22222222-0000-4000-9009-002001002001";
const PROVIDED_1: &str = "11111111-0000-4000-9009-002001001001";
/// The responsibility no `satisfied` names once the one above points at a provided.
const RESPONSIBILITY_1: &str = "11111111-0000-4000-9009-002001001002";
const AUTHORIZATION: &str = "CSP IaaS [Leveraged System], authorized 2018-01-01";

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/oscal-ssp")
        .join(name)
}

fn nist(with_leveraged: bool) -> Import {
    let leveraged: Vec<PathBuf> = if with_leveraged {
        vec![fixture(LEVERAGED)]
    } else {
        Vec::new()
    };
    read(&fixture(LEVERAGING), &leveraged).expect("NIST's example pair imports")
}

fn party(id: &str, name: &str, implements: &[(&str, bool)]) -> ImportParty {
    ImportParty {
        id: id.into(),
        name: Some(name.into()),
        layer_of: None,
        implements: implements.iter().map(|(c, y)| ((*c).into(), *y)).collect(),
    }
}

fn controls(ids: &[&str]) -> Vec<ImportControl> {
    ids.iter()
        .map(|id| ImportControl {
            id: (*id).into(),
            name: (*id).into(),
            family: None,
        })
        .collect()
}

/// The leveraging plan's three statements for `ac-2`, in file order.
const CONSUMER_REF: &str = "oscal_leveraging-example_ssp.json ac-2: \
    satisfied 22222222-0000-4000-9009-002001002001, \
    inherited 22222222-0000-4000-9009-002001002002, \
    satisfied 22222222-0000-4000-9009-002001002003";

/// The leveraged plan's four exports for `ac-2`, in file order.
const PROVIDER_REF: &str = "oscal_leveraged-example_ssp.json ac-2: \
    provided 11111111-0000-4000-9009-002001001001, \
    responsibility 11111111-0000-4000-9009-002001001002, \
    provided 11111111-0000-4000-9009-002001002001, \
    responsibility 11111111-0000-4000-9009-002001002002";

#[test]
fn the_pair_imports_as_derived_by_hand() {
    let leveraging_file = fixture(LEVERAGING).display().to_string();
    let want = Import {
        name: "Leveraging SaaS System Security Plan".into(),
        controls: controls(&["ac-2"]),
        parties: vec![
            // Responsibilities of ac-2: …001002 and …002002; only …002002 is named by a
            // `satisfied` (the other `satisfied` names a provided): not implemented.
            party(
                "saas_system_iaas_customer",
                "Leveraging SaaS System",
                &[("ac-2", false)],
            ),
            // Two `provided` for ac-2: implemented.
            party(
                "csp_iaas_system",
                "Leveraged IaaS System",
                &[("ac-2", true)],
            ),
        ],
        handoffs: vec![ImportHandoff {
            consumer: "saas_system_iaas_customer".into(),
            provider: "csp_iaas_system".into(),
            service: None,
            agreement: Some(AUTHORIZATION.into()),
            entries: vec![ImportEntry {
                control: "ac-2".into(),
                // provided and responsibilities → shared.
                agreed: Field::Set(Owner::Shared),
                // inherited and satisfied → shared (the dangling satisfied still counts).
                assumed: Field::Set(Owner::Shared),
                evidence: Field::Set(vec!["attested".into()]),
                expires: Field::Keep,
                reference: format!("OSCAL {CONSUMER_REF}; {PROVIDER_REF}"),
            }],
        }],
        documents: Vec::new(),
        warnings: vec![
            Problem {
                file: leveraging_file,
                at: "$.system-security-plan.control-implementation.implemented-requirements[0]\
                     .statements[0].by-components[1].satisfied[0]"
                    .into(),
                message: format!(
                    "satisfied {SATISFIED_PROVIDED} (ac-2) references {PROVIDED_1}, but \
                     {LEVERAGED} exports it as a `provided`, not as a responsibility: it \
                     satisfies nothing"
                ),
            },
            Problem {
                file: fixture(LEVERAGED).display().to_string(),
                at: "$.system-security-plan.control-implementation.implemented-requirements[0]\
                     .statements[0].by-components[0].export.responsibilities[0]"
                    .into(),
                message: format!(
                    "responsibility {RESPONSIBILITY_1} (ac-2) is satisfied by no `satisfied` of \
                     {LEVERAGING}: saas_system_iaas_customer does not implement ac-2, so its \
                     side of the hand-off is a gap"
                ),
            },
        ],
    };
    assert_eq!(nist(true), want);
}

#[test]
fn the_satisfied_that_names_a_provided_leaves_the_saas_short_of_ac_2() {
    let import = nist(true);
    let [warning, unsatisfied] = import.warnings.as_slice() else {
        panic!("two warnings expected: {:?}", import.warnings);
    };
    // The responsibility it leaves unsatisfied is named, and why the consumer side is a gap.
    assert!(
        unsatisfied.message.contains(RESPONSIBILITY_1),
        "{unsatisfied}"
    );
    assert!(unsatisfied.message.contains("is a gap"), "{unsatisfied}");
    assert!(warning.message.contains(SATISFIED_PROVIDED), "{warning}");
    assert!(warning.message.contains(PROVIDED_1), "{warning}");
    assert!(
        warning
            .message
            .contains("exports it as a `provided`, not as a responsibility"),
        "{warning}"
    );
    assert!(warning.message.contains("(ac-2)"), "{warning}");
    assert_eq!(
        import.parties[0].implements,
        [("ac-2".to_owned(), false)],
        "the leveraging system leaves responsibility …9009-002001001002 unsatisfied"
    );
}

#[test]
fn without_the_leveraged_plan_the_authorization_becomes_a_party_of_its_own() {
    let leveraging_file = fixture(LEVERAGING).display().to_string();
    let want = Import {
        name: "Leveraging SaaS System Security Plan".into(),
        controls: controls(&["ac-2"]),
        parties: vec![
            // No responsibilities are known, and the plan has an implemented requirement for
            // ac-2: implemented.
            party(
                "saas_system_iaas_customer",
                "Leveraging SaaS System",
                &[("ac-2", true)],
            ),
            // Slug of the authorization's title; ac-2 is inherited from it: implemented.
            party(
                "csp-iaas-leveraged-system",
                "CSP IaaS [Leveraged System]",
                &[("ac-2", true)],
            ),
        ],
        handoffs: vec![ImportHandoff {
            consumer: "saas_system_iaas_customer".into(),
            provider: "csp-iaas-leveraged-system".into(),
            service: None,
            agreement: Some(AUTHORIZATION.into()),
            entries: vec![ImportEntry {
                control: "ac-2".into(),
                // No agreement was shown.
                agreed: Field::Keep,
                // The inherited and one satisfied go to the only authorization, the other
                // satisfied by its component's prop: both kinds → shared.
                assumed: Field::Set(Owner::Shared),
                evidence: Field::Set(vec!["attested".into()]),
                expires: Field::Keep,
                reference: format!("OSCAL {CONSUMER_REF}"),
            }],
        }],
        // Nothing can be checked against an absent plan: only its absence is a warning.
        documents: Vec::new(),
        warnings: vec![Problem {
            file: leveraging_file,
            at: "$.system-security-plan.system-implementation.leveraged-authorizations[0]".into(),
            message: "no leveraged SSP was given for \"CSP IaaS [Leveraged System]\": its party \
                      csp-iaas-leveraged-system is imported from the `inherited` and \
                      `satisfied` statements alone, without `agreed`"
                .into(),
        }],
    };
    assert_eq!(nist(false), want);
}

#[test]
fn imports_are_the_same_on_every_run() {
    assert_eq!(nist(true), nist(true));
    assert_eq!(nist(false), nist(false));
}

/// The import printed as a stack, then analysed: the consumer side of `ac-2` is a gap, the
/// provider side is covered.
#[test]
fn analysed_the_consumer_side_of_ac_2_is_a_gap() {
    use crate::analysis::{WhatIf, analyse};
    use crate::stack::Side;

    let toml = crate::import::print::stack_text(&nist(true));
    let stack = crate::stack::load_str(&toml, "nist.toml", None).expect("the stack loads");
    let report = analyse(&stack, &WhatIf::new(&stack, crate::date::Date::today()));
    let findings: Vec<(&str, Option<Side>)> = report
        .sorted(&stack)
        .iter()
        .map(|f| (f.kind.as_str(), f.side()))
        .collect();
    assert_eq!(findings, [("not-delivered", Some(Side::Consumer))]);
}

#[test]
fn both_imports_print_as_stacks_that_load() {
    for with_leveraged in [true, false] {
        let toml = crate::import::print::stack_text(&nist(with_leveraged));
        let stack = crate::stack::load_str(&toml, "nist.toml", None)
            .unwrap_or_else(|e| panic!("{e}\n{toml}"));
        assert_eq!(stack.handoffs.len(), 1);
        assert!(stack.handoffs[0].entries[0].reference.is_some());
    }
}
