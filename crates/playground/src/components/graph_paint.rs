//! The one graph renderer of the page: the data view, the explorer and the editor paint their
//! graphs with it. It draws what it is given in few canvas paths — every edge of one style as
//! one path, every disc or ring of one colour as one path — so a graph of thousands of nodes
//! (a loaded Cora) costs a few dozen canvas calls per frame, not thousands, and it skips what
//! lies off the canvas.

use std::collections::BTreeMap;

use web_sys::CanvasRenderingContext2d;

/// Paints nodes and edges at their canvas positions.
#[derive(Debug)]
pub struct GraphPainter<'a> {
    ctx: &'a CanvasRenderingContext2d,
    screen: &'a [(f64, f64)],
    size: (f64, f64),
}

impl<'a> GraphPainter<'a> {
    /// A painter on `ctx` (a canvas of `width × height` pixels) for nodes at `screen`.
    pub fn new(ctx: &'a CanvasRenderingContext2d, screen: &'a [(f64, f64)], width: f64, height: f64) -> Self {
        Self { ctx, screen, size: (width, height) }
    }

    /// Whether node `i` is on the canvas, with `pad` pixels to spare.
    fn visible(&self, i: usize, pad: f64) -> bool {
        let (x, y) = self.screen[i];
        x >= -pad && y >= -pad && x <= self.size.0 + pad && y <= self.size.1 + pad
    }

    /// Edges `(a, b)` as one path of `colour` and `width` (those with both ends off the canvas
    /// are left out).
    pub fn edges(&self, edges: impl IntoIterator<Item = (u32, u32)>, colour: &str, width: f64) {
        self.ctx.set_stroke_style_str(colour);
        self.ctx.set_line_width(width);
        self.ctx.begin_path();
        for (a, b) in edges {
            let (a, b) = (a as usize, b as usize);
            if a >= self.screen.len()
                || b >= self.screen.len()
                || !(self.visible(a, 0.0) || self.visible(b, 0.0))
            {
                continue;
            }
            let ((x0, y0), (x1, y1)) = (self.screen[a], self.screen[b]);
            self.ctx.move_to(x0, y0);
            self.ctx.line_to(x1, y1);
        }
        self.ctx.stroke();
    }

    /// Edges as [`GraphPainter::edges`] draws them, dashed.
    pub fn dashed_edges(&self, edges: impl IntoIterator<Item = (u32, u32)>, colour: &str, width: f64) {
        let dashes = js_sys::Array::new();
        dashes.push(&4.0.into());
        dashes.push(&3.0.into());
        let _ = self.ctx.set_line_dash(&dashes);
        self.edges(edges, colour, width);
        let _ = self.ctx.set_line_dash(&js_sys::Array::new());
    }

    /// Filled discs of `radius`, one path per colour.
    pub fn discs(&self, nodes: impl IntoIterator<Item = (usize, String)>, radius: f64) {
        for (colour, nodes) in self.by_colour(nodes, radius) {
            self.ctx.set_fill_style_str(&colour);
            self.ctx.begin_path();
            self.circles(&nodes, radius);
            self.ctx.fill();
        }
    }

    /// Stroked circles of `radius` and line `width`, one path per colour; `dashed` for a
    /// dashed line.
    pub fn rings(
        &self,
        nodes: impl IntoIterator<Item = (usize, String)>,
        radius: f64,
        width: f64,
        dashed: bool,
    ) {
        let dashes = js_sys::Array::new();
        if dashed {
            dashes.push(&3.0.into());
            dashes.push(&2.0.into());
        }
        let _ = self.ctx.set_line_dash(&dashes);
        self.ctx.set_line_width(width);
        for (colour, nodes) in self.by_colour(nodes, radius) {
            self.ctx.set_stroke_style_str(&colour);
            self.ctx.begin_path();
            self.circles(&nodes, radius);
            self.ctx.stroke();
        }
        let _ = self.ctx.set_line_dash(&js_sys::Array::new());
    }

    /// Text centred on each node.
    pub fn labels(&self, nodes: impl IntoIterator<Item = (usize, String)>, colour: &str, font: &str) {
        self.ctx.set_font(font);
        self.ctx.set_text_align("center");
        self.ctx.set_text_baseline("middle");
        self.ctx.set_fill_style_str(colour);
        for (i, text) in nodes {
            if i < self.screen.len() && self.visible(i, 0.0) {
                let (x, y) = self.screen[i];
                let _ = self.ctx.fill_text(&text, x, y);
            }
        }
    }

    /// Square outlines of side `2 × half` and line `width`, centred on the nodes, one path per
    /// colour.
    pub fn frames(&self, nodes: impl IntoIterator<Item = (usize, String)>, half: f64, width: f64) {
        self.ctx.set_line_width(width);
        for (colour, nodes) in self.by_colour(nodes, half) {
            self.ctx.set_stroke_style_str(&colour);
            self.ctx.begin_path();
            for i in nodes {
                let (x, y) = self.screen[i];
                self.ctx.rect(x - half, y - half, 2.0 * half, 2.0 * half);
            }
            self.ctx.stroke();
        }
    }

    /// Each node as its picture on a tile of its colour, node by node in index order, so that a
    /// tile covers the ones below it and every visible digit stays legible: the `side × side`
    /// cell `i` of `sheet` (cells in rows of `columns`) over an opaque square of side `2 × half`.
    pub fn picture_tiles(
        &self,
        colours: impl IntoIterator<Item = (usize, String)>,
        sheet: &web_sys::HtmlCanvasElement,
        (columns, side): (usize, f64),
        half: f64,
    ) {
        self.ctx.set_image_smoothing_enabled(true);
        for (i, colour) in colours {
            if i >= self.screen.len() || !self.visible(i, half) {
                continue;
            }
            let (x, y) = self.screen[i];
            let (left, top, width) = (x - half, y - half, 2.0 * half);
            // White first: a faded colour over white, not over the tiles beneath.
            self.ctx.set_fill_style_str("white");
            self.ctx.fill_rect(left, top, width, width);
            self.ctx.set_fill_style_str(&colour);
            self.ctx.fill_rect(left, top, width, width);
            let (sx, sy) = ((i % columns) as f64 * side, (i / columns) as f64 * side);
            let _ = self.ctx.draw_image_with_html_canvas_element_and_sw_and_sh_and_dx_and_dy_and_dw_and_dh(
                sheet, sx, sy, side, side, left, top, width, width,
            );
        }
    }

    /// Edges as [`GraphPainter::edges`] draws them, with the canvas dash pattern `dash` (empty:
    /// solid).
    pub fn styled_edges(
        &self,
        edges: impl IntoIterator<Item = (u32, u32)>,
        colour: &str,
        width: f64,
        dash: &[f64],
    ) {
        let dashes = js_sys::Array::new();
        for &d in dash {
            dashes.push(&d.into());
        }
        let _ = self.ctx.set_line_dash(&dashes);
        self.edges(edges, colour, width);
        let _ = self.ctx.set_line_dash(&js_sys::Array::new());
    }

    /// Filled `shape`s of `radius`, one path per colour.
    pub fn shapes(&self, nodes: impl IntoIterator<Item = (usize, String)>, shape: Shape, radius: f64) {
        for (colour, nodes) in self.by_colour(nodes, radius) {
            self.ctx.set_fill_style_str(&colour);
            self.ctx.begin_path();
            match shape {
                Shape::Circle => self.circles(&nodes, radius),
                _ => {
                    for &i in &nodes {
                        let (x, y) = self.screen[i];
                        let corners = shape.corners(radius);
                        self.ctx.move_to(x + corners[0].0, y + corners[0].1);
                        for &(dx, dy) in &corners[1..] {
                            self.ctx.line_to(x + dx, y + dy);
                        }
                        self.ctx.close_path();
                    }
                }
            }
            self.ctx.fill();
        }
    }

    /// Visible nodes grouped by colour (in a stable order, so that overlaps draw alike).
    fn by_colour(
        &self,
        nodes: impl IntoIterator<Item = (usize, String)>,
        radius: f64,
    ) -> BTreeMap<String, Vec<usize>> {
        let mut groups: BTreeMap<String, Vec<usize>> = BTreeMap::new();
        for (i, colour) in nodes {
            if i < self.screen.len() && self.visible(i, radius) {
                groups.entry(colour).or_default().push(i);
            }
        }
        groups
    }

    /// Adds a circle per node to the current path.
    fn circles(&self, nodes: &[usize], radius: f64) {
        for &i in nodes {
            let (x, y) = self.screen[i];
            self.ctx.move_to(x + radius, y);
            let _ = self.ctx.arc(x, y, radius, 0.0, std::f64::consts::TAU);
        }
    }
}

/// The shape a node set's nodes are drawn in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    /// A disc.
    Circle,
    /// A square.
    Square,
    /// A triangle, point up.
    Triangle,
    /// A square on its corner.
    Diamond,
}

impl Shape {
    /// Shapes for node sets, in order (cycling).
    pub const ALL: [Shape; 4] = [Shape::Square, Shape::Diamond, Shape::Triangle, Shape::Circle];

    /// The shape of node set `set` of a heterogeneous graph: discs for the labeled one (as the
    /// nodes of every other graph view), squares, diamonds and triangles for the others.
    pub fn of_set(set: usize, labeled: Option<usize>) -> Shape {
        if Some(set) == labeled { Shape::Circle } else { Shape::ALL[set % 3] }
    }

    /// The corners of the shape around a node at the origin, of about the area of a disc of
    /// `radius` (a circle has none: it is drawn as an arc).
    pub fn corners(self, radius: f64) -> Vec<(f64, f64)> {
        match self {
            Shape::Circle => Vec::new(),
            Shape::Square => {
                let h = radius * 0.89;
                vec![(-h, -h), (h, -h), (h, h), (-h, h)]
            }
            Shape::Diamond => {
                let h = radius * 1.25;
                vec![(0.0, -h), (h, 0.0), (0.0, h), (-h, 0.0)]
            }
            Shape::Triangle => {
                let h = radius * 1.35;
                vec![(0.0, -h), (h * 0.87, h * 0.5), (-h * 0.87, h * 0.5)]
            }
        }
    }

    /// The same outline as an SVG `points` attribute around `(c, c)`.
    pub fn svg_points(self, c: f64, radius: f64) -> String {
        self.corners(radius)
            .iter()
            .map(|(x, y)| format!("{:.1},{:.1}", c + x, c + y))
            .collect::<Vec<_>>()
            .join(" ")
    }
}
