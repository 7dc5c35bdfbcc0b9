//! The baseline that `stackgap check` is measured against (docs/performance.md): read a file
//! and parse it into a `toml::Table`, nothing more. `cargo run --release --example parse-only -- FILE`.

use anyhow::Context as _;

fn main() -> anyhow::Result<()> {
    let path = std::env::args_os()
        .nth(1)
        .context("usage: parse-only FILE")?;
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read {}", path.to_string_lossy()))?;
    let table: toml::Table = text.parse()?;
    // Keep the parse from being optimised away and show it saw the whole file.
    println!("{} top-level keys", table.len());
    Ok(())
}
