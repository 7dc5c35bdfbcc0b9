//! The command line (clap derive): `stackgap [FILE]` opens the explorer, `check` reports,
//! `import` turns a vendor's artefact into stack entries, `schema` and `catalog` describe the
//! format.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

use stackgap::analysis::WhatIf;
use stackgap::date::Date;
use stackgap::import::matrix::{OwnerMap, parse_owner_map};
use stackgap::stack::{Evidence, Owner, Stack};
use stackgap::text::{escape, suggest};

const EXAMPLES: &str = "\
Examples:
  stackgap                              open the built-in demo stack
  stackgap stack.toml                   explore a stack
  stackgap stack.toml --read-only       triage without the risk of saving
  stackgap check stack.toml             list the gaps; exit 1 if there are any
  stackgap export stack.toml -o review.md
  stackgap diff old.toml new.toml       what a change to a stack adds or removes
  stackgap import matrix caiq.xlsx --consumer acme --provider crmly --into stack.toml

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 error.";

const CHECK_EXAMPLES: &str = "\
Examples:
  stackgap check stack.toml
  stackgap check stack.toml --format json > findings.json
  stackgap check stack.toml --format sarif > stackgap.sarif
  stackgap check - --format sarif --stdin-name stacks/prod.toml < stacks/prod.toml
  stackgap check stack.toml --control BREACH-NOTIFY
  stackgap check stack.toml --fix-first            which few changes close the most gaps
  stackgap check stack.toml --without cloudstore --min-evidence attested
  stackgap check stack.toml --as-of 2027-04-01 --fail-on warning

Exit codes: 0 nothing at or above --fail-on, 1 findings at or above it, 2 error.";

/// Find the security gaps at every hand-off of a provider dependency stack.
#[derive(Debug, Parser)]
#[command(name = "stackgap", version, after_help = EXAMPLES, args_conflicts_with_subcommands = true)]
pub struct Cli {
    /// What to do; without one, the interactive explorer opens.
    #[command(subcommand)]
    pub command: Option<Command>,
    /// Explorer options.
    #[command(flatten)]
    pub explore: ExploreArgs,
}

/// `stackgap [FILE]`: the interactive explorer.
#[derive(Debug, Args)]
pub struct ExploreArgs {
    /// The stack file to explore; the built-in demo stack when omitted.
    pub file: Option<PathBuf>,
    /// What-ifs and analysis options.
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    /// Draw with ASCII only, stack text included, for terminals without Unicode (the default
    /// when the locale is not UTF-8).
    #[arg(long)]
    pub ascii: bool,
    /// Draw with Unicode even when the locale is not UTF-8.
    #[arg(long, conflicts_with = "ascii")]
    pub unicode: bool,
    /// Enable the mouse (click to select, wheel to scroll); off by default so text stays selectable.
    #[arg(long)]
    pub mouse: bool,
    /// Open for triage: saving is disabled.
    #[arg(long)]
    pub read_only: bool,
}

/// What-ifs shared by the explorer and `check`.
#[derive(Debug, Args, Clone, Default)]
pub struct WhatIfArgs {
    /// Analyse as if PARTY were switched off (repeatable).
    #[arg(long = "without", value_name = "PARTY")]
    pub without: Vec<String>,
    /// The least evidence that counts as assured (overrides the stack's min_evidence).
    #[arg(long, value_name = "LEVEL")]
    pub min_evidence: Option<Level>,
    /// The analysis date (YYYY-MM-DD); default today.
    #[arg(long, value_name = "DATE", value_parser = parse_date)]
    pub as_of: Option<Date>,
    /// Note evidence that expires within DAYS of the analysis date (0: no such notes).
    #[arg(long, value_name = "DAYS", default_value_t = stackgap::analysis::EXPIRING_WITHIN, value_parser = parse_days, allow_negative_numbers = true)]
    pub expiring_within: u32,
}

/// An evidence level on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Level {
    /// No assurance.
    None,
    /// Written in the contract.
    Contract,
    /// An audit report or certification.
    Attested,
    /// Tested by the reviewer.
    Verified,
}

impl From<Level> for Evidence {
    fn from(l: Level) -> Evidence {
        match l {
            Level::None => Evidence::None,
            Level::Contract => Evidence::Contract,
            Level::Attested => Evidence::Attested,
            Level::Verified => Evidence::Verified,
        }
    }
}

fn parse_days(s: &str) -> Result<u32, String> {
    match s.trim().parse::<i64>() {
        Ok(n) if n < 0 => Err(format!(
            "{s} is negative; give a number of days from 0 (no notes) upwards, e.g. 60"
        )),
        Ok(n) => u32::try_from(n).map_err(|_| format!("{s} days is too many")),
        Err(_) => Err(format!(
            "{s:?} is not a number of days; e.g. 60, or 0 for no notes"
        )),
    }
}

fn parse_date(s: &str) -> Result<Date, String> {
    Date::parse(s).ok_or_else(|| format!("{s:?} is not a date; use YYYY-MM-DD, e.g. 2027-03-31"))
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Analyse a stack and report its gaps; the exit code says whether any were found.
    #[command(after_help = CHECK_EXAMPLES)]
    Check(CheckArgs),
    /// Write a report or a diagram of a stack (stdout, or a file with -o).
    #[command(after_help = EXPORT_EXAMPLES)]
    Export(ExportArgs),
    /// List the findings added, removed and changed between two versions of a stack.
    #[command(after_help = DIFF_EXAMPLES)]
    Diff(DiffArgs),
    /// Turn a vendor's artefact into a new stack, or into an existing one (--into).
    #[command(after_help = IMPORT_EXAMPLES)]
    Import(ImportArgs),
    /// Print a JSON Schema (draft 2020-12) of the stack format, for editor validation.
    #[command(
        after_help = "Example:\n  stackgap schema > stackgap.schema.json\n  then start a stack file with:  #:schema ./stackgap.schema.json"
    )]
    Schema,
    /// List the built-in controls, or the controls a stack can use (FILE).
    #[command(
        after_help = "Examples:\n  stackgap catalog\n  stackgap catalog stack.toml            its own controls and its catalog's (builtin, none or OSCAL)\n  stackgap catalog --format json | jq '.[].id'"
    )]
    Catalog(CatalogArgs),
    /// Print a shell completion script.
    #[command(
        after_help = "Example:\n  stackgap completions bash > ~/.local/share/bash-completion/completions/stackgap"
    )]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: Shell,
    },
    /// Print the man page of stackgap or of a subcommand; --all -o DIR writes every page.
    #[command(after_help = MAN_EXAMPLES)]
    Man(ManArgs),
}

const MAN_EXAMPLES: &str = "\
Examples:
  stackgap man > stackgap.1 && man ./stackgap.1
  stackgap man check > stackgap-check.1
  stackgap man import matrix > stackgap-import-matrix.1
  stackgap man --all -o /usr/local/share/man/man1     stackgap.1, stackgap-check.1, …";

/// `stackgap man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// The subcommand whose page to print (e.g. `check`, `import matrix`); stackgap's own page
    /// when omitted.
    #[arg(value_name = "SUBCOMMAND", conflicts_with = "all")]
    pub command: Vec<String>,
    /// Write every page, one file each (stackgap.1, stackgap-check.1, …), into the folder -o.
    #[arg(long, requires = "output")]
    pub all: bool,
    /// The folder --all writes into (created when missing).
    #[arg(short, long, value_name = "DIR", requires = "all")]
    pub output: Option<PathBuf>,
}

const EXPORT_EXAMPLES: &str = "\
Examples:
  stackgap export stack.toml --format markdown -o review.md
  stackgap export stack.toml --format dot | dot -Tsvg > stack.svg
  stackgap export stack.toml --format html -o review.html
  stackgap export stack.toml --format sarif -o stackgap.sarif
  stackgap export stack.toml --format xlsx -o responsibility-matrix.xlsx

Exit codes: 0 written, 2 error (findings never fail an export).";

const DIFF_EXAMPLES: &str = "\
Examples:
  stackgap diff old.toml new.toml
  git show main:stack.toml > old.toml
  stackgap diff old.toml stack.toml --format markdown

Exit codes: 0 no new unaccepted gap, 1 a change adds an unaccepted gap, 2 error.";

/// Shells for `completions`.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Shell {
    /// Bash.
    Bash,
    /// Zsh.
    Zsh,
    /// Fish.
    Fish,
}

/// `stackgap export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// The stack file; `-` reads standard input.
    pub file: PathBuf,
    /// What to write.
    #[arg(long, value_enum, default_value_t = ExportFormat::Markdown)]
    pub format: ExportFormat,
    /// Write to this file instead of standard output (never the stack file itself).
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// Markdown, HTML and JSON: also rank the changes that close the most gaps (a party
    /// implementing a control).
    #[arg(long)]
    pub fix_first: bool,
    /// What-ifs and analysis options.
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    /// Options of --format sarif.
    #[command(flatten)]
    pub sarif: SarifArgs,
}

/// Options of the SARIF output (`check` and `export`), refused with any other format.
#[derive(Debug, Args, Clone, Default)]
#[command(next_help_heading = "SARIF options")]
pub struct SarifArgs {
    /// The root the stack file's URI is relative to, written as %SRCROOT% [default: the git
    /// top level of the stack file's folder, else the current directory].
    #[arg(long, value_name = "DIR")]
    pub uri_base: Option<PathBuf>,
    /// The path to name standard input by (FILE `-`), relative to the root.
    #[arg(long, value_name = "NAME")]
    pub stdin_name: Option<String>,
    /// Accepted findings: suppressed with the accept's reason, until, by and ticket, or left out
    /// [default: suppress].
    #[arg(long, value_enum, value_name = "HOW")]
    pub accepted: Option<AcceptedArg>,
}

impl SarifArgs {
    /// The first SARIF option given, to refuse it with another format.
    pub fn given(&self) -> Option<&'static str> {
        if self.uri_base.is_some() {
            Some("--uri-base")
        } else if self.stdin_name.is_some() {
            Some("--stdin-name")
        } else if self.accepted.is_some() {
            Some("--accepted")
        } else {
            None
        }
    }
}

/// What SARIF does with accepted findings.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum AcceptedArg {
    /// A result with a suppression (status accepted) that code scanning shows as dismissed.
    Suppress,
    /// No result: the finding is left out of the log.
    Omit,
}

/// Formats of `export`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum ExportFormat {
    /// Summary, tables per hand-off and a Mermaid diagram.
    Markdown,
    /// The JSON report, as `check --format json`.
    Json,
    /// Graphviz source.
    Dot,
    /// Mermaid flowchart source.
    Mermaid,
    /// One self-contained page.
    Html,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// The responsibility matrix: one row per hand-off and control.
    Csv,
    /// The responsibility matrix as a workbook, with a summary (use -o or a pipe).
    Xlsx,
}

/// `stackgap diff`.
#[derive(Debug, Args)]
pub struct DiffArgs {
    /// The stack before the change.
    pub old: PathBuf,
    /// The stack after the change.
    pub new: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = DiffFormat::Text)]
    pub format: DiffFormat,
    /// What-ifs and analysis options, applied to both.
    #[command(flatten)]
    pub what_if: WhatIfArgs,
}

/// `stackgap check`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    /// The stack file; `-` reads standard input.
    pub file: PathBuf,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Text)]
    pub format: Format,
    /// Exit 1 when a finding at or above this level is not accepted.
    #[arg(long, value_enum, default_value_t = FailOn::Gap)]
    pub fail_on: FailOn,
    /// Also rank every party by the gaps its failure would add.
    #[arg(long)]
    pub blast_radius: bool,
    /// Also rank the changes that close the most gaps (a party implementing a control): text
    /// shows the first five, JSON and Markdown more.
    #[arg(long)]
    pub fix_first: bool,
    /// Only the findings of this control (e.g. where does BREACH-NOTIFY break?).
    #[arg(long, value_name = "ID")]
    pub control: Option<String>,
    /// What-ifs and analysis options.
    #[command(flatten)]
    pub what_if: WhatIfArgs,
    /// Options of --format sarif.
    #[command(flatten)]
    pub sarif: SarifArgs,
}

/// `stackgap catalog`.
#[derive(Debug, Args)]
pub struct CatalogArgs {
    /// A stack file (`-` reads standard input): list the controls it can use — its catalog's
    /// (built-in, none or OSCAL) and its own [[control]] tables.
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = CatalogFormat::Text)]
    pub format: CatalogFormat,
}

/// Report formats of `check`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum Format {
    /// Grouped by hand-off, for people.
    Text,
    /// The JSON report (fields in the README), for tools.
    Json,
    /// Tables, for review documents and pull requests.
    Markdown,
    /// SARIF 2.1.0, for code-scanning tools.
    Sarif,
}

/// Formats of `diff`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum DiffFormat {
    /// One line per change.
    Text,
    /// Both provenances and the changes, for tools.
    Json,
    /// A table, for a pull request comment.
    Markdown,
}

/// Formats of `catalog`.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum CatalogFormat {
    /// One control per line, grouped by family.
    Text,
    /// A JSON array.
    Json,
}

/// What makes `check` exit 1.
#[derive(Debug, Clone, Copy, ValueEnum, PartialEq, Eq)]
pub enum FailOn {
    /// Any gap not accepted.
    Gap,
    /// Any gap or warning not accepted.
    Warning,
    /// Never: exit 0 whatever is found.
    Never,
}

const IMPORT_EXAMPLES: &str = "\
Examples:
  stackgap import oscal-ssp saas-ssp.json iaas-ssp.json > stack.toml
  stackgap import oscal-ssp saas-ssp.json iaas-ssp.json --into stack.toml
  stackgap import matrix caiq.xlsx --consumer acme --provider crmly --into stack.toml
  stackgap import matrix crm.csv --consumer acme --provider crmly --id-col Control \\
      --owner-col Responsibility --owner-map 'Customer=consumer,Inherited=provider' -o crmly.toml

Without --into, a complete stack is printed (or written to -o OUT, which must not exist unless
--force is given). With --into, the stack file is updated in place, keeping its comments and
layout; running the same import again changes nothing. Warnings go to standard error.

Exit codes: 0 imported (warnings included), 2 error (nothing was written).";

/// `stackgap import`.
#[derive(Debug, Args)]
pub struct ImportArgs {
    /// What kind of artefact.
    #[command(subcommand)]
    pub kind: ImportKind,
}

/// The artefacts `import` reads.
#[derive(Debug, Subcommand)]
pub enum ImportKind {
    /// NIST OSCAL system security plans: a leveraging SSP and the SSPs it leverages.
    #[command(name = "oscal-ssp", after_help = IMPORT_EXAMPLES)]
    OscalSsp(OscalSspArgs),
    /// A responsibility matrix: a CSA CAIQ v4 workbook, or any sheet with an owner column.
    #[command(after_help = IMPORT_EXAMPLES)]
    Matrix(MatrixArgs),
}

/// `stackgap import oscal-ssp`.
#[derive(Debug, Args)]
pub struct OscalSspArgs {
    /// The leveraging system's SSP (OSCAL 1.x JSON).
    #[arg(value_name = "LEVERAGING.json")]
    pub leveraging: PathBuf,
    /// The SSPs of the systems it leverages, when you have them.
    #[arg(value_name = "LEVERAGED.json")]
    pub leveraged: Vec<PathBuf>,
    /// Where the import goes.
    #[command(flatten)]
    pub target: ImportTarget,
}

/// `stackgap import matrix`.
#[derive(Debug, Args)]
pub struct MatrixArgs {
    /// The matrix: .xlsx, .xlsm, .xlsb, .xls, .ods or .csv.
    pub file: PathBuf,
    /// The party that relies on the provider (created when missing).
    #[arg(long, value_name = "PARTY")]
    pub consumer: String,
    /// The party whose answers the matrix holds (created when missing).
    #[arg(long, value_name = "PARTY")]
    pub provider: String,
    /// The service, when the pair has several hand-offs.
    #[arg(long)]
    pub service: Option<String>,
    /// Who the consumer believes is responsible, written into every entry.
    #[arg(long, value_enum, value_name = "OWNER")]
    pub assumed: Option<OwnerArg>,
    /// A level (none, contract, attested, verified) or a document id of the stack, written into
    /// every entry.
    #[arg(long, value_name = "LEVEL|DOC")]
    pub evidence: Option<String>,
    /// The column of control ids (instead of the CAIQ's).
    #[arg(long, value_name = "NAME")]
    pub id_col: Option<String>,
    /// The ownership column (default: SSRM Control Ownership).
    #[arg(long, value_name = "NAME")]
    pub owner_col: Option<String>,
    /// The answer column (default: CSP CAIQ Answer).
    #[arg(long, value_name = "NAME")]
    pub answer_col: Option<String>,
    /// The sheet's ownership values, e.g. 'Customer=consumer,Inherited=provider,Shared=shared'
    /// (targets: provider, consumer, shared, outsourced, none).
    #[arg(long, value_name = "MAP", value_parser = parse_owner_map)]
    pub owner_map: Option<OwnerMap>,
    /// Where the import goes.
    #[command(flatten)]
    pub target: ImportTarget,
}

/// Where `import` writes: standard output, a new file, or into an existing stack.
#[derive(Debug, Args)]
pub struct ImportTarget {
    /// Add to or update this stack file in place (format-preserving) instead of printing a stack.
    #[arg(long, value_name = "STACK.toml", conflicts_with = "output")]
    pub into: Option<PathBuf>,
    /// Write the new stack to this file instead of standard output.
    #[arg(short, long, value_name = "OUT")]
    pub output: Option<PathBuf>,
    /// With -o: replace OUT when it exists.
    #[arg(long, requires = "output")]
    pub force: bool,
}

/// An owner on the command line.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum OwnerArg {
    /// The provider.
    Provider,
    /// The consumer.
    Consumer,
    /// Both.
    Shared,
}

impl From<OwnerArg> for Owner {
    fn from(o: OwnerArg) -> Owner {
        match o {
            OwnerArg::Provider => Owner::Provider,
            OwnerArg::Consumer => Owner::Consumer,
            OwnerArg::Shared => Owner::Shared,
        }
    }
}

impl WhatIfArgs {
    /// The what-ifs in force on this stack (the second stage of the arguments, as ripgrep turns
    /// its low-level arguments into high-level ones): every `--without` must name a party.
    pub fn resolve(&self, stack: &Stack) -> anyhow::Result<WhatIf> {
        self.resolve_on(stack, self.as_of())
    }

    /// The analysis date: `--as-of`, else today.
    pub fn as_of(&self) -> Date {
        self.as_of.unwrap_or_else(Date::today)
    }

    /// [`WhatIfArgs::resolve`] on an analysis date already settled.
    pub fn resolve_on(&self, stack: &Stack, as_of: Date) -> anyhow::Result<WhatIf> {
        let mut w = WhatIf::new(stack, as_of);
        w.min_evidence = self.min_evidence.map(Into::into);
        w.expiring_within = self.expiring_within;
        for id in &self.without {
            match stack.party_id(id) {
                Some(p) => w.set_off(p, true),
                None => return Err(unknown_party(stack, id)),
            }
        }
        Ok(w)
    }
}

/// `--without ID` names no party of the stack: say so, with the closest id.
pub fn unknown_party(stack: &Stack, id: &str) -> anyhow::Error {
    let hint = suggest(id, stack.parties.iter().map(|p| p.id.as_str()))
        .map(|s| format!("; did you mean `{}`?", escape(s)))
        .unwrap_or_default();
    anyhow::anyhow!(
        "--without {}: no party with that id in {}{hint}",
        escape(id),
        escape(&stack.source.name)
    )
}
