//! The save's tests, by what they pin: the exact bytes each entry form and edit writes
//! (`forms`), accepted risks appended (`accepts`), line ends and the line diff (`layout`), and
//! the file on disk (`atomic`). Here: the sample stacks and the helpers that make an edit
//! through the explorer's API.

mod accepts;
mod atomic;
mod forms;
mod layout;

use std::fs;
use std::path::Path;

use super::layout::{Op, diff_lines};
use crate::analysis::Kind;
use crate::date::Date;
use crate::stack::{Accept, AcceptPlace, HandoffIdx, Owner, Stack, load_str};

const SAMPLES: [&str; 4] = [
    "demo.toml",
    "fintech-payments.toml",
    "healthcare-records.toml",
    "public-sector-portal.toml",
];

fn sample(name: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("sample-stacks")
        .join(name);
    fs::read_to_string(path).expect("sample stack")
}

fn load(text: &str) -> Stack {
    load_str(text, "test.toml", None).unwrap_or_else(|e| panic!("test stack must load: {e}"))
}

/// The lines removed from `old` and added in `new`, in order.
fn changed(old: &str, new: &str) -> (Vec<String>, Vec<String>) {
    let a: Vec<&str> = old.split_inclusive('\n').collect();
    let b: Vec<&str> = new.split_inclusive('\n').collect();
    let mut removed = Vec::new();
    let mut added = Vec::new();
    for op in diff_lines(&a, &b, usize::MAX).expect("diff") {
        match op {
            Op::Delete(i) => removed.push(a[i].trim_end_matches(['\n', '\r']).to_owned()),
            Op::Insert(j) => added.push(b[j].trim_end_matches(['\n', '\r']).to_owned()),
            Op::Equal(..) => {}
        }
    }
    (removed, added)
}

fn entry_at(stack: &Stack, h: HandoffIdx, control: &str) -> u32 {
    let c = stack.control_id(control).expect("control");
    stack.handoffs[h as usize]
        .entries
        .iter()
        .position(|e| e.control == c)
        .expect("entry") as u32
}

/// An edit through the explorer's API.
#[derive(Debug, Clone, Copy)]
enum Edit {
    SetAssumed(Option<Owner>),
    SetAgreed(Option<Owner>),
    SetEvidence(Option<crate::stack::Evidence>),
    Unset,
}

fn apply(stack: &mut Stack, h: HandoffIdx, e: u32, edit: Edit) {
    let mut m = stack.entry_mut(h, e);
    match edit {
        Edit::SetAssumed(o) => m.set_assumed(o),
        Edit::SetAgreed(o) => m.set_agreed(o),
        Edit::SetEvidence(v) => m.set_evidence(v.into()),
        Edit::Unset => {
            m.set_agreed(None);
            m.set_assumed(None);
            m.set_evidence(crate::stack::Cites::Default);
        }
    }
}

const HEAD: &str = "[stack]\nname = \"t\"\ncatalog = \"none\"\n\n[[control]]\nid = \"BK\"\nname = \"Backups\"\n\n[[control]]\nid = \"ENC\"\nname = \"Encryption\"\n\n[[party]]\nid = \"shop\"\n\n[[party]]\nid = \"saas\"\n\n";

use crate::stack::Evidence as Ev;

use Edit::*;

use Owner::{Consumer as C, Provider as P, Shared as S};

fn accept(stack: &Stack, control: &str, kind: Kind, place: AcceptPlace) -> Accept {
    Accept {
        control: stack.control_id(control).expect("control"),
        kind,
        place: Some(place),
        reason: "Compensating \"manual\" check\u{1b}[2J".into(),
        until: Date::new(2027, 6, 30),
        by: Some("CISO".into()),
        ticket: None,
        line: 0,
    }
}
