//! What the environment says about the terminal, read before anything is written to it: a
//! `TERM=dumb` terminal cannot take a full-screen program, and a locale that is not UTF-8
//! cannot show Unicode. The decisions are pure functions of the variables, table-tested; only
//! [`ascii_drawing`] and [`refuse_dumb`] read the environment.

use std::ffi::OsStr;

/// Whether the explorer draws in ASCII: `--ascii` says so, `--unicode` says not, and otherwise
/// the locale decides (ASCII unless it is UTF-8). In ASCII, stack text is spelled in ASCII too
/// (see `ascii.rs`).
pub fn ascii_drawing(ascii: bool, unicode: bool) -> bool {
    let var = |name: &str| std::env::var_os(name);
    decide(
        ascii,
        unicode,
        utf8_locale(var("LC_ALL"), var("LC_CTYPE"), var("LANG")),
    )
}

/// `--ascii` wins over everything, then `--unicode`, then the locale.
fn decide(ascii: bool, unicode: bool, utf8: bool) -> bool {
    ascii || (!unicode && !utf8)
}

/// Whether the locale's character set is UTF-8, from the first of `LC_ALL`, `LC_CTYPE` and
/// `LANG` that is set and not empty (as setlocale reads them). Unset, `C` and `POSIX` are
/// ASCII; otherwise the codeset after the `.` (and before any `@modifier`) names the encoding,
/// spelled `UTF-8` or `utf8` in any case — or the whole value does, as macOS's `UTF-8`.
pub fn utf8_locale<S: AsRef<OsStr>>(
    lc_all: Option<S>,
    lc_ctype: Option<S>,
    lang: Option<S>,
) -> bool {
    let Some(locale) = [lc_all, lc_ctype, lang]
        .into_iter()
        .flatten()
        .find(|v| !v.as_ref().is_empty())
    else {
        return false;
    };
    let locale = locale.as_ref().to_string_lossy();
    // macOS sets `LC_CTYPE=UTF-8`, a bare codeset, and SSH carries it to the server.
    let codeset = locale.split_once('.').map_or(&*locale, |(_, rest)| rest);
    let codeset = codeset.split('@').next().unwrap_or("");
    codeset.eq_ignore_ascii_case("utf-8") || codeset.eq_ignore_ascii_case("utf8")
}

/// `Err` with what to use instead when `TERM` is `dumb`: a terminal that cannot move its
/// cursor (Emacs's shell buffer, some CI logs) would show every frame as a stream of escapes.
pub fn refuse_dumb() -> anyhow::Result<()> {
    if dumb(std::env::var_os("TERM").as_deref()) {
        anyhow::bail!(
            "the explorer needs a terminal that can move its cursor, and TERM=dumb says this one \
             cannot; for a report, use `stackgap check FILE`"
        );
    }
    Ok(())
}

fn dumb(term: Option<&OsStr>) -> bool {
    term.is_some_and(|t| t == "dumb")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_locale_variable_set_decides_whether_it_is_utf8() {
        // (LC_ALL, LC_CTYPE, LANG) → UTF-8?
        type Case = (
            Option<&'static str>,
            Option<&'static str>,
            Option<&'static str>,
            bool,
        );
        let cases: [Case; 19] = [
            (None, None, None, false),
            (None, None, Some("en_US.UTF-8"), true),
            (None, None, Some("de_DE.utf8"), true),
            (None, None, Some("C.UTF-8"), true),
            (None, None, Some("sr_RS.UTF-8@latin"), true),
            (None, None, Some("C"), false),
            (None, None, Some("POSIX"), false),
            (None, None, Some("en_US"), false),
            (None, None, Some("en_US.ISO-8859-1"), false),
            (None, None, Some("de_DE@euro"), false),
            (Some("C"), None, Some("en_US.UTF-8"), false),
            (Some("en_GB.UTF-8"), Some("C"), Some("C"), true),
            (None, Some("C"), Some("en_US.UTF-8"), false),
            (None, Some("fr_FR.UTF-8"), Some("C"), true),
            // macOS's bare codeset, as SSH forwards it.
            (None, Some("UTF-8"), None, true),
            (None, Some("utf8"), Some("C"), true),
            (None, None, Some("ISO-8859-1"), false),
            // An empty variable counts as unset.
            (Some(""), Some(""), Some("en_US.UTF-8"), true),
            (Some(""), None, Some(""), false),
        ];
        for (lc_all, lc_ctype, lang, want) in cases {
            assert_eq!(
                utf8_locale(lc_all, lc_ctype, lang),
                want,
                "LC_ALL={lc_all:?} LC_CTYPE={lc_ctype:?} LANG={lang:?}"
            );
        }
    }

    #[test]
    fn ascii_and_unicode_flags_override_the_locale() {
        // (--ascii, --unicode, UTF-8 locale) → ASCII drawing?
        for (ascii, unicode, utf8, want) in [
            (false, false, true, false),
            (false, false, false, true),
            (false, true, false, false),
            (true, false, true, true),
            (true, true, true, true),
        ] {
            assert_eq!(
                decide(ascii, unicode, utf8),
                want,
                "{ascii} {unicode} {utf8}"
            );
        }
    }

    #[test]
    fn only_term_dumb_is_refused() {
        for (term, want) in [
            (Some("dumb"), true),
            (Some("xterm-256color"), false),
            (Some("linux"), false),
            (Some("screen"), false),
            (None, false),
        ] {
            assert_eq!(dumb(term.map(OsStr::new)), want, "{term:?}");
        }
    }
}
