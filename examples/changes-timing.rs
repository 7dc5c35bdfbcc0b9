//! Times the explorer's "what changed" work on a stack file: a what-if (`x` on the selected
//! party) with its frame, opening the changes view (`D`) with its frame, Enter on a change,
//! and in the blast radius view (`b`, its ranking computed at once as with no terminal) moving from one party to the next, whose pane lists the
//! places it would break. Prints the median and worst of `--runs` tries in milliseconds.
//!
//! `cargo run --release --example changes-timing -- /tmp/cv-10000.toml`

use std::time::{Duration, Instant};

use ratatui::Terminal;
use ratatui::backend::TestBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

use stackgap::analysis::WhatIf;
use stackgap::date::Date;
use stackgap::stack::load_path;
use stackgap::tui::{Explorer, Options};

fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let path = args.first().map_or("/tmp/cv-10000.toml", String::as_str);
    let runs: usize = args.get(1).and_then(|r| r.parse().ok()).unwrap_or(5);
    let stack = load_path(std::path::Path::new(path))?;
    let text = std::fs::read_to_string(path)?;
    let mut terminal = Terminal::new(TestBackend::new(120, 40))?;
    let mut times: Vec<(&str, Vec<Duration>)> = Vec::new();
    let mut record = |name: &'static str, d: Duration| match times.iter_mut().find(|t| t.0 == name)
    {
        Some(t) => t.1.push(d),
        None => times.push((name, vec![d])),
    };
    for _ in 0..runs {
        let what_if = WhatIf::new(&stack, Date::new(2026, 11, 28).expect("a valid date"));
        let options = Options {
            stack: stack.clone(),
            path: None,
            what_if,
            ascii: false,
            mouse: false,
            read_only: false,
        };
        let mut ex = Explorer::new(options, text.clone(), false);
        ex.resize(120, 40);
        terminal.draw(|f| ex.draw(f))?;
        let mut press = |ex: &mut Explorer, code: KeyCode| {
            let t = Instant::now();
            ex.key(KeyEvent::new(code, KeyModifiers::NONE));
            terminal.draw(|f| ex.draw(f)).expect("a frame");
            t.elapsed()
        };
        record("x (what-if) + frame", press(&mut ex, KeyCode::Char('x')));
        record(
            "D (open changes) + frame",
            press(&mut ex, KeyCode::Char('D')),
        );
        record("j in D + frame", press(&mut ex, KeyCode::Char('j')));
        record("Enter on a change + frame", press(&mut ex, KeyCode::Enter));
        record(
            "u (undo what-if) + frame",
            press(&mut ex, KeyCode::Char('u')),
        );
        record(
            "b (ranking computed) + frame",
            press(&mut ex, KeyCode::Char('b')),
        );
        for _ in 0..5 {
            record(
                "j in b (places listed) + frame",
                press(&mut ex, KeyCode::Char('j')),
            );
        }
    }
    for (name, mut ds) in times {
        ds.sort();
        let ms = |d: Duration| d.as_secs_f64() * 1000.0;
        println!(
            "{name:<32} median {:>8.2} ms  max {:>8.2} ms  (n={})",
            ms(ds[ds.len() / 2]),
            ms(ds[ds.len() - 1]),
            ds.len()
        );
    }
    Ok(())
}
