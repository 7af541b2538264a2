//! Where a graph's nodes land on a canvas: the unit square of node positions mapped into the
//! canvas (with a margin), zoomed and panned; and which node or edge is under the pointer.
//! Pure geometry, shared by the editor and the viewer of loaded graphs.

/// Screen pixels around the unit square at zoom 1.
const MARGIN: f64 = 24.0;

/// The mapping from node positions (unit square) to canvas pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    /// Canvas width in pixels.
    pub width: f64,
    /// Canvas height in pixels.
    pub height: f64,
    /// Magnification (1: the unit square fills the canvas less the margin).
    pub zoom: f64,
    /// Pixel shift added after zooming.
    pub offset: (f64, f64),
}

impl View {
    /// The whole unit square in a `width × height` canvas.
    pub fn fit(width: f64, height: f64) -> Self {
        Self { width, height, zoom: 1.0, offset: (0.0, 0.0) }
    }

    /// A `width × height` canvas zoomed on `positions`: the box that holds all but the outer
    /// 1% of them on each side (stray leaves would otherwise shrink the rest) fills 92% of it,
    /// at zoom 1 to 40.
    pub fn framing(width: f64, height: f64, positions: impl Iterator<Item = [f32; 2]>) -> Self {
        let (mut xs, mut ys): (Vec<f32>, Vec<f32>) = positions.map(|[x, y]| (x, y)).unzip();
        let fit = Self::fit(width, height);
        if xs.len() < 2 {
            return fit;
        }
        xs.sort_by(f32::total_cmp);
        ys.sort_by(f32::total_cmp);
        let trim = xs.len() / 100;
        let span = |v: &[f32]| (f64::from(v[trim]), f64::from(v[v.len() - 1 - trim]));
        let ((x0, x1), (y0, y1)) = (span(&xs), span(&ys));
        let zoom = (0.92 / (x1 - x0).max(y1 - y0).max(1e-3)).clamp(1.0, 40.0);
        let (cx, cy) = fit.to_screen([((x0 + x1) / 2.0) as f32, ((y0 + y1) / 2.0) as f32]);
        Self { zoom, offset: (width / 2.0 - cx * zoom, height / 2.0 - cy * zoom), ..fit }
    }

    /// The canvas point of position `p`.
    pub fn to_screen(&self, p: [f32; 2]) -> (f64, f64) {
        let x = MARGIN + f64::from(p[0]) * (self.width - 2.0 * MARGIN);
        let y = MARGIN + f64::from(p[1]) * (self.height - 2.0 * MARGIN);
        (x * self.zoom + self.offset.0, y * self.zoom + self.offset.1)
    }

    /// The position under canvas point `s`.
    pub fn to_world(&self, s: (f64, f64)) -> [f32; 2] {
        let x = (s.0 - self.offset.0) / self.zoom;
        let y = (s.1 - self.offset.1) / self.zoom;
        [
            ((x - MARGIN) / (self.width - 2.0 * MARGIN)) as f32,
            ((y - MARGIN) / (self.height - 2.0 * MARGIN)) as f32,
        ]
    }

    /// Zoomed by `factor` keeping the position under `s` in place (zoom 0.2–40).
    pub fn zoomed_at(&self, s: (f64, f64), factor: f64) -> Self {
        let zoom = (self.zoom * factor).clamp(0.2, 40.0);
        let k = zoom / self.zoom;
        Self { zoom, offset: (s.0 - (s.0 - self.offset.0) * k, s.1 - (s.1 - self.offset.1) * k), ..*self }
    }

    /// Moved by `(dx, dy)` pixels.
    pub fn panned(&self, dx: f64, dy: f64) -> Self {
        Self { offset: (self.offset.0 + dx, self.offset.1 + dy), ..*self }
    }

    /// Whether canvas point `s` is on the canvas (with `pad` pixels to spare).
    pub fn visible(&self, s: (f64, f64), pad: f64) -> bool {
        s.0 >= -pad && s.1 >= -pad && s.0 <= self.width + pad && s.1 <= self.height + pad
    }
}

/// Each undirected edge once (the smaller index first), self loops dropped, sorted: what the
/// views draw and the layout pulls along, whether a graph lists an edge once or both ways.
pub fn edges_once(pairs: impl IntoIterator<Item = (usize, usize)>) -> Vec<[u32; 2]> {
    let mut once: Vec<[u32; 2]> =
        pairs.into_iter().filter(|(a, b)| a != b).map(|(a, b)| [a.min(b) as u32, a.max(b) as u32]).collect();
    once.sort_unstable();
    once.dedup();
    once
}

/// The node nearest to canvas point `s` within `radius` pixels.
pub fn node_at(positions: &[[f32; 2]], view: &View, s: (f64, f64), radius: f64) -> Option<usize> {
    positions
        .iter()
        .enumerate()
        .map(|(i, &p)| {
            let (x, y) = view.to_screen(p);
            (i, (x - s.0).hypot(y - s.1))
        })
        .filter(|&(_, d)| d <= radius)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// The edge nearest to canvas point `s` within `tolerance` pixels of its segment.
pub fn edge_at(
    positions: &[[f32; 2]],
    edges: &[(usize, usize)],
    view: &View,
    s: (f64, f64),
    tolerance: f64,
) -> Option<usize> {
    edges
        .iter()
        .enumerate()
        .map(|(i, &(a, b))| {
            (i, segment_distance(view.to_screen(positions[a]), view.to_screen(positions[b]), s))
        })
        .filter(|&(_, d)| d <= tolerance)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(i, _)| i)
}

/// Distance from `p` to the segment `a`–`b`.
fn segment_distance(a: (f64, f64), b: (f64, f64), p: (f64, f64)) -> f64 {
    let (dx, dy) = (b.0 - a.0, b.1 - a.1);
    let length2 = dx * dx + dy * dy;
    let t =
        if length2 == 0.0 { 0.0 } else { (((p.0 - a.0) * dx + (p.1 - a.1) * dy) / length2).clamp(0.0, 1.0) };
    (a.0 + t * dx - p.0).hypot(a.1 + t * dy - p.1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn framing_fills_the_canvas_with_the_positions_but_strays() {
        let mut positions: Vec<[f32; 2]> = (0..200)
            .map(|i| [0.4 + 0.2 * (i % 10) as f32 / 9.0, 0.45 + 0.1 * (i / 10) as f32 / 19.0])
            .collect();
        positions.push([0.0, 1.0]);
        let view = View::framing(400.0, 400.0, positions.iter().copied());
        assert!((view.zoom - 4.6).abs() < 1e-3, "a 0.2-wide cluster fills the canvas: zoom {}", view.zoom);
        let (cx, cy) = view.to_screen([0.5, 0.5]);
        assert!((cx - 200.0).abs() < 1e-6 && (cy - 200.0).abs() < 1e-6, "centred: {cx}, {cy}");
        assert_eq!(View::framing(400.0, 400.0, std::iter::once([0.3, 0.3])), View::fit(400.0, 400.0));
    }

    #[test]
    fn screen_and_world_round_trip_under_zoom_and_pan() {
        let view = View::fit(600.0, 400.0);
        assert_eq!(view.to_screen([0.0, 0.0]), (MARGIN, MARGIN));
        assert_eq!(view.to_screen([1.0, 1.0]), (600.0 - MARGIN, 400.0 - MARGIN));
        let moved = view.zoomed_at((300.0, 200.0), 2.0).panned(15.0, -7.0);
        for p in [[0.25f32, 0.75], [0.9, 0.1]] {
            let back = moved.to_world(moved.to_screen(p));
            assert!((back[0] - p[0]).abs() < 1e-6 && (back[1] - p[1]).abs() < 1e-6);
        }
        // Zooming about a point keeps what is under it.
        let under = view.to_world((123.0, 77.0));
        let zoomed = view.zoomed_at((123.0, 77.0), 3.0);
        let again = zoomed.to_world((123.0, 77.0));
        assert!((under[0] - again[0]).abs() < 1e-6 && (under[1] - again[1]).abs() < 1e-6);
        assert_eq!(view.zoomed_at((0.0, 0.0), 1000.0).zoom, 40.0);
        assert!(view.visible((10.0, 10.0), 0.0) && !view.visible((-20.0, 10.0), 5.0));
    }

    #[test]
    fn nodes_and_edges_under_the_pointer() {
        let view = View::fit(600.0, 400.0);
        let positions = [[0.0, 0.0], [1.0, 0.0], [0.5, 1.0]];
        assert_eq!(node_at(&positions, &view, (MARGIN + 3.0, MARGIN + 2.0), 8.0), Some(0));
        assert_eq!(node_at(&positions, &view, (300.0, 200.0), 8.0), None);
        let edges = [(0, 1), (1, 2)];
        assert_eq!(edge_at(&positions, &edges, &view, (300.0, MARGIN + 3.0), 5.0), Some(0));
        assert_eq!(edge_at(&positions, &edges, &view, (300.0, 100.0), 5.0), None);
        assert_eq!(segment_distance((0.0, 0.0), (0.0, 0.0), (3.0, 4.0)), 5.0);
    }
}
