//! Downsampling a metric curve to screen width. A 1,000,000-point history drawn point by point
//! stalls the terminal; a screen has only a few hundred columns, so each column needs only the
//! points that change what it shows.
//!
//! Two methods: [`min_max_per_column`] keeps each column's lowest and highest point (spikes and
//! dips stay visible: what an approver must not miss), and [`lttb`] (Largest-Triangle-Three-
//! Buckets, Steinarsson 2013) keeps the points that best preserve the curve's shape.
//! Both skip points whose x or y is not finite (MLflow stores NaN and infinite metric values).

/// A point of a curve: (x, y), the form ratatui's `Chart` draws.
pub type Point = (f64, f64);

/// Keep, for each of `columns` equal-width x ranges, the lowest and the highest point (in x
/// order), plus the curve's first and last points. Returns at most `2 * columns + 2` points,
/// sorted by x when the input is. Input shorter than that is returned as is (minus non-finite).
pub fn min_max_per_column(points: &[Point], columns: usize) -> Vec<Point> {
    let columns = columns.max(1);
    let Some(scan) = scan(points) else {
        return Vec::new();
    };
    if points.len() <= 2 * columns + 2 {
        return finite_only(points);
    }
    let width = scan.x_max - scan.x_min;
    if width <= 0.0 {
        // Every point at one x: a vertical line from the lowest to the highest.
        return extremes_of(points.iter().copied().filter(is_finite))
            .map(|(lo, hi)| dedup_pair(lo, hi))
            .unwrap_or_default();
    }
    let mut keep: Vec<usize> = Vec::with_capacity(2 * columns + 2);
    keep.push(scan.first);
    if scan.sorted {
        extremes_sorted(points, columns, scan.x_min, width, &mut keep);
    } else {
        extremes_unsorted(points, columns, scan.x_min, width, &mut keep);
    }
    keep.push(scan.last);
    // Sorting by input index keeps the input's order; dedup drops repeats (lo == hi, first/last).
    keep.sort_unstable();
    keep.dedup();
    keep.into_iter().map(|i| points[i]).collect()
}

/// What one pass over the input learns: the finite x range, the first and last finite points,
/// and whether x never decreases (metric histories by step always hold that).
struct Scan {
    x_min: f64,
    x_max: f64,
    first: usize,
    last: usize,
    sorted: bool,
}

fn scan(points: &[Point]) -> Option<Scan> {
    let mut out: Option<Scan> = None;
    for (i, p) in points.iter().enumerate() {
        if !is_finite(p) {
            continue;
        }
        match &mut out {
            None => {
                out = Some(Scan {
                    x_min: p.0,
                    x_max: p.0,
                    first: i,
                    last: i,
                    sorted: true,
                })
            }
            Some(s) => {
                s.sorted &= p.0 >= points[s.last].0;
                s.x_min = s.x_min.min(p.0);
                s.x_max = s.x_max.max(p.0);
                s.last = i;
            }
        }
    }
    out
}

/// Push the (min, max) indices of each column, in input order within the column.
fn push_pair(keep: &mut Vec<usize>, lo: usize, hi: usize) {
    if lo <= hi {
        keep.extend([lo, hi]);
    } else {
        keep.extend([hi, lo]);
    }
}

/// Sorted input: each column is a contiguous slice, found by binary search, scanned tightly.
fn extremes_sorted(
    points: &[Point],
    columns: usize,
    x_min: f64,
    width: f64,
    keep: &mut Vec<usize>,
) {
    let mut start = 0;
    for c in 0..columns {
        let end = if c + 1 == columns {
            points.len()
        } else {
            let boundary = x_min + (c + 1) as f64 * width / columns as f64;
            start + points[start..].partition_point(|p| !(p.0 >= boundary))
        };
        let mut lo = usize::MAX;
        let mut hi = usize::MAX;
        let (mut lo_y, mut hi_y) = (f64::INFINITY, f64::NEG_INFINITY);
        for (i, &(x, y)) in points[start..end].iter().enumerate() {
            if !(x.is_finite() && y.is_finite()) {
                continue;
            }
            if y < lo_y {
                lo_y = y;
                lo = start + i;
            }
            if y > hi_y {
                hi_y = y;
                hi = start + i;
            }
        }
        if lo != usize::MAX {
            push_pair(keep, lo, hi);
        }
        start = end;
    }
}

/// Unsorted input: one pass assigning each point to its column by x.
fn extremes_unsorted(
    points: &[Point],
    columns: usize,
    x_min: f64,
    width: f64,
    keep: &mut Vec<usize>,
) {
    let scale = columns as f64 / width;
    // Per column: (min y, index, max y, index); usize::MAX marks an empty column.
    let mut cols = vec![(f64::INFINITY, usize::MAX, f64::NEG_INFINITY, usize::MAX); columns];
    for (i, &(x, y)) in points.iter().enumerate() {
        if !(x.is_finite() && y.is_finite()) {
            continue;
        }
        let col = &mut cols[(((x - x_min) * scale) as usize).min(columns - 1)];
        if y < col.0 {
            col.0 = y;
            col.1 = i;
        }
        if y > col.2 {
            col.2 = y;
            col.3 = i;
        }
    }
    for &(_, lo, _, hi) in &cols {
        if lo != usize::MAX {
            push_pair(keep, lo, hi);
        }
    }
}

/// Largest-Triangle-Three-Buckets: `threshold` points (at least 3) that keep the curve's visual
/// shape; the first and last points are always kept. Expects points sorted by x.
pub fn lttb(points: &[Point], threshold: usize) -> Vec<Point> {
    let clean;
    let data: &[Point] = if points.iter().all(is_finite) {
        points
    } else {
        clean = finite_only(points);
        &clean
    };
    let n = data.len();
    if threshold >= n || threshold < 3 {
        return data.to_vec();
    }
    let mut out = Vec::with_capacity(threshold);
    out.push(data[0]);
    // The n - 2 inner points are split into threshold - 2 buckets.
    let every = (n - 2) as f64 / (threshold - 2) as f64;
    let mut a = 0usize; // index of the point chosen in the previous bucket
    for bucket in 0..threshold - 2 {
        let start = (bucket as f64 * every) as usize + 1;
        let end = (((bucket + 1) as f64 * every) as usize + 1).min(n - 1);
        // The next bucket's average point is the third corner of the triangle.
        let next_start = end;
        let next_end = (((bucket + 2) as f64 * every) as usize + 1).min(n);
        let (avg_x, avg_y) = average(&data[next_start..next_end.max(next_start + 1)]);
        let (ax, ay) = data[a];
        let mut best = start;
        let mut best_area = -1.0;
        for (offset, &(x, y)) in data[start..end.max(start + 1)].iter().enumerate() {
            // Twice the triangle's area; the factor does not change which point wins.
            let area = ((ax - avg_x) * (y - ay) - (ax - x) * (avg_y - ay)).abs();
            if area > best_area {
                best_area = area;
                best = start + offset;
            }
        }
        out.push(data[best]);
        a = best;
    }
    out.push(data[n - 1]);
    out
}

/// The downsampling tollgate uses for charts: min/max per column, because hiding a spike is
/// worse than a slightly jagged line.
pub fn for_screen(points: &[Point], columns: usize) -> Vec<Point> {
    min_max_per_column(points, columns)
}

fn is_finite(p: &Point) -> bool {
    p.0.is_finite() && p.1.is_finite()
}

fn finite_only(points: &[Point]) -> Vec<Point> {
    points.iter().copied().filter(is_finite).collect()
}

fn extremes_of(points: impl Iterator<Item = Point>) -> Option<(Point, Point)> {
    points.fold(None, |acc, p| match acc {
        None => Some((p, p)),
        Some((lo, hi)) => Some((
            if p.1 < lo.1 { p } else { lo },
            if p.1 > hi.1 { p } else { hi },
        )),
    })
}

fn dedup_pair(a: Point, b: Point) -> Vec<Point> {
    if a == b {
        vec![a]
    } else {
        vec![a, b]
    }
}

fn average(points: &[Point]) -> Point {
    let n = points.len().max(1) as f64;
    let (sx, sy) = points
        .iter()
        .fold((0.0, 0.0), |(sx, sy), &(x, y)| (sx + x, sy + y));
    (sx / n, sy / n)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn noisy(n: usize) -> Vec<Point> {
        // Deterministic wiggle; no rand dependency needed.
        (0..n)
            .map(|i| (i as f64, ((i * 7919) % 1000) as f64 / 1000.0))
            .collect()
    }

    #[test]
    fn min_max_keeps_a_single_spike() {
        let mut pts: Vec<Point> = (0..30_000).map(|i| (i as f64, 1.0)).collect();
        pts[12_345].1 = 99.0;
        pts[20_000].1 = -5.0;
        let out = min_max_per_column(&pts, 100);
        assert!(out.len() <= 202);
        assert!(out.contains(&(12_345.0, 99.0)));
        assert!(out.contains(&(20_000.0, -5.0)));
    }

    #[test]
    fn min_max_keeps_first_and_last_and_order() {
        let pts = noisy(10_000);
        let out = min_max_per_column(&pts, 50);
        assert_eq!(out.first(), pts.first());
        assert_eq!(out.last(), pts.last());
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(out.len() <= 102);
    }

    #[test]
    fn min_max_column_extremes_match_brute_force() {
        let pts = noisy(5_000);
        let out = min_max_per_column(&pts, 10);
        for c in 0..10 {
            let lo_x = c as f64 * 4999.0 / 10.0;
            let hi_x = (c + 1) as f64 * 4999.0 / 10.0;
            let col: Vec<&Point> = pts
                .iter()
                .filter(|p| p.0 >= lo_x && (p.0 < hi_x || c == 9))
                .collect();
            let max = col.iter().map(|p| p.1).fold(f64::MIN, f64::max);
            let min = col.iter().map(|p| p.1).fold(f64::MAX, f64::min);
            let kept: Vec<&Point> = out
                .iter()
                .filter(|p| p.0 >= lo_x && (p.0 < hi_x || c == 9))
                .collect();
            assert!(kept.iter().any(|p| p.1 == max), "column {c} lost its max");
            assert!(kept.iter().any(|p| p.1 == min), "column {c} lost its min");
        }
    }

    #[test]
    fn unsorted_input_gives_the_same_extremes() {
        let sorted = noisy(20_000);
        let mut shuffled = sorted.clone();
        // A deterministic shuffle: reverse, then swap every pair.
        shuffled.reverse();
        for pair in shuffled.chunks_mut(2) {
            pair.swap(0, pair.len() - 1);
        }
        // The first and last points are the input's own, so they differ; the extremes do not.
        let ends = [sorted[0], sorted[19_999], shuffled[0], shuffled[19_999]];
        let inner = |pts: Vec<Point>| -> Vec<Point> {
            pts.into_iter().filter(|p| !ends.contains(p)).collect()
        };
        let mut a = inner(min_max_per_column(&sorted, 37));
        let mut b = inner(min_max_per_column(&shuffled, 37));
        let key = |p: &Point| (p.0 as i64, (p.1 * 1e6) as i64);
        a.sort_by_key(key);
        b.sort_by_key(key);
        assert_eq!(a, b);
    }

    #[test]
    fn short_input_is_returned_unchanged() {
        let pts = noisy(10);
        assert_eq!(min_max_per_column(&pts, 100), pts);
        assert_eq!(lttb(&pts, 100), pts);
    }

    #[test]
    fn empty_and_non_finite_input() {
        assert!(min_max_per_column(&[], 10).is_empty());
        assert!(lttb(&[], 10).is_empty());
        let pts = vec![(0.0, f64::NAN), (1.0, f64::INFINITY)];
        assert!(min_max_per_column(&pts, 10).is_empty());
        let mut many = noisy(1_000);
        many[500].1 = f64::NAN;
        assert!(min_max_per_column(&many, 10).iter().all(is_finite));
        assert!(lttb(&many, 20).iter().all(is_finite));
        assert_eq!(lttb(&many, 20).len(), 20);
    }

    #[test]
    fn all_points_at_one_x() {
        let pts: Vec<Point> = (0..1000).map(|i| (5.0, i as f64)).collect();
        assert_eq!(min_max_per_column(&pts, 10), vec![(5.0, 0.0), (5.0, 999.0)]);
    }

    #[test]
    fn zero_columns_is_treated_as_one() {
        let pts = noisy(100);
        let out = min_max_per_column(&pts, 0);
        assert!(out.len() <= 4 && out.len() >= 2);
    }

    #[test]
    fn lttb_returns_threshold_points_with_endpoints() {
        let pts = noisy(100_000);
        let out = lttb(&pts, 300);
        assert_eq!(out.len(), 300);
        assert_eq!(out[0], pts[0]);
        assert_eq!(out[299], pts[99_999]);
        assert!(out.windows(2).all(|w| w[0].0 < w[1].0));
    }

    #[test]
    fn lttb_keeps_a_peak() {
        let mut pts: Vec<Point> = (0..10_000).map(|i| (i as f64, 0.0)).collect();
        pts[5_000].1 = 50.0;
        assert!(lttb(&pts, 100).contains(&(5_000.0, 50.0)));
    }

    #[test]
    fn lttb_threshold_below_three_returns_input() {
        let pts = noisy(50);
        assert_eq!(lttb(&pts, 2).len(), 50);
    }

    #[test]
    fn for_screen_uses_min_max() {
        let pts = noisy(3_000);
        assert_eq!(for_screen(&pts, 40), min_max_per_column(&pts, 40));
    }
}
