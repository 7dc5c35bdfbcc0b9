//! Parsing a large stack file in pieces. `toml::from_str` builds a tree of the whole document
//! before deserialising it: on a 15 MB stack that tree peaks at about 30 times the file size
//! (docs/performance.md). A stack file is a long run of `[[party]]`, `[[handoff]]`, … tables, so
//! it is cut before such headers into pieces of about [`PIECE`] bytes, each parsed on its own
//! (on as many cores as there are); the parser's tree then never holds more than one piece per
//! core.
//!
//! This is only a faster road to the same place: [`parse`] returns `None` whenever it cannot
//! promise exactly what a whole-document parse would give (a piece that does not parse, text
//! before the first table, `[stack]` twice or never, …), and the caller then parses the whole
//! text, which also produces the canonical error message.
//!
//! Why the pieces add up to the whole: a piece starts at a top-level header line outside any
//! string or bracket, so it is the text of complete tables; array-of-tables headers append in
//! order; the only plain table, `[stack]`, must occur in exactly one piece; and a sub-table
//! header such as `[handoff.controls]` that a piece cannot attach to a table of its own makes
//! that piece fail (it would become a table where an array is expected), which falls back.
//! A cut in the wrong place leaves a piece with an open string or bracket, which fails too.

use std::sync::atomic::{AtomicBool, Ordering};

use serde::Deserialize;
use toml::Spanned;

use crate::stack::raw::*;

/// Pieces are cut at the first table header after this many bytes.
pub(super) const PIECE: usize = 128 * 1024;

/// The top-level headers a piece may start at.
const BOUNDARIES: [&str; 7] = [
    "[stack]",
    "[[layer]]",
    "[[control]]",
    "[[party]]",
    "[[handoff]]",
    "[[accept]]",
    "[[evidence]]",
];

/// One piece of a stack file: the tables of [`RawStack`], all optional.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Piece {
    stack: Option<Spanned<RawHeader>>,
    #[serde(default)]
    layer: Vec<Spanned<RawLayer>>,
    #[serde(default)]
    control: Vec<Spanned<RawControl>>,
    #[serde(default)]
    party: Vec<Spanned<RawParty>>,
    #[serde(default)]
    handoff: Vec<Spanned<RawHandoff>>,
    #[serde(default)]
    accept: Vec<Spanned<RawAccept>>,
    #[serde(default)]
    evidence: Vec<Spanned<RawDocument>>,
}

/// The text parsed as `toml::from_str::<RawStack>(text)` would, spans included, or `None` when
/// the caller must parse the whole text instead. The pieces are independent, so each core
/// parses a run of consecutive pieces; the runs are joined in file order.
pub(super) fn parse(text: &str, piece: usize) -> Option<RawStack> {
    let cuts = cuts(text, piece)?;
    let pieces: Vec<(usize, usize)> = cuts.windows(2).map(|w| (w[0], w[1])).collect();
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(pieces.len())
        .max(1);
    let failed = AtomicBool::new(false);
    let runs: Vec<Option<Run>> = if threads == 1 {
        vec![parse_run(text, &pieces, &failed)]
    } else {
        std::thread::scope(|scope| {
            let workers: Vec<_> = pieces
                .chunks(pieces.len().div_ceil(threads))
                .map(|run| scope.spawn(|| parse_run(text, run, &failed)))
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join()
                        .unwrap_or_else(|panic| std::panic::resume_unwind(panic))
                })
                .collect()
        })
    };
    let mut all = Run::default();
    for run in runs {
        let mut run = run?;
        all.stack.append(&mut run.stack);
        all.layers.append(&mut run.layers);
        all.controls.append(&mut run.controls);
        all.parties.append(&mut run.parties);
        all.handoffs.append(&mut run.handoffs);
        all.accepts.append(&mut run.accepts);
        all.documents.append(&mut run.documents);
    }
    let Run {
        mut stack,
        layers,
        controls,
        parties,
        handoffs,
        accepts,
        documents,
    } = all;
    if stack.len() != 1 {
        return None;
    }
    Some(RawStack {
        stack: stack.pop()?,
        layers,
        controls,
        parties,
        handoffs,
        accepts,
        documents,
    })
}

/// The promise of [`parse`], checked: cut into pieces of about `piece` bytes, `text` gives
/// exactly what a whole-document parse gives, spans included, or the pieces decline. Panics
/// when it does not.
fn assert_same_as_whole(text: &str, piece: usize) {
    let pieces = parse(text, piece);
    let whole = toml::from_str::<RawStack>(text);
    forget_atoms();
    let Some(pieces) = pieces else { return };
    match whole {
        Ok(whole) => assert_eq!(
            format!("{pieces:?}"),
            format!("{whole:?}"),
            "pieces of {piece} bytes read differently from the whole document"
        ),
        Err(e) => panic!("pieces of {piece} bytes read what the whole document refuses: {e}"),
    }
}

/// A fuzzer's bytes as input to [`parse`]: the first byte picks a piece size of under 64 bytes
/// for the rest, read as text, so a small input is cut at nearly every header. For one input
/// in 16 (it takes a hundred times longer), the text is also repeated after a `[stack]` into a
/// file as big as those `load_str` parses in pieces, and cut into pieces of the real size.
#[doc(hidden)]
pub fn exercise(bytes: &[u8]) {
    let Some((&knob, rest)) = bytes.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(rest);
    assert_same_as_whole(&text, usize::from(knob % 64));
    if knob >= 0xF0 && !text.trim().is_empty() {
        assert_same_as_whole(&large(&text, knob % 2 == 1), PIECE);
    }
}

/// `text` repeated after a `[stack]` table (each time on a new line, if `newline`) until the
/// whole is big enough for `load_str` to parse it in pieces.
fn large(text: &str, newline: bool) -> String {
    let mut out = String::from("[stack]\nname = \"large\"\n");
    while out.len() < 4 * PIECE {
        out.push_str(text);
        if newline {
            out.push('\n');
        }
    }
    out
}

/// The tables of consecutive pieces, spans already in file terms.
#[derive(Default)]
struct Run {
    stack: Vec<Spanned<RawHeader>>,
    layers: Vec<Spanned<RawLayer>>,
    controls: Vec<Spanned<RawControl>>,
    parties: Vec<Spanned<RawParty>>,
    handoffs: Vec<Spanned<RawHandoff>>,
    accepts: Vec<Spanned<RawAccept>>,
    documents: Vec<Spanned<RawDocument>>,
}

/// Parses consecutive pieces (start, end); `None` as soon as one fails, here or in another run.
fn parse_run(text: &str, pieces: &[(usize, usize)], failed: &AtomicBool) -> Option<Run> {
    let mut run = Run::default();
    for &(start, end) in pieces {
        if failed.load(Ordering::Relaxed) {
            return None;
        }
        let Ok(p) = toml::from_str::<Piece>(&text[start..end]) else {
            failed.store(true, Ordering::Relaxed);
            return None;
        };
        let by = start;
        run.stack
            .extend(p.stack.map(|h| shift(h, by, RawHeader::shifted)));
        run.layers
            .extend(p.layer.into_iter().map(|l| shift(l, by, RawLayer::shifted)));
        run.controls.extend(
            p.control
                .into_iter()
                .map(|c| shift(c, by, RawControl::shifted)),
        );
        run.parties
            .extend(p.party.into_iter().map(|x| shift(x, by, RawParty::shifted)));
        run.handoffs.extend(
            p.handoff
                .into_iter()
                .map(|h| shift(h, by, RawHandoff::shifted)),
        );
        run.accepts.extend(
            p.accept
                .into_iter()
                .map(|a| shift(a, by, RawAccept::shifted)),
        );
        run.documents.extend(
            p.evidence
                .into_iter()
                .map(|d| shift(d, by, RawDocument::shifted)),
        );
    }
    Some(run)
}

/// Where the pieces start (and, last, the end of the text); `None` when the text has anything
/// but blank lines and comments before its first table, or ends inside a string or bracket.
fn cuts(text: &str, piece: usize) -> Option<Vec<usize>> {
    #[derive(PartialEq)]
    enum In {
        Code,
        BasicBlock,
        LiteralBlock,
    }
    let mut state = In::Code;
    let mut depth: usize = 0;
    let mut seen_table = false;
    let mut cuts = vec![0];
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        let start = at;
        at += line.len();
        let trimmed = line.trim_start_matches([' ', '\t']);
        if state == In::Code && depth == 0 && trimmed.starts_with('[') {
            seen_table = true;
            if start - cuts[cuts.len() - 1] >= piece && is_boundary(trimmed) {
                cuts.push(start);
            }
            // A header holds no value: nothing in it opens a string or a bracket that lasts.
            continue;
        }
        if !seen_table && state == In::Code {
            let content = trimmed.trim_end();
            if !content.is_empty() && !content.starts_with('#') {
                return None;
            }
        }
        let bytes = line.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            match state {
                In::Code => match bytes[i] {
                    b'#' => break,
                    b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                        state = In::BasicBlock;
                        i += 3;
                        continue;
                    }
                    b'\'' if bytes[i..].starts_with(b"'''") => {
                        state = In::LiteralBlock;
                        i += 3;
                        continue;
                    }
                    b'"' => i = end_of_basic(bytes, i + 1)?,
                    b'\'' => i = i + 1 + bytes[i + 1..].iter().position(|&b| b == b'\'')?,
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => depth = depth.checked_sub(1)?,
                    _ => {}
                },
                In::BasicBlock => match bytes[i] {
                    b'\\' => i += 1,
                    b'"' if bytes[i..].starts_with(b"\"\"\"") => {
                        state = In::Code;
                        i += 3;
                        continue;
                    }
                    _ => {}
                },
                In::LiteralBlock => {
                    if bytes[i..].starts_with(b"'''") {
                        state = In::Code;
                        i += 3;
                        continue;
                    }
                }
            }
            i += 1;
        }
    }
    if state != In::Code || depth != 0 {
        return None;
    }
    cuts.push(text.len());
    Some(cuts)
}

/// The index of the quote closing a one-line basic string whose content starts at `from`.
fn end_of_basic(bytes: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' => i += 2,
            b'"' => return Some(i),
            b'\n' => return None,
            _ => i += 1,
        }
    }
    None
}

/// Whether a header line opens one of the top-level tables a piece may start at.
fn is_boundary(line: &str) -> bool {
    let header = line.split('#').next().unwrap_or("");
    let compact: String = header.chars().filter(|c| !c.is_whitespace()).collect();
    BOUNDARIES.contains(&compact.as_str())
}

/// A spanned value moved `by` bytes later, its contents too.
fn shift<T>(value: Spanned<T>, by: usize, inner: impl FnOnce(T, usize) -> T) -> Spanned<T> {
    let span = value.span();
    Spanned::new(
        span.start + by..span.end + by,
        inner(value.into_inner(), by),
    )
}

fn at<T>(value: Spanned<T>, by: usize) -> Spanned<T> {
    shift(value, by, |v, _| v)
}

fn opt<T>(value: Option<Spanned<T>>, by: usize) -> Option<Spanned<T>> {
    value.map(|v| at(v, by))
}

fn all<T>(values: Vec<Spanned<T>>, by: usize) -> Vec<Spanned<T>> {
    values.into_iter().map(|v| at(v, by)).collect()
}

// Every field is named, so a field added to a raw table fails to compile here instead of
// keeping the span it had inside its piece.

impl RawHeader {
    fn shifted(self, by: usize) -> RawHeader {
        let RawHeader {
            name,
            description,
            catalog,
            min_evidence,
        } = self;
        RawHeader {
            name: at(name, by),
            description: opt(description, by),
            catalog: opt(catalog, by),
            min_evidence: opt(min_evidence, by),
        }
    }
}

impl RawLayer {
    fn shifted(self, by: usize) -> RawLayer {
        let RawLayer { id, name } = self;
        RawLayer {
            id: at(id, by),
            name: opt(name, by),
        }
    }
}

impl RawControl {
    fn shifted(self, by: usize) -> RawControl {
        let RawControl {
            id,
            name,
            family,
            description,
            refs,
        } = self;
        RawControl {
            id: at(id, by),
            name: at(name, by),
            family: opt(family, by),
            description: opt(description, by),
            refs: all(refs, by),
        }
    }
}

impl RawParty {
    fn shifted(self, by: usize) -> RawParty {
        let RawParty {
            id,
            name,
            layer,
            requires,
            implements,
            notes,
        } = self;
        RawParty {
            id: at(id, by),
            name: opt(name, by),
            layer: opt(layer, by),
            requires: all(requires, by),
            implements: all(implements, by),
            notes: opt(notes, by),
        }
    }
}

impl RawHandoff {
    fn shifted(self, by: usize) -> RawHandoff {
        let RawHandoff {
            consumer,
            provider,
            service,
            agreement,
            model,
            controls,
        } = self;
        let mut controls = controls;
        for item in &mut controls.0 {
            item.shift(by);
        }
        RawHandoff {
            consumer: at(consumer, by),
            provider: at(provider, by),
            service: opt(service, by),
            agreement: opt(agreement, by),
            model: opt(model, by),
            controls,
        }
    }
}

impl RawItem {
    fn shift(&mut self, by: usize) {
        let RawItem {
            control,
            agreed,
            assumed,
            evidence,
            expires,
            reference,
        } = self;
        let by = offset(by);
        let evidence_words: &mut [Word] = match evidence {
            None => &mut [],
            Some(RawEvidence::One(w)) => std::slice::from_mut(w),
            Some(RawEvidence::Many(words, at)) => {
                *at = at.saturating_add(by);
                words
            }
        };
        for word in [Some(control), agreed.as_mut(), assumed.as_mut()]
            .into_iter()
            .flatten()
            .chain(evidence_words)
        {
            word.at = word.at.saturating_add(by);
        }
        if let Some(e) = expires.take() {
            *expires = Some(Box::new(at(*e, by as usize)));
        }
        if let Some(r) = reference.take() {
            *reference = Some(Box::new(at(*r, by as usize)));
        }
    }
}

impl RawAccept {
    fn shifted(self, by: usize) -> RawAccept {
        let RawAccept {
            control,
            kind,
            reason,
            until,
            by: accepted_by,
            ticket,
            party,
            consumer,
            provider,
            service,
        } = self;
        RawAccept {
            control: at(control, by),
            kind: at(kind, by),
            reason: at(reason, by),
            until: opt(until, by),
            by: opt(accepted_by, by),
            ticket: opt(ticket, by),
            party: opt(party, by),
            consumer: opt(consumer, by),
            provider: opt(provider, by),
            service: opt(service, by),
        }
    }
}

impl RawDocument {
    fn shifted(self, by: usize) -> RawDocument {
        let RawDocument {
            id,
            level,
            title,
            issuer,
            party,
            issued,
            expires,
            covers,
            reference,
        } = self;
        RawDocument {
            id: at(id, by),
            level: at(level, by),
            title: opt(title, by),
            issuer: opt(issuer, by),
            party: opt(party, by),
            issued: opt(issued, by),
            expires: opt(expires, by),
            covers: covers.map(|c| shift(c, by, all)),
            reference: opt(reference, by),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The pieces give what the whole document gives, spans included.
    fn same_as_whole(text: &str, piece: usize) -> bool {
        let whole: RawStack = toml::from_str(text).expect("the test text is a valid stack");
        let pieces = parse(text, piece).expect("the fast path applies");
        format!("{whole:?}") == format!("{pieces:?}")
    }

    fn sample_stacks() -> Vec<&'static str> {
        vec![
            include_str!("../../../sample-stacks/demo.toml"),
            include_str!("../../../sample-stacks/fintech-payments.toml"),
            include_str!("../../../sample-stacks/healthcare-records.toml"),
            include_str!("../../../sample-stacks/public-sector-portal.toml"),
            include_str!("../../../tests/scenarios/evidence-documents.toml"),
        ]
    }

    #[test]
    fn pieces_of_any_size_add_up_to_the_whole_document() {
        for text in sample_stacks() {
            for piece in [0, 1, 200, 1000, PIECE] {
                assert!(same_as_whole(text, piece), "piece size {piece}");
            }
        }
    }

    #[test]
    fn strings_and_arrays_that_look_like_headers_are_not_cut() {
        let text = "# a stack\n[stack]\nname = \"s\"\ndescription = \"\"\"\n[[party]]\nid = \"not a party\"\n\"\"\"\n\
                    [[party]]\nid = \"a\"\nrequires = [\n\"X\",\n]\nnotes = '''\n[[handoff]]\n'''\n\
                    [[party]] # with a comment\nid = \"b\"\nnotes = \"a [[party]] \\\" quote\"\n\
                    [[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n[handoff.controls]\nX = { agreed = \"provider\" }\n";
        for piece in [0, 1, 10] {
            assert!(same_as_whole(text, piece), "piece size {piece}");
        }
    }

    #[test]
    fn anything_the_pieces_cannot_promise_falls_back() {
        let cases = [
            // a key before the first table
            "name = \"x\"\n[stack]\nname = \"s\"\n",
            // [stack] twice: an error for the whole document
            "[stack]\nname = \"s\"\n[[party]]\nid = \"a\"\n[stack]\nname = \"t\"\n",
            // no [stack]
            "[[party]]\nid = \"a\"\n",
            // a sub-table whose hand-off is in another piece
            "[stack]\nname = \"s\"\n[[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n[[party]]\nid = \"a\"\n[handoff.controls]\nX = \"provider\"\n",
            // a string left open
            "[stack]\nname = \"s\"\ndescription = \"\"\"\n[[party]]\nid = \"a\"\n",
            // an unknown table
            "[stack]\nname = \"s\"\n[[partie]]\nid = \"a\"\n",
        ];
        for text in cases {
            assert!(parse(text, 0).is_none(), "{text}");
        }
    }

    /// The two `[stack]` tables the generated texts start with.
    const STACKS: [&str; 2] = [
        "[stack]\nname = \"s\"\n",
        "[stack]\r\nname = \"crlf\"\r\ndescription = '''\r\n[[party]]\r\n'''\r\n",
    ];

    /// Tables and lines that make cutting hard, each valid after any other: headers inside
    /// strings and arrays, comments, spaced headers, sub-tables, escapes, multi-line strings.
    const TABLES: [&str; 19] = [
        "[[party]]\nid = \"a\"\n",
        "[[party]] # a comment\nid = \"b\"\nrequires = [\n  \"X\", # [[party]]\n  \"Y\",\n]\n",
        "[[ party ]]\nid = 'c'\nnotes = '''\n[[party]]\n'''\n",
        "[[party]]\nid = \"d\"\nnotes = \"\"\"\nline \\\"\"\" still\n[[handoff]]\n\"\"\"\n",
        "[[party]]\nid = \"é\"\nname = \"\\u00e9 \\\" [[party]]\"\nimplements = ['X']\n",
        "[[handoff]]\nconsumer = \"a\"\nprovider = \"b\"\n[handoff.controls]\nX = { agreed = \"provider\", evidence = [\"doc\", \"attested\"] }\nY = \"shared\"\n",
        "[[handoff]]\nconsumer = \"a\"\nprovider = \"c\"\ncontrols = { X = \"provider\", Y = { assumed = \"consumer\" } }\n",
        "[[control]]\nid = \"X\"\nname = \"\"\"\nmulti\n[[control]]\n\"\"\"\nrefs = [\n\"a\", \"b\",\n]\n",
        "[[control]]\nid = \"Y\"\nname = \"y\"\n",
        "[[layer]]\nid = \"l\"\nname = \"Layer\"\n",
        "[[control]]\nid = \"Z\"\nname = \"z\"\nfamily = \"F\"\ndescription = \"d\"\nrefs = [\"R 1\"]\n",
        "[[handoff]]\nconsumer = \"c\"\nprovider = \"a\"\nservice = \"s\"\nagreement = \"MSA\"\nmodel = \"saas\"\n",
        "[[accept]]\ncontrol = \"Y\"\nkind = \"weak-assurance\"\nreason = \"r\"\nconsumer = \"a\"\nprovider = \"b\"\nservice = \"s\"\nuntil = 2027-03-31\nby = \"me\"\nticket = \"T-1\"\n",
        "[[evidence]]\nid = \"rep\"\nlevel = \"verified\"\ntitle = \"t\"\nissuer = \"i\"\nparty = \"a\"\nissued = 2025-04-15\nref = \"vault://r\"\n",
        "[[accept]]\ncontrol = \"X\"\nkind = \"unassigned\"\nreason = \"r\"\nparty = \"a\"\n",
        "[[evidence]]\nid = \"doc\"\nlevel = \"attested\"\ncovers = [\"X\"]\nexpires = 2026-01-01\n",
        "# a comment with [[party]] in it\n\n",
        "\n\t \n",
        "[[handoff]]\r\nconsumer = \"b\"\r\nprovider = \"a\"\r\n[handoff.controls]\r\nZ = { assumed = \"consumer\", expires = 2027-01-01, ref = \"§7\" }\r\n",
    ];

    /// What a whole document refuses, or what the pieces cannot read alone.
    const TROUBLE: [&str; 5] = [
        "[stack]\nname = \"twice\"\n",
        "[handoff.controls]\nW = \"provider\"\n",
        "notes = \"a key after a table\"\n",
        "[stack.extra]\nx = 1\n",
        "[[partie]]\nid = \"typo\"\n",
    ];

    /// A small deterministic generator (xorshift), so the loop below runs the same cases
    /// everywhere.
    struct Rng(u64);

    impl Rng {
        fn below(&mut self, n: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % n as u64) as usize
        }
    }

    /// A `[stack]`, then tables in a random order, now and then a troublesome one; in a
    /// third of the texts, a few characters inserted or removed.
    fn generated(rng: &mut Rng) -> String {
        let mut text = String::from(STACKS[rng.below(STACKS.len())]);
        for _ in 0..rng.below(12) {
            text.push_str(if rng.below(8) == 0 {
                TROUBLE[rng.below(TROUBLE.len())]
            } else {
                TABLES[rng.below(TABLES.len())]
            });
        }
        let noise = ['"', '\'', '[', ']', '{', '}', '#', '\\', '\n', '=', ' '];
        for _ in 0..rng.below(6).saturating_sub(3) {
            let at = rng.below(text.len() + 1);
            if !text.is_char_boundary(at) {
                continue;
            }
            if rng.below(2) == 0 || at == text.len() {
                text.insert(at, noise[rng.below(noise.len())]);
            } else if let Some(c) = text[at..].chars().next() {
                text.replace_range(at..at + c.len_utf8(), "");
            }
        }
        text
    }

    /// The fuzz target's property, bounded, inside `cargo test`: pieces of any size give what
    /// the whole document gives, or decline.
    #[test]
    fn generated_stacks_cut_anywhere_read_as_the_whole_document_or_fall_back() {
        let mut rng = Rng(0x5eed_cafe_f00d_0001);
        let mut read = 0;
        for _ in 0..400 {
            let text = generated(&mut rng);
            for piece in [0, 1, rng.below(300)] {
                assert_same_as_whole(&text, piece);
                read += usize::from(parse(&text, piece).is_some());
            }
        }
        forget_atoms();
        // The generator must reach the fast path often, not only its fallbacks.
        assert!(
            read > 400,
            "only {read} generated texts were read in pieces"
        );
    }

    #[test]
    fn a_file_big_enough_to_be_read_in_pieces_reads_as_the_whole_document() {
        let tables = TABLES.concat();
        let text = large(&tables, false);
        assert!(text.len() >= 4 * PIECE);
        assert!(parse(&text, PIECE).is_some(), "the fast path applies");
        assert_same_as_whole(&text, PIECE);
        // And through the fuzz target's door, each repeat on a line of its own.
        let bytes: Vec<u8> = std::iter::once(0xF1).chain(tables.bytes()).collect();
        exercise(&bytes);
    }
}
