//! `stackgap diff`: the findings a change to a stack adds, removes and changes; exit 1 when an
//! unaccepted gap comes in.

use std::process::ExitCode;

use super::print_out;
use crate::cli::{self, DiffFormat, WhatIfArgs};
use stackgap::analysis::analyse;
use stackgap::report::{self, Context};
use stackgap::stack::{self, Stack};

/// Runs `diff`.
pub fn run(args: cli::DiffArgs) -> anyhow::Result<ExitCode> {
    let old = stack::load_path(&args.old)?;
    let new = stack::load_path(&args.new)?;
    // A party switched off may exist in only one version; it must exist in at least one.
    for id in &args.what_if.without {
        if old.party_id(id).is_none() && new.party_id(id).is_none() {
            return Err(cli::unknown_party(&new, id));
        }
    }
    let lenient = |s: &Stack| {
        let known = WhatIfArgs {
            without: args
                .what_if
                .without
                .iter()
                .filter(|id| s.party_id(id).is_some())
                .cloned()
                .collect(),
            ..args.what_if.clone()
        };
        known.resolve(s)
    };
    let (old_if, new_if) = (lenient(&old)?, lenient(&new)?);
    let (old_report, new_report) = (analyse(&old, &old_if), analyse(&new, &new_if));
    let old_ctx = Context {
        stack: &old,
        report: &old_report,
        what_if: &old_if,
        blast: None,
        fix_first: None,
    };
    let new_ctx = Context {
        stack: &new,
        report: &new_report,
        what_if: &new_if,
        blast: None,
        fix_first: None,
    };
    let changes = report::diff::diff(&old_ctx, &new_ctx);
    let out = match args.format {
        DiffFormat::Text => report::diff::text(&changes),
        DiffFormat::Json => report::diff::json(&old_ctx, &new_ctx, &changes),
        DiffFormat::Markdown => report::diff::markdown(&old_ctx, &new_ctx, &changes),
    };
    print_out(&out)?;
    let worse = changes.iter().any(|c| c.adds_unaccepted_gap());
    Ok(if worse {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}
