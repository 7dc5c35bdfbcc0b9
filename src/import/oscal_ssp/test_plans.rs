//! Small OSCAL 1.1 system security plans built inline for the rule tests: the skeleton OSCAL
//! requires (metadata, system characteristics, a `this-system` component, …) around the few
//! statements a test varies. Uuids are short labels (`p1`, `r1`, …) so the tests read; the
//! importer treats uuids as opaque strings.

use serde_json::{Value, json};

use super::{Source, import};
use crate::import::{Import, Problem};

/// The file name a leveraging plan is imported from in these tests.
pub(super) const LEVERAGING: &str = "saas.json";

/// The `this-system` component every built plan has.
pub(super) const SELF: &str = "c-self";

/// A plan under construction.
#[derive(Debug, Clone)]
pub(super) struct Ssp {
    ids: Vec<String>,
    name: String,
    parties: Vec<String>,
    authorizations: Vec<Value>,
    components: Vec<Value>,
    requirements: Vec<Value>,
}

impl Ssp {
    /// A plan whose one system id is `id`, named "`id` system".
    pub(super) fn new(id: &str) -> Ssp {
        Ssp {
            ids: vec![id.into()],
            name: format!("{id} system"),
            parties: Vec::new(),
            authorizations: Vec::new(),
            components: vec![component_json(SELF, "this-system", None)],
            requirements: Vec::new(),
        }
    }

    /// Replaces the system ids.
    pub(super) fn ids(mut self, ids: &[&str]) -> Ssp {
        self.ids = ids.iter().map(|s| (*s).into()).collect();
        self
    }

    /// Adds a `metadata.parties` entry.
    pub(super) fn party(mut self, uuid: &str) -> Ssp {
        self.parties.push(uuid.into());
        self
    }

    /// Adds a leveraged authorization (authorised 2025-01-15).
    pub(super) fn authorization(mut self, uuid: &str, title: &str, party: &str) -> Ssp {
        self.authorizations.push(json!({
            "uuid": uuid, "title": title, "party-uuid": party, "date-authorized": "2025-01-15"
        }));
        self
    }

    /// Adds a component, naming an authorization by prop when given.
    pub(super) fn component(mut self, uuid: &str, authorization: Option<&str>) -> Ssp {
        self.components
            .push(component_json(uuid, "system", authorization));
        self
    }

    /// Adds an implemented requirement whose own `by-components` are these.
    pub(super) fn requirement(mut self, control: &str, by_components: Vec<Value>) -> Ssp {
        let n = self.requirements.len();
        self.requirements.push(json!({
            "uuid": format!("req-{n}"), "control-id": control, "by-components": by_components
        }));
        self
    }

    /// Adds an implemented requirement with one statement whose `by-components` are these.
    pub(super) fn statement(mut self, control: &str, by_components: Vec<Value>) -> Ssp {
        let n = self.requirements.len();
        self.requirements.push(json!({
            "uuid": format!("req-{n}"), "control-id": control,
            "statements": [{
                "statement-id": format!("{control}_smt.a"), "uuid": format!("stmt-{n}"),
                "by-components": by_components
            }]
        }));
        self
    }

    /// The plan as OSCAL JSON.
    pub(super) fn json(&self) -> Value {
        let ids: Vec<Value> = self.ids.iter().map(|id| json!({ "id": id })).collect();
        let parties: Vec<Value> = self
            .parties
            .iter()
            .map(|uuid| json!({ "uuid": uuid, "type": "organization" }))
            .collect();
        let mut implementation = json!({
            "users": [{ "uuid": "user-1", "role-ids": ["admin"] }],
            "components": self.components,
        });
        if !self.authorizations.is_empty() {
            implementation["leveraged-authorizations"] = json!(self.authorizations);
        }
        json!({ "system-security-plan": {
            "uuid": format!("ssp-{}", self.ids.first().map_or("", String::as_str)),
            "metadata": {
                "title": format!("{} plan", self.name),
                "last-modified": "2025-02-01T00:00:00Z",
                "version": "1.0",
                "oscal-version": "1.1.2",
                "parties": parties
            },
            "import-profile": { "href": "#profile" },
            "system-characteristics": {
                "system-ids": ids,
                "system-name": self.name,
                "description": "A test system.",
                "system-information": { "information-types": [{
                    "title": "Test data", "description": "Test data.",
                    "confidentiality-impact": { "base": "fips-199-low" },
                    "integrity-impact": { "base": "fips-199-low" },
                    "availability-impact": { "base": "fips-199-low" }
                }]},
                "status": { "state": "operational" },
                "authorization-boundary": { "description": "The test system." }
            },
            "system-implementation": implementation,
            "control-implementation": {
                "description": "Test controls.",
                "implemented-requirements": self.requirements
            }
        }})
    }

    /// The plan as a parsed file named `file`.
    pub(super) fn source(&self, file: &str) -> Source {
        Source {
            file: file.into(),
            base: file.into(),
            json: self.json(),
        }
    }
}

fn component_json(uuid: &str, kind: &str, authorization: Option<&str>) -> Value {
    let mut component = json!({
        "uuid": uuid, "type": kind, "title": uuid, "description": "A component.",
        "status": { "state": "operational" }
    });
    if let Some(a) = authorization {
        component["props"] = json!([
            { "name": "implementation-point", "value": "external" },
            { "name": "leveraged-authorization-uuid", "value": a }
        ]);
    }
    component
}

/// A leveraged plan's by-component exporting these `provided` and `responsibilities`
/// (`(uuid, provided-uuid)`).
pub(super) fn export(provided: &[&str], responsibilities: &[(&str, Option<&str>)]) -> Value {
    let provided: Vec<Value> = provided
        .iter()
        .map(|u| json!({ "uuid": u, "description": "Provided." }))
        .collect();
    let responsibilities: Vec<Value> = responsibilities
        .iter()
        .map(|(u, p)| {
            let mut r = json!({ "uuid": u, "description": "The customer's part." });
            if let Some(p) = p {
                r["provided-uuid"] = json!(p);
            }
            r
        })
        .collect();
    json!({
        "component-uuid": SELF, "uuid": "bc", "description": "Exported.",
        "export": { "provided": provided, "responsibilities": responsibilities }
    })
}

/// A leveraging plan's by-component of `component` with these `inherited` (`(uuid,
/// provided-uuid)`) and `satisfied` (`(uuid, responsibility-uuid)`).
pub(super) fn uses(
    component: &str,
    inherited: &[(&str, &str)],
    satisfied: &[(&str, &str)],
) -> Value {
    let inherited: Vec<Value> = inherited
        .iter()
        .map(|(u, p)| json!({ "uuid": u, "provided-uuid": p, "description": "Inherited." }))
        .collect();
    let satisfied: Vec<Value> = satisfied
        .iter()
        .map(|(u, r)| json!({ "uuid": u, "responsibility-uuid": r, "description": "Done." }))
        .collect();
    let mut bc = json!({ "component-uuid": component, "uuid": "bc", "description": "Used." });
    if !inherited.is_empty() {
        bc["inherited"] = json!(inherited);
    }
    if !satisfied.is_empty() {
        bc["satisfied"] = json!(satisfied);
    }
    bc
}

/// The name the `n`-th leveraged plan (from 1) is imported from.
pub(super) fn leveraged_file(n: usize) -> String {
    format!("lev{n}.json")
}

/// Imports a leveraging plan with leveraged plans `lev1.json`, `lev2.json`, ….
pub(super) fn run(leveraging: &Ssp, leveraged: &[&Ssp]) -> Result<Import, Problem> {
    let others: Vec<Source> = leveraged
        .iter()
        .enumerate()
        .map(|(i, p)| p.source(&leveraged_file(i + 1)))
        .collect();
    import(&leveraging.source(LEVERAGING), &others)
}

/// Imports, which must succeed.
pub(super) fn ok(leveraging: &Ssp, leveraged: &[&Ssp]) -> Import {
    run(leveraging, leveraged).unwrap_or_else(|p| panic!("the import fails: {p}"))
}
