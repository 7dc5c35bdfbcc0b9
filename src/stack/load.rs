//! Raw TOML → validated [`Stack`]: every rule of SPEC §1, each failure a [`Diagnostic`] with
//! line and column. A file that fails any rule loads nothing.

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::io::Read;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use toml::Spanned;
use toml::value::Datetime;

mod chunked;

use super::catalog;
use super::model::*;
use super::raw::*;
use crate::analysis::Kind;
use crate::date::Date;
use crate::text::{escape, id_problem, suggest};

/// The largest stack file read; larger ones are refused before they are read whole.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The most diagnostics printed for one file; the rest are counted.
const MAX_DIAGNOSTICS: usize = 20;

/// One problem in a stack file, at a line and column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// 1-based line.
    pub line: u32,
    /// 1-based column, in characters.
    pub column: u32,
    /// What is wrong, including what was expected.
    pub message: String,
    /// A suggestion, e.g. "did you mean `BACKUP`?".
    pub help: Option<String>,
    /// The text of the line, for the snippet.
    pub source_line: String,
}

/// Why a stack could not be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be read.
    #[error("{}: {message}", escape(path))]
    Read {
        /// The file as named.
        path: String,
        /// What went wrong and what to do.
        message: String,
    },
    /// The file was read but breaks the format.
    #[error("{}", render_diagnostics(path, diagnostics, *more))]
    Invalid {
        /// The file as named.
        path: String,
        /// The problems, in file order.
        diagnostics: Vec<Diagnostic>,
        /// How many more problems were found beyond those listed.
        more: usize,
    },
}

impl LoadError {
    /// The first problem's position, if the error has one.
    pub fn position(&self) -> Option<(u32, u32)> {
        match self {
            LoadError::Invalid { diagnostics, .. } => {
                diagnostics.first().map(|d| (d.line, d.column))
            }
            LoadError::Read { .. } => None,
        }
    }
}

fn render_diagnostics(path: &str, diagnostics: &[Diagnostic], more: usize) -> String {
    let mut out = String::new();
    let path = escape(path);
    for (i, d) in diagnostics.iter().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&format!(
            "{path}:{}:{}: {}",
            d.line,
            d.column,
            escape(&d.message)
        ));
        let snippet: String = escape(&d.source_line).chars().take(160).collect();
        if !snippet.trim().is_empty() {
            let gutter = d.line.to_string();
            let pad = " ".repeat(gutter.len());
            let caret_at = escape(
                &d.source_line
                    .chars()
                    .take(d.column.saturating_sub(1) as usize)
                    .collect::<String>(),
            )
            .chars()
            .count()
            .min(160);
            out.push_str(&format!(
                "\n {pad} |\n {gutter} | {snippet}\n {pad} | {}^",
                " ".repeat(caret_at)
            ));
        }
        if let Some(help) = &d.help {
            out.push_str(&format!("\n  = help: {}", escape(help)));
        }
    }
    if more > 0 {
        out.push_str(&format!("\n… and {more} more problem(s) in {path}"));
    }
    out
}

/// The built-in demo stack, embedded so `stackgap` with no file works anywhere.
pub const DEMO: &str = include_str!("../../sample-stacks/demo.toml");
/// The name the demo stack is shown under.
pub const DEMO_NAME: &str = "<demo>";

/// Loads the built-in demo stack.
pub fn load_demo() -> Stack {
    load_str(DEMO, DEMO_NAME, None)
        .unwrap_or_else(|e| panic!("the built-in demo stack must load: {e}"))
}

/// Reads a stack file (`-` for standard input), refusing what is not a regular file and anything
/// over [`MAX_FILE_BYTES`] before reading it whole.
pub fn load_path(path: &Path) -> Result<Stack, LoadError> {
    let name = path.display().to_string();
    let bytes = read_bounded(path)?;
    let base = if name == "-" {
        None
    } else {
        Some(path.parent().unwrap_or(Path::new("")).to_path_buf())
    };
    load_bytes(&bytes, &name, base.as_deref())
}

/// Reads a file, or standard input for `-`, with the same limits as [`load_path`].
pub fn read_bounded(path: &Path) -> Result<Vec<u8>, LoadError> {
    let name = path.display().to_string();
    let fail = |message: String| LoadError::Read {
        path: name.clone(),
        message,
    };
    let mut bytes = Vec::new();
    if name == "-" {
        std::io::stdin()
            .lock()
            .take(MAX_FILE_BYTES + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| fail(format!("cannot read standard input: {e}")))?;
    } else {
        let meta = std::fs::metadata(path).map_err(|e| fail(io_message(&e)))?;
        if meta.is_dir() {
            return Err(fail("is a directory; give a stack file (.toml)".into()));
        }
        if !meta.is_file() {
            return Err(fail(
                "is not a regular file (a device, pipe or socket); to read a stream, use `-` and pipe it to standard input".into(),
            ));
        }
        if meta.len() > MAX_FILE_BYTES {
            return Err(fail(too_big(meta.len())));
        }
        std::fs::File::open(path)
            .and_then(|f| f.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes))
            .map_err(|e| fail(io_message(&e)))?;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(fail(too_big(bytes.len() as u64)));
    }
    Ok(bytes)
}

fn too_big(len: u64) -> String {
    format!(
        "is {} MiB, over the {} MiB limit for a stack file; split the stack or check that this is the right file",
        len / (1024 * 1024),
        MAX_FILE_BYTES / (1024 * 1024)
    )
}

fn io_message(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file; check the path".into(),
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        _ => e.to_string(),
    }
}

/// Loads a stack from bytes: checks UTF-8, records the SHA-256, then validates.
pub fn load_bytes(bytes: &[u8], name: &str, base_dir: Option<&Path>) -> Result<Stack, LoadError> {
    let text = match std::str::from_utf8(bytes) {
        Ok(t) => t,
        Err(e) => {
            let at = e.valid_up_to();
            let d = diagnostic(
                &String::from_utf8_lossy(&bytes[..at]),
                at,
                "the file is not valid UTF-8 text".into(),
                Some("stack files are TOML, which must be UTF-8; is this the right file?".into()),
            );
            return Err(LoadError::Invalid {
                path: name.into(),
                diagnostics: vec![d],
                more: 0,
            });
        }
    };
    // load_str hashes the text, which is these very bytes.
    load_str(text, name, base_dir)
}

/// SHA-256 of some bytes, in lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Loads a stack from text. `base_dir` is the stack's folder, which an OSCAL catalog must stay in.
pub fn load_str(text: &str, name: &str, base_dir: Option<&Path>) -> Result<Stack, LoadError> {
    if text.contains('\0') {
        let at = text.find('\0').unwrap_or(0);
        let d = diagnostic(
            text,
            at,
            "the file contains a NUL byte".into(),
            Some("stack files are TOML text; is this the right file?".into()),
        );
        return Err(LoadError::Invalid {
            path: name.into(),
            diagnostics: vec![d],
            more: 0,
        });
    }
    if text.len() as u64 > MAX_FILE_BYTES {
        return Err(LoadError::Read {
            path: name.into(),
            message: too_big(text.len() as u64),
        });
    }
    // Big files are parsed in pieces (a fraction of the memory, and faster); anything the
    // pieces cannot promise to read exactly as the whole text, errors included, is parsed whole.
    let pieces = (text.len() >= 4 * chunked::PIECE)
        .then(|| chunked::parse(text, chunked::PIECE))
        .flatten();
    let parsed: Result<RawStack, LoadError> = match pieces {
        Some(raw) => Ok(raw),
        None => toml::from_str(text).map_err(|e| {
            let at = e.span().map_or(0, |s| s.start);
            let (message, help) = toml_message(e.message());
            LoadError::Invalid {
                path: name.into(),
                diagnostics: vec![diagnostic(text, at, message, help)],
                more: 0,
            }
        }),
    };
    // The words of this parse are held by the raw stack from here on, or by nothing.
    forget_atoms();
    let raw = parsed?;
    let mut v = Validator {
        text,
        line_starts: line_starts(text),
        diags: Vec::new(),
        oscal: None,
    };
    let stack = v.stack(raw, base_dir);
    if v.diags.is_empty() {
        let mut stack = stack;
        stack.source = Source {
            name: name.into(),
            sha256: sha256_hex(text.as_bytes()),
        };
        Ok(stack)
    } else {
        v.diags.sort_by_key(|d| (d.line, d.column));
        let more = v.diags.len().saturating_sub(MAX_DIAGNOSTICS);
        v.diags.truncate(MAX_DIAGNOSTICS);
        Err(LoadError::Invalid {
            path: name.into(),
            diagnostics: v.diags,
            more,
        })
    }
}

/// Turns the TOML parser's message into ours, with a hint for the common mistakes.
fn toml_message(msg: &str) -> (String, Option<String>) {
    let msg = msg.trim().to_string();
    let help = if let Some(rest) = msg.strip_prefix("unknown field `") {
        let field = rest.split('`').next().unwrap_or("");
        let expected: Vec<&str> = msg
            .split("expected ")
            .nth(1)
            .map(|list| {
                list.split(['`', ','])
                    .map(str::trim)
                    .filter(|s| !s.is_empty() && *s != "or")
                    .collect()
            })
            .unwrap_or_default();
        suggest(field, expected.iter().copied())
            .map(|s| format!("did you mean `{s}`?"))
            .or_else(|| Some("remove the key, or check the format in README.md".into()))
    } else if msg.starts_with("missing field") {
        Some("add the key to this table".into())
    } else {
        None
    };
    (msg, help)
}

/// A diagnostic at a byte offset of the text.
fn diagnostic(text: &str, at: usize, message: String, help: Option<String>) -> Diagnostic {
    let at = at.min(text.len());
    let at = (0..=at)
        .rev()
        .find(|&i| text.is_char_boundary(i))
        .unwrap_or(0);
    let before = &text[..at];
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let line = before.bytes().filter(|&b| b == b'\n').count() as u32 + 1;
    let column = before[line_start..].chars().count() as u32 + 1;
    let line_end = text[line_start..]
        .find('\n')
        .map_or(text.len(), |i| line_start + i);
    let source_line = text[line_start..line_end]
        .trim_end_matches('\r')
        .to_string();
    Diagnostic {
        line,
        column,
        message,
        help,
        source_line,
    }
}

struct Validator<'t> {
    text: &'t str,
    /// Byte offset where each line starts, so a span's line is a binary search: counting
    /// newlines from the start for every entry made loading quadratic in the file size.
    line_starts: Vec<usize>,
    diags: Vec<Diagnostic>,
    /// The path of the stack's OSCAL catalog, which an unknown control's error names.
    oscal: Option<String>,
}

/// Byte offsets of the starts of the text's lines.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(
            text.bytes()
                .enumerate()
                .filter(|&(_, b)| b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .collect()
}

impl Validator<'_> {
    fn error(&mut self, at: usize, message: String, help: Option<String>) {
        self.diags.push(diagnostic(self.text, at, message, help));
    }

    fn line(&self, at: usize) -> u32 {
        self.line_starts.partition_point(|&start| start <= at) as u32
    }

    fn check_id(&mut self, what: &str, id: &impl Located) {
        if let Some(problem) = id_problem(id.text()) {
            self.error(
                id.at(),
                format!("invalid {what} id {:?}: {problem}", id.text()),
                Some("ids are single words such as `acme` or `BACKUP-TEST`".into()),
            );
        }
    }

    fn enumeration<T>(
        &mut self,
        value: &impl Located,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
        allowed: &[&str],
    ) -> Option<T> {
        let v = value.text();
        let parsed = parse(v);
        if parsed.is_none() {
            let list = allowed
                .iter()
                .map(|a| format!("`{a}`"))
                .collect::<Vec<_>>()
                .join(", ");
            let help = suggest(v, allowed.iter().copied()).map(|s| format!("did you mean `{s}`?"));
            self.error(
                value.at(),
                format!("invalid {what} {v:?}: expected one of {list}"),
                help,
            );
        }
        parsed
    }

    fn reference(
        &mut self,
        what: &str,
        id: &impl Located,
        known: &HashMap<String, u32>,
    ) -> Option<u32> {
        let found = known.get(id.text()).copied();
        if found.is_none()
            && what == "control"
            && let Some(catalog) = &self.oscal
        {
            let message = format!(
                "unknown control `{}`: not in the OSCAL catalog {catalog:?} nor a [[control]] of the stack",
                id.text()
            );
            let help = close_oscal_id(id.text(), known.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| {
                    Some(format!(
                        "check the id in {catalog}, or declare it as a [[control]] first"
                    ))
                });
            self.error(id.at(), message, help);
        } else if found.is_none() {
            let help = suggest(id.text(), known.keys().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some(format!("declare it as a [[{what}]] first")));
            self.error(id.at(), format!("unknown {what} `{}`", id.text()), help);
        }
        found
    }

    fn date(&mut self, value: &Spanned<Datetime>, what: &str) -> Option<Date> {
        let dt = value.get_ref();
        match (dt.date, dt.time, dt.offset) {
            (Some(d), None, None) => Date::new(i32::from(d.year), d.month, d.day),
            _ => {
                self.error(
                    value.span().start,
                    format!("`{what}` must be a local date such as 2027-03-31, not {dt}"),
                    None,
                );
                None
            }
        }
    }

    fn stack(&mut self, raw: RawStack, base_dir: Option<&Path>) -> Stack {
        let header = raw.stack.into_inner();
        let catalog_source = match &header.catalog {
            None => CatalogSource::Builtin,
            Some(c) if c.get_ref() == "builtin" => CatalogSource::Builtin,
            Some(c) if c.get_ref() == "none" => CatalogSource::None,
            Some(c) if c.get_ref().starts_with("oscal:") => {
                CatalogSource::Oscal(c.get_ref()["oscal:".len()..].to_string())
            }
            Some(c) => {
                self.error(
                    c.span().start,
                    format!(
                        "invalid catalog {:?}: expected `builtin`, `none` or `oscal:PATH`",
                        c.get_ref()
                    ),
                    suggest(c.get_ref(), ["builtin", "none"])
                        .map(|s| format!("did you mean `{s}`?")),
                );
                CatalogSource::Builtin
            }
        };
        let min_evidence = header
            .min_evidence
            .as_ref()
            .and_then(|m| {
                self.enumeration(
                    m,
                    "min_evidence",
                    Evidence::parse,
                    &["none", "contract", "attested", "verified"],
                )
            })
            .unwrap_or(Evidence::Contract);

        // Layers.
        let mut layers = Vec::new();
        let mut layer_ids: HashMap<String, u32> = HashMap::new();
        for l in raw.layers {
            let l = l.into_inner();
            self.check_id("layer", &l.id);
            if layer_ids.contains_key(l.id.get_ref().as_str()) {
                self.error(
                    l.id.span().start,
                    format!("duplicate layer id `{}`", l.id.get_ref()),
                    Some("each [[layer]] needs its own id".into()),
                );
                continue;
            }
            layer_ids.insert(l.id.get_ref().clone(), layers.len() as u32);
            let name = l
                .name
                .map_or_else(|| l.id.get_ref().clone(), Spanned::into_inner);
            layers.push(Layer {
                id: l.id.into_inner(),
                name,
            });
        }
        let layers_declared = !layers.is_empty();

        // Controls: the catalog first, then the file's own.
        let mut controls = Vec::new();
        match &catalog_source {
            CatalogSource::Builtin => controls.extend(catalog::BUILTIN.iter().map(|b| Control {
                id: b.id.into(),
                name: b.name.into(),
                family: Some(b.family.into()),
                description: Some(b.description.into()),
                refs: b.refs.iter().map(|r| r.to_string()).collect(),
                builtin: true,
            })),
            CatalogSource::None => {}
            CatalogSource::Oscal(path) => {
                self.oscal = Some(path.clone());
                let at = header.catalog.as_ref().map_or(0, |c| c.span().start);
                match load_oscal(path, base_dir) {
                    Ok(list) => controls.extend(list),
                    Err(message) => self.error(at, message, Some("the catalog path is relative to the stack file's folder and must stay inside it".into())),
                }
            }
        }
        let mut control_ids: HashMap<String, u32> = controls
            .iter()
            .enumerate()
            .map(|(i, c)| (c.id.clone(), i as u32))
            .collect();
        for c in raw.controls {
            let c = c.into_inner();
            self.check_id("control", &c.id);
            if let Some(&existing) = control_ids.get(c.id.get_ref().as_str()) {
                let why = if controls[existing as usize].builtin {
                    "it is already in the built-in catalog (see `stackgap catalog`)"
                } else {
                    "it is declared twice"
                };
                self.error(
                    c.id.span().start,
                    format!("duplicate control id `{}`: {why}", c.id.get_ref()),
                    Some("use the existing control, or give this one another id".into()),
                );
                continue;
            }
            control_ids.insert(c.id.get_ref().clone(), controls.len() as u32);
            controls.push(Control {
                id: c.id.into_inner(),
                name: c.name.into_inner(),
                family: c.family.map(Spanned::into_inner),
                description: c.description.map(Spanned::into_inner),
                refs: c.refs.into_iter().map(Spanned::into_inner).collect(),
                builtin: false,
            });
        }

        // Parties.
        let mut parties: Vec<Party> = Vec::new();
        let mut party_ids: HashMap<String, u32> = HashMap::new();
        for p in raw.parties {
            let line = self.line(p.span().start);
            let p = p.into_inner();
            self.check_id("party", &p.id);
            if party_ids.contains_key(p.id.get_ref().as_str()) {
                self.error(
                    p.id.span().start,
                    format!("duplicate party id `{}`", p.id.get_ref()),
                    Some("each [[party]] needs its own id".into()),
                );
                continue;
            }
            let layer = match &p.layer {
                None => None,
                Some(l) if layers_declared => self.reference("layer", l, &layer_ids),
                Some(l) => {
                    // Without declared layers, layers are just labels, in order of first use.
                    let next = layers.len() as u32;
                    let idx = *layer_ids.entry(l.get_ref().clone()).or_insert(next);
                    if idx == next {
                        self.check_id("layer", l);
                        layers.push(Layer {
                            id: l.get_ref().clone(),
                            name: l.get_ref().clone(),
                        });
                    }
                    Some(idx)
                }
            };
            party_ids.insert(p.id.get_ref().clone(), parties.len() as u32);
            let name = p
                .name
                .map_or_else(|| p.id.get_ref().clone(), Spanned::into_inner);
            let mut party = Party::new(p.id.into_inner(), name, layer, line);
            party.notes = p.notes.map(Spanned::into_inner);
            let mut seen = HashSet::new();
            for r in &p.requires {
                if let Some(c) = self.reference("control", r, &control_ids)
                    && seen.insert(c)
                {
                    party.requires.push(c);
                }
            }
            let implements: Vec<u32> = p
                .implements
                .iter()
                .filter_map(|i| self.reference("control", i, &control_ids))
                .collect();
            party = party.with_implements(implements);
            parties.push(party);
        }

        let (documents, document_ids) = self.documents(raw.documents, &control_ids, &party_ids);

        // Hand-offs.
        let mut handoffs = Vec::new();
        let mut triples: HashSet<(u32, u32, Option<String>)> = HashSet::new();
        for h in raw.handoffs {
            let line = self.line(h.span().start);
            let h = h.into_inner();
            let consumer = self.reference("party", &h.consumer, &party_ids);
            let provider = self.reference("party", &h.provider, &party_ids);
            let model = h.model.as_ref().and_then(|m| {
                self.enumeration(m, "model", ServiceModel::parse, &["iaas", "paas", "saas"])
            });
            let mut entries = Vec::new();
            let mut listed = HashSet::new();
            for item in &h.controls.0 {
                let control = self.reference("control", &item.control, &control_ids);
                let entry_line = self.line(item.control.at());
                let entry = self.entry(item, control, &controls, (&documents, &document_ids));
                if let (Some(control), Some(mut entry)) = (control, entry) {
                    listed.insert(control);
                    entry.control = control;
                    entry.line = entry_line;
                    entries.push(entry);
                }
            }
            if let Some(model) = model {
                for (ci, c) in controls.iter().enumerate() {
                    let ci = ci as u32;
                    if c.builtin
                        && !listed.contains(&ci)
                        && let Some(b) = catalog::find(&c.id)
                    {
                        entries.push(Entry {
                            control: ci,
                            agreed: Some(catalog::template_owner(b, model)),
                            assumed: None,
                            evidence: Cites::Default,
                            expires: None,
                            reference: None,
                            from_template: true,
                            line,
                        });
                    }
                }
            }
            let (Some(consumer), Some(provider)) = (consumer, provider) else {
                continue;
            };
            if consumer == provider {
                self.error(h.provider.span().start, format!("hand-off from `{}` to itself", h.consumer.get_ref()), Some("a hand-off needs two different parties; to say a party does it itself, list the control in its `implements`".into()));
                continue;
            }
            let service = h.service.map(Spanned::into_inner);
            if !triples.insert((consumer, provider, service.clone())) {
                let what = service
                    .as_deref()
                    .map(|s| format!(" for service {s:?}"))
                    .unwrap_or_default();
                self.error(
                    h.consumer.span().start,
                    format!(
                        "duplicate hand-off from `{}` to `{}`{what}",
                        h.consumer.get_ref(),
                        h.provider.get_ref()
                    ),
                    Some("merge the two, or set a different `service` on each".into()),
                );
                continue;
            }
            handoffs.push(Handoff {
                consumer,
                provider,
                service,
                agreement: h.agreement.map(Spanned::into_inner),
                model,
                entries,
                line,
            });
        }

        // Accepted risks.
        let handoff_at: HashMap<(u32, u32, Option<&str>), u32> = handoffs
            .iter()
            .enumerate()
            .map(|(i, h)| ((h.consumer, h.provider, h.service.as_deref()), i as u32))
            .collect();
        let mut accepts = Vec::new();
        for a in raw.accepts {
            let line = self.line(a.span().start);
            let header_at = a.span().start;
            let a = a.into_inner();
            let control = self.reference("control", &a.control, &control_ids);
            let kind = self.enumeration(
                &a.kind,
                "finding kind",
                Kind::parse,
                &Kind::ALL.map(Kind::as_str),
            );
            let until = a.until.as_ref().and_then(|u| self.date(u, "until"));
            // Outer None: the accept is malformed (an error was reported). Inner None: it names
            // a hand-off that does not exist, so it can match nothing and shows as stale.
            let place: Option<Option<AcceptPlace>> = match (&a.party, &a.consumer, &a.provider) {
                (Some(p), None, None) if a.service.is_none() => self
                    .reference("party", p, &party_ids)
                    .map(|p| Some(AcceptPlace::Party(p))),
                (None, Some(c), Some(p)) => {
                    let (c, p) = (
                        self.reference("party", c, &party_ids),
                        self.reference("party", p, &party_ids),
                    );
                    match (c, p) {
                        (Some(c), Some(p)) => Some(
                            handoff_at
                                .get(&(c, p, a.service.as_ref().map(|s| s.get_ref().as_str())))
                                .map(|&h| AcceptPlace::Handoff(h)),
                        ),
                        _ => None,
                    }
                }
                _ => {
                    self.error(header_at, "an [[accept]] needs either `party`, or `consumer` and `provider` (and optionally `service`)".into(), None);
                    None
                }
            };
            if let (Some(control), Some(kind), Some(place)) = (control, kind, place) {
                accepts.push(Accept {
                    control,
                    kind,
                    place,
                    reason: a.reason.into_inner(),
                    until,
                    by: a.by.map(Spanned::into_inner),
                    ticket: a.ticket.map(Spanned::into_inner),
                    line,
                });
            }
        }

        let mut stack = Stack::assemble(
            header.name.into_inner(),
            header.description.map(Spanned::into_inner),
            catalog_source,
            min_evidence,
            layers,
            controls,
            parties,
            handoffs,
            accepts,
            documents,
            Source::default(),
        );
        stack.layers_declared = layers_declared;
        stack
    }

    fn entry(
        &mut self,
        item: &RawItem,
        control: Option<u32>,
        controls: &[Control],
        documents: (&[Document], &HashMap<String, u32>),
    ) -> Option<Entry> {
        let owners = ["provider", "consumer", "shared"];
        let before = self.diags.len();
        let evidence = match &item.evidence {
            None => Cites::Default,
            Some(RawEvidence::One(word)) => self
                .cite(word, control, controls, documents)
                .map_or(Cites::Default, Cites::One),
            Some(RawEvidence::Many(words, at)) => {
                if words.is_empty() {
                    self.error(
                        *at as usize,
                        "`evidence = []` cites nothing".into(),
                        Some(
                            "give a level or a document id, or remove `evidence` for the default"
                                .into(),
                        ),
                    );
                }
                let cites: Vec<Cite> = words
                    .iter()
                    .filter_map(|w| self.cite(w, control, controls, documents))
                    .collect();
                Cites::from_items(cites)
            }
        };
        let entry = Entry {
            control: 0,
            agreed: item
                .agreed
                .as_ref()
                .and_then(|o| self.enumeration(o, "owner", Owner::parse, &owners)),
            assumed: item
                .assumed
                .as_ref()
                .and_then(|o| self.enumeration(o, "owner", Owner::parse, &owners)),
            evidence,
            expires: item.expires.as_ref().and_then(|d| self.date(d, "expires")),
            reference: item.reference.as_ref().map(|r| r.get_ref().as_str().into()),
            from_template: false,
            line: 0,
        };
        (self.diags.len() == before).then_some(entry)
    }

    /// One item an entry cites: a level name exactly as written, else a document that may be
    /// cited for the entry's control.
    fn cite(
        &mut self,
        word: &Word,
        control: Option<u32>,
        controls: &[Control],
        (documents, document_ids): (&[Document], &HashMap<String, u32>),
    ) -> Option<Cite> {
        if let Some(level) = Evidence::parse(&word.text) {
            return Some(Cite::Level(level));
        }
        let Some(&d) = document_ids.get(&*word.text) else {
            let candidates = LEVELS
                .iter()
                .copied()
                .chain(document_ids.keys().map(String::as_str));
            let help = suggest(&word.text, candidates)
                .map(|s| format!("did you mean `{s}`?"))
                .or_else(|| Some("declare the document as an [[evidence]] table first".into()));
            self.error(
                word.at(),
                format!(
                    "unknown evidence `{}`: expected a level (`none`, `contract`, `attested`, `verified`) or the id of an [[evidence]] document",
                    word.text
                ),
                help,
            );
            return None;
        };
        let doc = &documents[d as usize];
        if let (Some(c), Some(covers)) = (control, &doc.covers)
            && !covers.contains(&c)
        {
            self.error(
                word.at(),
                format!(
                    "evidence document `{}` is cited for a control it does not cover: its `covers` lists {}",
                    doc.id,
                    covers
                        .iter()
                        .map(|&c| format!("`{}`", controls[c as usize].id))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                Some("cite another document or a level here, or add the control to the document's `covers`".into()),
            );
            return None;
        }
        Some(Cite::Document(d))
    }

    /// `[[evidence]]` documents: their own namespace of ids, never a level name.
    fn documents(
        &mut self,
        raw: Vec<Spanned<RawDocument>>,
        control_ids: &HashMap<String, u32>,
        party_ids: &HashMap<String, u32>,
    ) -> (Vec<Document>, HashMap<String, u32>) {
        let mut documents = Vec::new();
        let mut ids: HashMap<String, u32> = HashMap::new();
        for d in raw {
            let line = self.line(d.span().start);
            let d = d.into_inner();
            self.check_id("evidence document", &d.id);
            let id = d.id.get_ref();
            if LEVELS.contains(&id.as_str()) {
                self.error(
                    d.id.span().start,
                    format!("evidence document id `{id}` is the name of an evidence level"),
                    Some(format!("give the document its own id, such as `{id}-report`: entries citing `{id}` mean the level")),
                );
                continue;
            }
            if ids.contains_key(id.as_str()) {
                self.error(
                    d.id.span().start,
                    format!("duplicate evidence document id `{id}`"),
                    Some("each [[evidence]] needs its own id".into()),
                );
                continue;
            }
            let level = self.enumeration(&d.level, "evidence level", Evidence::parse, &LEVELS);
            let party = d
                .party
                .as_ref()
                .and_then(|p| self.reference("party", p, party_ids));
            let issued = d.issued.as_ref().and_then(|v| self.date(v, "issued"));
            let expires = d.expires.as_ref().and_then(|v| self.date(v, "expires"));
            let covers = d.covers.as_ref().map(|list| {
                if list.get_ref().is_empty() {
                    self.error(
                        list.span().start,
                        "`covers = []` lets the document be cited for nothing".into(),
                        Some("list the controls it covers, or remove `covers` to allow any".into()),
                    );
                }
                list.get_ref()
                    .iter()
                    .filter_map(|c| self.reference("control", c, control_ids))
                    .collect::<Vec<u32>>()
            });
            let Some(level) = level else { continue };
            ids.insert(id.clone(), documents.len() as u32);
            documents.push(Document {
                id: d.id.into_inner(),
                level,
                title: d.title.map(Spanned::into_inner),
                issuer: d.issuer.map(Spanned::into_inner),
                party,
                issued,
                expires,
                covers,
                reference: d.reference.map(Spanned::into_inner),
                line,
            });
        }
        (documents, ids)
    }
}

/// The evidence levels, weakest first, as written in stack files.
const LEVELS: [&str; 4] = ["none", "contract", "attested", "verified"];

/// A string from the file and where it starts, for diagnostics.
trait Located {
    fn text(&self) -> &str;
    fn at(&self) -> usize;
}

impl<S: std::ops::Deref<Target = str>> Located for Spanned<S> {
    fn text(&self) -> &str {
        self.get_ref()
    }
    fn at(&self) -> usize {
        self.span().start
    }
}

impl Located for Word {
    fn text(&self) -> &str {
        &self.text
    }
    fn at(&self) -> usize {
        self.at as usize
    }
}

/// Loads the controls of a NIST OSCAL catalog (JSON): ids, titles, and families from groups.
fn load_oscal(path: &str, base_dir: Option<&Path>) -> Result<Vec<Control>, String> {
    let Some(base) = base_dir else {
        return Err("an OSCAL catalog needs a stack read from a file, not standard input".into());
    };
    let base = if base.as_os_str().is_empty() {
        Path::new(".")
    } else {
        base
    };
    let base = base
        .canonicalize()
        .map_err(|e| format!("cannot resolve the stack's folder: {e}"))?;
    let wanted: PathBuf = base.join(path);
    let real = wanted
        .canonicalize()
        .map_err(|e| format!("cannot open OSCAL catalog {path:?}: {}", io_message(&e)))?;
    if !real.starts_with(&base) {
        return Err(format!(
            "OSCAL catalog {path:?} is outside the stack's folder; stackgap reads catalogs only from beside the stack"
        ));
    }
    let bytes = read_bounded(&real).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_slice(&bytes)
        .map_err(|e| format!("OSCAL catalog {path:?} is not valid JSON: {e}"))?;
    let catalog = json
        .get("catalog")
        .ok_or_else(|| format!("OSCAL catalog {path:?} has no top-level `catalog` object"))?;
    let mut out: Vec<Control> = Vec::new();
    // (node, family, is_control), walked without recursion: OSCAL nests controls in controls.
    let mut todo: Vec<(&serde_json::Value, Option<String>, bool)> = vec![(catalog, None, false)];
    while let Some((node, family, is_control)) = todo.pop() {
        if is_control && let Some(id) = node.get("id").and_then(|i| i.as_str()) {
            let name = node
                .get("title")
                .and_then(|t| t.as_str())
                .unwrap_or(id)
                .to_string();
            if id_problem(id).is_none() && !out.iter().any(|c| c.id == id) {
                out.push(Control {
                    id: id.into(),
                    name,
                    family: family.clone(),
                    description: None,
                    refs: vec![format!("OSCAL {id}")],
                    builtin: false,
                });
            }
        }
        for control in node
            .get("controls")
            .and_then(|c| c.as_array())
            .into_iter()
            .flatten()
            .rev()
        {
            todo.push((control, family.clone(), true));
        }
        for group in node
            .get("groups")
            .and_then(|g| g.as_array())
            .into_iter()
            .flatten()
            .rev()
        {
            let title = group
                .get("title")
                .and_then(|t| t.as_str())
                .map(str::to_string);
            todo.push((group, title.or_else(|| family.clone()), false));
        }
    }
    if out.is_empty() {
        return Err(format!("OSCAL catalog {path:?} lists no controls"));
    }
    Ok(out)
}

/// The catalog id an unknown OSCAL id most likely meant, only when it is the same control
/// written another way (`AC-2`, `ac-02`, `ac-2(1)` for `ac-2.1`) or one slip away with the same
/// numbers (`ac_2`): `ac-22` or `pe-9` are other controls, never typos of `ac-2` or `pe-2`.
fn close_oscal_id<'a>(wanted: &str, ids: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    /// Lower case, `(1)` as `.1`, and no leading zeros: `AC-02(1)` is `ac-2.1`.
    fn normal(id: &str) -> String {
        let lower = id.to_lowercase().replace('(', ".").replace(')', "");
        let mut out = String::with_capacity(lower.len());
        let mut chars = lower.chars().peekable();
        let mut in_number = false;
        while let Some(c) = chars.next() {
            if c == '0' && !in_number && chars.peek().is_some_and(char::is_ascii_digit) {
                continue;
            }
            in_number = c.is_ascii_digit();
            out.push(c);
        }
        out
    }
    fn numbers(id: &str) -> Vec<&str> {
        id.split(|c: char| !c.is_ascii_digit())
            .filter(|n| !n.is_empty())
            .collect()
    }
    let wanted = normal(wanted);
    let mut best: Option<(usize, &str)> = None;
    for id in ids {
        let candidate = normal(id);
        let d = crate::text::edit_distance(&wanted, &candidate);
        let close = d == 0 || (d == 1 && numbers(&wanted) == numbers(&candidate));
        if close && best.is_none_or(|b| (d, id) < b) {
            best = Some((d, id));
        }
    }
    best.map(|(_, id)| id)
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}: {}",
            self.line,
            self.column,
            escape(&self.message)
        )
    }
}
