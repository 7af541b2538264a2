//! The learner's own points of the plane: pure edits from one set of points to the next (add,
//! move, erase, a whole CSV of `x,y,label`), as the data view and the drop zone make them.

use nsl::data::Examples;
use nsl::spec::limits::PLANE_POINTS;
use nsl::spec::{MAX_PLANE_CLASSES, PlanePoint, PlanePoints};

/// Which point: of the training or the test points, and its index there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PointRef {
    /// A test point (else a training point).
    pub test: bool,
    /// Its index among those.
    pub index: usize,
}

/// One change to the points.
#[derive(Debug, Clone, PartialEq)]
pub enum PointEdit {
    /// A new point of `class` at `(x, y)`.
    Add {
        /// Where, in the plane's coordinates.
        x: f32,
        /// Where.
        y: f32,
        /// Its class.
        class: u32,
        /// Held out for testing (else a training point).
        test: bool,
    },
    /// A point to a new place.
    Move {
        /// Which.
        point: PointRef,
        /// Where.
        x: f32,
        /// Where.
        y: f32,
    },
    /// A point removed (the last training or test point stays).
    Erase(PointRef),
    /// Every point replaced (a CSV read).
    Replace(PlanePoints),
}

/// What a press on the plane does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PointMode {
    /// Nothing: the plane is only looked at.
    #[default]
    Look,
    /// Adds a point.
    Add,
    /// Drags the nearest point.
    Move,
    /// Removes the nearest point.
    Erase,
}

/// The point tool the learner has chosen (page state, not part of the setup).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PointTool {
    /// What a press does.
    pub mode: PointMode,
    /// The class of added points.
    pub class: u32,
    /// Added points are held out for testing.
    pub test: bool,
}

/// How far from the origin a point may be placed (the plane drawn is ±1.25).
const REACH: f32 = 1.25;

/// The points after `edit`; edits that cannot apply (an unknown point or class, the last
/// training or test point) leave them as they are.
pub fn apply(points: &PlanePoints, edit: &PointEdit) -> PlanePoints {
    let mut next = points.clone();
    fn list(next: &mut PlanePoints, test: bool) -> &mut Vec<PlanePoint> {
        if test { &mut next.test } else { &mut next.train }
    }
    let clamp = |v: f32| v.clamp(-REACH, REACH);
    match edit {
        // Past the limit of points the spec's check refuses the set, and says so.
        PointEdit::Add { x, y, class, test } => {
            if (*class as usize) < MAX_PLANE_CLASSES {
                list(&mut next, *test).push(PlanePoint(clamp(*x), clamp(*y), *class));
            }
        }
        PointEdit::Move { point, x, y } => {
            if let Some(p) = list(&mut next, point.test).get_mut(point.index) {
                (p.0, p.1) = (clamp(*x), clamp(*y));
            }
        }
        PointEdit::Erase(point) => {
            let points = list(&mut next, point.test);
            if points.len() > 1 && point.index < points.len() {
                points.remove(point.index);
            }
        }
        PointEdit::Replace(all) => next = all.clone(),
    }
    next
}

/// The points of a 2D set drawn from a seed, as the learner's own (where editing starts).
pub fn from_examples(train: &Examples, test: &Examples) -> PlanePoints {
    let points =
        |e: &Examples| (0..e.len()).map(|i| PlanePoint(e.row(i)[0], e.row(i)[1], e.labels[i])).collect();
    PlanePoints { train: points(train), test: points(test) }
}

/// The point nearest `(x, y)` within `reach` (plane units), test points included.
pub fn nearest(points: &PlanePoints, x: f32, y: f32, reach: f32) -> Option<PointRef> {
    let lists = [(false, &points.train), (true, &points.test)];
    lists
        .iter()
        .flat_map(|(test, list)| {
            list.iter()
                .enumerate()
                .map(move |(index, p)| (PointRef { test: *test, index }, (p.0 - x).hypot(p.1 - y)))
        })
        .filter(|(_, d)| *d <= reach)
        .min_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(point, _)| point)
}

/// Reads `x,y,label` rows (a header row is skipped; `label` is 0 to 4); every fourth point is
/// held out for testing. The message names the line and what is wrong.
pub fn parse_csv(text: &str) -> Result<PlanePoints, String> {
    let mut reader =
        csv::ReaderBuilder::new().has_headers(false).trim(csv::Trim::All).from_reader(text.as_bytes());
    let mut all = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let line = i + 1;
        let record = record.map_err(|e| format!("line {line}: {e}"))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if record.len() != 3 {
            return Err(format!("line {line}: {} values; each line is x,y,label", record.len()));
        }
        let (x, y) = (record[0].parse::<f32>(), record[1].parse::<f32>());
        let (Ok(x), Ok(y)) = (x, y) else {
            if i == 0 {
                continue; // a header
            }
            return Err(format!(
                "line {line}: x and y are numbers, not \"{}\" and \"{}\"",
                &record[0], &record[1]
            ));
        };
        if !(x.is_finite() && y.is_finite() && x.abs() <= 10.0 && y.abs() <= 10.0) {
            return Err(format!("line {line}: x and y lie within ±10, not ({x}, {y})"));
        }
        let class =
            record[2].parse::<u32>().ok().filter(|&c| (c as usize) < MAX_PLANE_CLASSES).ok_or_else(|| {
                format!("line {line}: the label is 0 to {}, not \"{}\"", MAX_PLANE_CLASSES - 1, &record[2])
            })?;
        all.push(PlanePoint(x, y, class));
        if all.len() > PLANE_POINTS.max {
            return Err(format!(
                "more than {} points (line {line}); a link carries at most that many",
                PLANE_POINTS.max
            ));
        }
    }
    if all.len() < 2 {
        return Err("at least two points: one to train on and one to test".into());
    }
    let (mut train, mut test) = (Vec::new(), Vec::new());
    for (i, p) in all.into_iter().enumerate() {
        if i % 4 == 3 { test.push(p) } else { train.push(p) }
    }
    if test.is_empty() {
        test.push(train.pop().expect("two points or more"));
    }
    Ok(PlanePoints { train, test })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn points() -> PlanePoints {
        PlanePoints {
            train: vec![PlanePoint(0.0, 0.0, 0), PlanePoint(0.5, 0.5, 1)],
            test: vec![PlanePoint(-0.5, 0.5, 0)],
        }
    }

    #[test]
    fn add_move_and_erase_points() {
        let added = apply(&points(), &PointEdit::Add { x: 2.0, y: -0.3, class: 3, test: false });
        assert_eq!(added.train.last(), Some(&PlanePoint(1.25, -0.3, 3)), "clamped to the plane drawn");
        assert_eq!(added.classes(), 4);
        let test = apply(&added, &PointEdit::Add { x: 0.1, y: 0.1, class: 1, test: true });
        assert_eq!(test.test.len(), 2);
        let moved =
            apply(&test, &PointEdit::Move { point: PointRef { test: false, index: 1 }, x: -1.0, y: 1.0 });
        assert_eq!(moved.train[1], PlanePoint(-1.0, 1.0, 1));
        let erased = apply(&moved, &PointEdit::Erase(PointRef { test: true, index: 0 }));
        assert_eq!(erased.test, vec![PlanePoint(0.1, 0.1, 1)]);
        let kept = apply(&erased, &PointEdit::Erase(PointRef { test: true, index: 0 }));
        assert_eq!(kept, erased, "the last test point stays");
        let unknown =
            apply(&erased, &PointEdit::Move { point: PointRef { test: false, index: 99 }, x: 0.0, y: 0.0 });
        assert_eq!(unknown, erased);
        let bad_class = apply(&erased, &PointEdit::Add { x: 0.0, y: 0.0, class: 5, test: false });
        assert_eq!(bad_class, erased, "classes 0 to 4 only");
    }

    #[test]
    fn a_point_past_the_limit_is_refused_by_the_specs_check_with_its_message() {
        let mut spec = crate::presets::preset(crate::presets::Family::OwnPoints, 0);
        let full = PlanePoints {
            train: vec![PlanePoint(0.0, 0.0, 0); PLANE_POINTS.max - 1],
            test: vec![PlanePoint(0.0, 0.0, 1)],
        };
        spec.data = nsl::spec::DataSpec::Points(full.clone());
        spec.validate().unwrap();
        let more = apply(&full, &PointEdit::Add { x: 0.0, y: 0.0, class: 0, test: false });
        spec.data = nsl::spec::DataSpec::Points(more);
        let refused = spec.validate().unwrap_err().to_string();
        assert!(refused.contains("1001 points, over the limit of 1000"), "{refused}");
    }

    #[test]
    fn a_link_carries_the_largest_set_of_points() {
        use rand::RngExt;
        let mut rng = nsl::graph::rng::seeded(5);
        let mut point = || {
            PlanePoint(rng.random_range(-1.25..1.25), rng.random_range(-1.25..1.25), rng.random_range(0..5))
        };
        let mut spec = crate::presets::preset(crate::presets::Family::OwnPoints, 0);
        let points = PlanePoints {
            train: (0..750).map(|_| point()).collect(),
            test: (0..250).map(|_| point()).collect(),
        };
        spec.data = nsl::spec::DataSpec::Points(points);
        spec.validate().unwrap();
        let link = crate::fragment::to_fragment(&spec);
        assert_eq!(crate::fragment::from_fragment(&link).unwrap(), spec, "{} characters", link.len());
    }

    #[test]
    fn the_nearest_point_within_reach() {
        assert_eq!(nearest(&points(), 0.45, 0.5, 0.1), Some(PointRef { test: false, index: 1 }));
        assert_eq!(nearest(&points(), -0.45, 0.45, 0.1), Some(PointRef { test: true, index: 0 }));
        assert_eq!(nearest(&points(), 1.0, -1.0, 0.1), None);
    }

    #[test]
    fn csv_rows_with_or_without_a_header_and_every_fourth_held_out() {
        let read = parse_csv("x,y,label\n0.1,0.2,0\n-0.3, 0.4 ,1\n0.5,0.5,2\n1,1,0\n\n0,0,1\n").unwrap();
        assert_eq!(
            read.train,
            vec![
                PlanePoint(0.1, 0.2, 0),
                PlanePoint(-0.3, 0.4, 1),
                PlanePoint(0.5, 0.5, 2),
                PlanePoint(0.0, 0.0, 1)
            ]
        );
        assert_eq!(read.test, vec![PlanePoint(1.0, 1.0, 0)]);
        let two = parse_csv("0,0,0\n1,1,1").unwrap();
        assert_eq!((two.train.len(), two.test.len()), (1, 1));
    }

    #[test]
    fn bad_csv_names_the_line_and_the_fault() {
        assert_eq!(
            parse_csv("0,0,0\n1,x,1").unwrap_err(),
            "line 2: x and y are numbers, not \"1\" and \"x\""
        );
        assert!(parse_csv("0,0,0\n1,1,7").unwrap_err().starts_with("line 2: the label is 0 to 4"));
        assert!(parse_csv("0,0\n").unwrap_err().starts_with("line 1: 2 values"));
        assert!(parse_csv("0,0,0\n").unwrap_err().contains("at least two points"));
        assert!(parse_csv("0,99,0\n1,1,1").unwrap_err().contains("within ±10"));
        let many: String =
            (0..=PLANE_POINTS.max).map(|i| format!("{},0,{}\n", i as f32 / 1000.0, i % 2)).collect();
        assert!(parse_csv(&many).unwrap_err().contains("more than 1000 points"));
    }
}
