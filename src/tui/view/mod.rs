//! Drawing: paints the visible part of a [`Screen`] — the read-only state `update` derived —
//! and never computes what the state does not already hold, nor imports the app. The layout is
//! shared with `update` through `layout`; the hand-off pane writes what it drew into
//! [`Drawn`], for the mouse.

pub mod details;
pub mod help;
pub mod lists;
pub mod status;
pub mod tour;
pub mod tree;

use ratatui::Frame;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, StatefulWidget, Widget, Wrap};

use super::layout::{Drawn, MIN_SIZE, areas, footer};
use super::mode::{Listing, Mode, Question};
use super::screen::Screen;

/// Draws the whole screen, recording in `drawn` what a click will need.
pub fn draw(frame: &mut Frame, screen: &Screen, drawn: &mut Drawn) {
    let area = frame.area();
    Whole(screen).render(area, frame.buffer_mut(), drawn);
}

/// The whole screen as one widget.
pub struct Whole<'a>(pub &'a Screen<'a>);

impl StatefulWidget for Whole<'_> {
    type State = Drawn;

    fn render(self, area: Rect, buf: &mut Buffer, drawn: &mut Drawn) {
        let s = self.0;
        *drawn = Drawn::default();
        if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
            let text = format!(
                "terminal too small ({}×{}): stackgap needs at least {}×{}. Enlarge the window, or press q to quit.",
                area.width, area.height, MIN_SIZE.0, MIN_SIZE.1
            );
            Paragraph::new(s.theme.plain(&text).into_owned())
                .wrap(Wrap { trim: true })
                .render(area, buf);
            // `q` over unsaved edits asks, and its answers are the keys that act here.
            if *s.mode == Mode::Ask(Question::Quit) {
                status::Dialog(s).render(area, buf);
            }
            return;
        }
        let a = areas(area, s.zoom, s.focus, footer(s.mode));
        match s.listing {
            Listing::Tree => tree::TreeView(s).render(a.tree, buf),
            Listing::Controls => lists::ControlsView(s).render(a.tree, buf),
            Listing::BlastRadius => lists::BlastView(s).render(a.tree, buf),
            Listing::Expiring => lists::ExpiringView(s).render(a.tree, buf),
            Listing::FixFirst => lists::FixView(s).render(a.tree, buf),
            Listing::Changes => lists::ChangesView(s).render(a.tree, buf),
        }
        details::DetailsView(s).render(a.details, buf, drawn);
        match s.mode {
            Mode::Tour(step) => tour::TourBox(s, step).render(a.status, buf),
            _ => status::StatusBar(s).render(a.status, buf),
        }
        match s.mode {
            Mode::Help { .. } => help::HelpOverlay(s).render(area, buf),
            Mode::Ask(_) => status::Dialog(s).render(area, buf),
            Mode::Browse | Mode::Search { .. } | Mode::Tour(_) => {}
        }
    }
}

/// Draws lines into an area from the top, each cut to the area's width.
pub fn put_lines(lines: &[Line<'_>], area: Rect, buf: &mut Buffer) {
    for (line, y) in lines.iter().zip(area.top()..area.bottom()) {
        buf.set_line(area.x, y, line, area.width);
    }
}
