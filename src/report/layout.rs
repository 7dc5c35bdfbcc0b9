//! Diagrams that never misstate: what a diagram of a stack shows ([`Diagram`]: every party and
//! hand-off, or for a big stack those on paths to the worst findings (with none open, the top
//! consumers and the accepted findings) with the rest folded into
//! "+N" nodes that say what they hold), and where the HTML page draws it ([`Drawing`]).
//!
//! The drawing is our own layered (Sugiyama-style) layout, because it has to keep promises a
//! general layout engine does not make, and the tests check them on every sample and on
//! generated stacks:
//! - no two edge segments lie on top of each other, and no edge passes through a party box or
//!   another hand-off's label;
//! - every hand-off has its own printed label (service and status) inside the drawing.
//!
//! `layout-rs` 0.1.3 was tried on the sample stacks first: it ignores layers, renders named
//! colours black, places labels away from their edges and let two edges from the same party run
//! almost on top of each other, so it could not keep these promises.
//!
//! How: parties sit in rows, one per declared layer (or by longest path when the stack declares
//! none). Under each row of parties run one to three rows of labels: each hand-off's label sits
//! below its upper end, as an item of one of those rows, so no line can cross it (neighbouring
//! labels go to different rows when one row would be much wider than the parties). A hand-off spanning more rows
//! passes through the rows between as a thin "dummy" item; one between two parties of the same
//! row goes down to its label and back up. Rows are ordered by barycentre sweeps (keeping the
//! ordering with the fewest crossings), placed by weighted isotonic regression so items sit
//! between their neighbours, then swept top-down to give every line its own port: a port is
//! never within a few pixels of another hand-off's port across the same channel. Between two
//! rows, every line turns on its own track (tracks are shared only by lines whose horizontal
//! spans are apart), so vertical pieces have distinct x, horizontal pieces distinct y or
//! disjoint spans, and all of them stay in the channels and the gaps between items.

mod diagram;
mod order;
mod place;
mod route;

pub use diagram::{Diagram, Focus, Link, Node, Omitted, Status, Tally};
pub use place::{Band, Drawing, LinkPath, Rect, wrap};

/// Lays a diagram out: rows, order, coordinates and the path of every link.
pub fn draw(stack: &crate::stack::Stack, diagram: &Diagram) -> Drawing {
    let rows = order::rows(stack, diagram);
    let texts = place::texts(stack, diagram);
    let flat = order::Stagger::flat(rows.1.len().max(1), diagram.links.len());
    let first = order::order(diagram, &rows, &flat);
    let stagger = place::stagger(&first, &texts);
    let ordered = if stagger == flat {
        first
    } else {
        order::order(diagram, &rows, &stagger)
    };
    let placed = place::place(&ordered, texts);
    route::route(diagram, &ordered, placed)
}
